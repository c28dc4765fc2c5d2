/** Small numeric helpers for the benchmarks: timing, medians, formatting. */
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

/** Runs `fn` and answers [result, milliseconds]. */
export async function timed(fn) {
  const start = now();
  const result = await fn();
  return [result, now() - start];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** { median, min, max } of a list of numbers. */
export function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

export const ms = (value) => `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
export const ratio = (a, b) => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`);
export const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Aligned text table: header row, then rows of cells. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
