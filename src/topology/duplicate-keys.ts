/**
 * Finds keys that appear twice in one YAML map. The yaml library can do this
 * while parsing, but it compares each new key with every earlier one, which
 * is quadratic in the size of a map; a topology with thousands of images has
 * maps that large. This walk keeps one set per map, so it is linear.
 */
import { isScalar, visit, type Document, type LineCounter, type Node } from 'yaml';

export interface KeyPosition {
  line: number;
  col: number;
}

/** The position of every repeated key (the second and later ones), in file order. */
export function duplicateKeys(doc: Document, lines: LineCounter): KeyPosition[] {
  const found: { offset: number }[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        // Scalars compare by value; other keys (rare: `? [a, b]`) by identity, as yaml does.
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const offset = (pair.key as Node | null)?.range?.[0];
        if (offset !== undefined) found.push({ offset });
      }
    },
  });
  return found.sort((a, b) => a.offset - b.offset).map(({ offset }) => lines.linePos(offset));
}
