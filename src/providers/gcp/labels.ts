/**
 * GCP label rules, without the SDK (the Packer template builder may use these
 * too, to write `image_labels` the provider reads back unchanged).
 *
 * Keys: 1-63 characters, starting with a lowercase letter; values: 0-63
 * characters; both only lowercase letters, digits, `_` and `-` (GCP also
 * allows international lowercase letters, which pass through). At most 64
 * labels per resource.
 *
 * Our tags are lowercase already, except values such as `ib-built-at`
 * (`2024-05-01T12:00:00Z`) or a version with dots. Writing them, every
 * character outside the set becomes `-` and the value is lowercased and cut
 * at 63 characters: `2024-05-01T12:00:00.000Z` -> `2024-05-01t12-00-00-000z`.
 * The change is one way; readers compare sanitized forms (see `labelValue`).
 */

export const LABEL_MAX = 63;
export const LABELS_PER_RESOURCE = 64;

const INVALID = /[^\p{Ll}\p{Lo}\p{N}_-]/gu;

/** A value as GCP will store it. Idempotent: labelValue(labelValue(v)) === labelValue(v). */
export function labelValue(value: string): string {
  return value.toLowerCase().replace(INVALID, '-').slice(0, LABEL_MAX);
}

/** A key as GCP will store it; throws when no valid key can be made from it. */
export function labelKey(key: string): string {
  const clean = labelValue(key);
  if (!/^\p{Ll}/u.test(clean)) {
    throw new Error(`label key "${key}" is not valid on GCP: keys must start with a lowercase letter`);
  }
  return clean;
}

/** Sanitizes every key and value (see the module comment). */
export function sanitizeLabels(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) out[labelKey(key)] = labelValue(String(value));
  return out;
}

/** `existing` with `changes` laid over it; throws when the result exceeds GCP's label count. */
export function mergeLabels(existing: Record<string, string>, changes: Record<string, string>, what: string): Record<string, string> {
  const merged = { ...existing, ...sanitizeLabels(changes) };
  const count = Object.keys(merged).length;
  if (count > LABELS_PER_RESOURCE) {
    throw new Error(`${what}: ${count} labels exceed GCP's limit of ${LABELS_PER_RESOURCE} per image`);
  }
  return merged;
}
