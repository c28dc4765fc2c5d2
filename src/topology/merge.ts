/**
 * The merge rule of recipe inheritance: maps merge key by key (recursively),
 * lists replace, scalars override. Inputs are never modified.
 */

type Plain = Record<string, unknown>;

function isPlainMap(value: unknown): value is Plain {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A deep copy of plain data (maps, lists, scalars). */
export function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => clonePlain(v)) as T;
  if (isPlainMap(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clonePlain(v)])) as T;
  }
  return value;
}

/** `child` over `parent`: maps merge recursively, anything else in `child` wins. */
export function deepMerge(parent: Plain, child: Plain): Plain {
  const out: Plain = clonePlain(parent);
  for (const [key, value] of Object.entries(child)) {
    if (value === undefined) continue;
    const base = out[key];
    out[key] = isPlainMap(base) && isPlainMap(value) ? deepMerge(base, value) : clonePlain(value);
  }
  return out;
}
