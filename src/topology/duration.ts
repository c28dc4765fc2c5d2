/**
 * Durations as the topology writes them (`rebuild_after: 30d`,
 * `delete_retired_after: 7d`): a whole number and a unit, `h` (hours), `d`
 * (days) or `w` (weeks), or `never` (a recipe turning off the lifecycle
 * default; retired images deactivated and never deleted). Minutes and months
 * are left out on purpose: `m` would be read as either.
 */
import { z } from 'zod';

const UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const FORM = /^([1-9]\d{0,4})\s*([hdw])$/;

/** `never`: no age-based rebuild; retired images never deleted. */
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

/**
 * The schema of a duration setting; `never` says what `never` means there
 * (a number alone is refused: its unit would be a guess).
 */
export function durationOf(never: string) {
  return z.custom<string>().superRefine((value: unknown, ctx) => {
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
      params: { hint: `write a whole number and a unit: 12h (hours), 30d (days) or 2w (weeks); or never, ${never}` },
    });
  });
}

/** The schema of a `rebuild_after` value. */
export const durationSchema = durationOf('to rebuild only when something changed');

/** The schema of `lifecycle.delete_retired_after`. */
export const retiredWindowSchema = durationOf('to deactivate retired images and never delete them');

/** How long a retired line's images stay deactivated before they are deleted, when the topology does not say. */
export const DELETE_RETIRED_AFTER = '7d';

/** `lifecycle.delete_retired_after` in milliseconds (`Infinity`: never deleted), the default when unset. */
export function retiredWindow(lifecycle: { delete_retired_after?: string }): number {
  return parseDuration(lifecycle.delete_retired_after ?? DELETE_RETIRED_AFTER) ?? (parseDuration(DELETE_RETIRED_AFTER) as number);
}
