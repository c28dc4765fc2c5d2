/** Narrows the image set by cloud and recipe names: comma-separated, `*` matches any run of characters. */
export function matcher(patterns: string[]): (value: string) => boolean {
  if (patterns.length === 0) return () => true;
  const regexes = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      ),
  );
  return (value) => regexes.some((r) => r.test(value));
}

export function filterImages<T extends { cloud: string; image: string }>(images: T[], clouds: string[], recipes: string[]): T[] {
  const cloudOk = matcher(clouds);
  const recipeOk = matcher(recipes);
  return images.filter((i) => cloudOk(i.cloud) && recipeOk(i.image));
}
