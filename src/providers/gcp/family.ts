/**
 * The GCP image family of an image line (recipe, os), e.g. `ib-base-debian12`.
 * Builds do not set it: an image joins its family only when lifecycle
 * promotes it (images.patch with `family`), because a family resolves to its
 * newest non-deprecated image, and a candidate, or one that failed
 * verification, must never be what `family/ib-...` serves.
 * Family names follow image-name rules: [a-z]([-a-z0-9]{0,61}[a-z0-9])?
 * (Compute API reference, images resource, `family`).
 */
export function gcpImageFamily(recipe: string, os: string): string {
  const head = ['ib', recipe, os]
    .map((w) =>
      w
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/-{2,}/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter((w) => w.length > 0)
    .join('-');
  return head.slice(0, 63).replace(/-+$/, '');
}
