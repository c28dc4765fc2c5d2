/**
 * "Did you mean" suggestions: the closest known name by edit distance.
 */

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and
 * swaps of two neighbouring characters each cost 1 ("gpc" is 1 from "gcp").
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2][j - 2] + 1);
      }
      d[i][j] = best;
    }
  }
  return d[rows - 1][cols - 1];
}

/** True when `short` is `long` with letters left out, same first letter ("cnt" in "count"). */
function isAbbreviation(short: string, long: string): boolean {
  if (short.length < 3 || short.length >= long.length || short[0] !== long[0]) return false;
  let i = 0;
  for (const ch of long) if (ch === short[i]) i += 1;
  return i === short.length;
}

/** Longest word for which a suggestion is looked for. */
const MAX_WORD = 64;
/** Most candidates compared with one word (a suggestion among thousands of names helps little). */
const MAX_COMPARED = 5000;

/**
 * The known name closest to `word`, or undefined when none is close enough.
 * Case differences are free; a name is close when at most a third of its
 * characters differ (at least one is always allowed). Failing that, a name
 * that `word` abbreviates ("cnt" for "count"), the shortest first.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  // Names are short: a long word has no near name, and is not compared (its cost would grow with its length).
  if (word.length > MAX_WORD) return undefined;
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  let compared = 0;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const allowed = Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3));
    // The distance is at least the difference in length: most candidates need no table.
    if (Math.abs(word.length - candidate.length) > Math.min(allowed, bestDistance - 1)) continue;
    if (++compared > MAX_COMPARED) break;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const abbreviated = [...candidates].filter((c) => isAbbreviation(lower, c.toLowerCase()));
  return abbreviated.sort((a, b) => a.length - b.length)[0];
}

/** Quotes a list for messages: `"a", "b", "c"` (at most `max` shown). */
export function quoteList(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`);
  if (names.length > max) shown.push(`and ${names.length - max} more`);
  return shown.join(', ');
}

const memo = new WeakMap<readonly string[], Map<string, string | undefined>>();

/**
 * A hint for an unknown name: `did you mean "x"?` when one is close, else the
 * list of known names, else `fallback`.
 */
export function didYouMean(word: string, candidates: readonly string[], what: string, fallback = ''): string {
  // The same unknown word is often written many times (one per instance): look it up once per list of names.
  let known = memo.get(candidates);
  if (!known) memo.set(candidates, (known = new Map()));
  if (!known.has(word)) known.set(word, suggest(word, candidates));
  const close = known.get(word);
  if (close !== undefined) return `did you mean "${close}"?`;
  if (candidates.length > 0) return `known ${what}: ${quoteList(candidates)}`;
  return fallback;
}
