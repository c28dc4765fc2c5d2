/**
 * Durations as the topology writes them (`rebuild_after: 30d`): a whole
 * number and a unit, `h` (hours), `d` (days) or `w` (weeks), or `never`
 * (a recipe turning off the lifecycle default). Minutes and months are left
 * out on purpose: `m` would be read as either.
 */
import { z } from 'zod';

const UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const FORM = /^([1-9]\d{0,4})\s*([hdw])$/;

/** `never`: no age-based rebuild. */
export const NEVER = 'never';

/** Milliseconds of a duration (`12h`, `30d`, `2w`), `Infinity` for `never`, undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (value === NEVER) return Infinity;
  const match = FORM.exec(value);
  return match ? Number(match[1]) * UNITS[match[2]] : undefined;
}

/** A rough human age: `41 days`, `3 hours` (whole units, rounded down; days from two days on). */
export function formatAge(ms: number): string {
  const [unit, size] = ms >= 2 * UNITS.d ? ['day', UNITS.d] : ['hour', UNITS.h];
  const n = Math.max(0, Math.floor(ms / size));
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The schema of a `rebuild_after` value (a number alone is refused: its unit would be a guess). */
export const durationSchema = z.custom<string>().superRefine((value: unknown, ctx) => {
  if (typeof value === 'string' && parseDuration(value) !== undefined) return;
  const shown =
    typeof value === 'string'
      ? `"${value.slice(0, 40)}"`
      : value === null
        ? 'empty'
        : typeof value === 'number'
          ? String(value)
          : `a ${Array.isArray(value) ? 'list' : typeof value}`;
  ctx.addIssue({
    code: 'custom',
    message: `{at} is ${shown}, not a duration`,
    params: {
      hint: 'write a whole number and a unit: 12h (hours), 30d (days) or 2w (weeks); or never, to rebuild only when something changed',
    },
  });
});
