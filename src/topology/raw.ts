/**
 * Guards for reading the parsed YAML before (or despite) schema validation,
 * so the reference checks can run even when other parts of the file are wrong.
 */
import type { Path, Target } from './positions.js';
import { toText } from './schema.js';

export type RawMap = Record<string, unknown>;

/** Reports one problem about the node at `path`. */
export type Report = (path: Path, message: string, hint: string, target?: Target) => void;

export function asMap(value: unknown): RawMap | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as RawMap) : undefined;
}

export function asList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A non-empty name, read the way the schema reads text (integers become text). */
export function asName(value: unknown): string | undefined {
  const text = toText(value);
  return typeof text === 'string' && text.length > 0 ? text : undefined;
}

export function has(map: RawMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}
