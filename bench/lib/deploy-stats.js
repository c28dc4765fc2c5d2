/**
 * Small pure helpers for the deploy and pipeline benchmarks: median and
 * spread of samples, ratios, seconds, and time intervals (how much of a
 * stage's wall time child processes covered, nested or overlapping).
 */

export function median(values) {
  if (values.length === 0) throw new Error('median of no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { n, median, min, max } of the samples. */
export function summarize(values) {
  return { n: values.length, median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "median 63.2 s (min-max 60.1-70.4 s, 3 runs)" */
export function describe(summary) {
  const s = (ms) => (ms / 1000).toFixed(1);
  return `median ${s(summary.median)} s (min-max ${s(summary.min)}-${s(summary.max)} s, ${summary.n} run${summary.n === 1 ? '' : 's'})`;
}

/** a / b, both measured; refuses a zero or missing denominator rather than printing Infinity. */
export function ratio(a, b) {
  if (!(b > 0) || !(a >= 0)) throw new Error(`cannot divide ${a} by ${b}`);
  return a / b;
}

/** The intervals [start, end] merged where they touch or overlap, sorted. */
export function mergeIntervals(intervals) {
  const sorted = intervals.filter(([s, e]) => e > s).map(([s, e]) => [s, e]).sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const [s, e] of sorted) {
    const last = merged.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return merged;
}

/** How long, within [from, to], at least one of the intervals was running. */
export function coveredWithin(intervals, from, to) {
  let total = 0;
  for (const [s, e] of mergeIntervals(intervals)) total += Math.max(0, Math.min(e, to) - Math.max(s, from));
  return total;
}
