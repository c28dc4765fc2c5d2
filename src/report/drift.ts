/** Drift (lifecycle/drift.ts) as a Markdown section and as terminal text. */
import { driftCounts, type DriftRow, type DriftStatus } from '../lifecycle/drift.js';
import { markdownTable, textTable, type Row } from './table.js';

const HEADER = ['cloud', 'region', 'image', 'os', 'drift', 'gold', 'wanted fingerprint'];
const MARK: Record<DriftStatus, string> = { 'up to date': '✅ up to date', outdated: '⚠️ outdated', missing: '❌ missing' };
const rowsOf = (rows: DriftRow[], marks: boolean): Row[] =>
  rows.map((r) => [
    r.cloud,
    r.region,
    r.image,
    r.os,
    marks ? MARK[r.status] : r.status,
    r.gold ? `${r.gold.name} (${r.gold.fingerprint.slice(0, 16)})` : '-',
    r.wanted.slice(0, 16),
  ]);

export function driftHeadline(rows: DriftRow[]): string {
  const c = driftCounts(rows);
  return `${c['up to date']} up to date, ${c.outdated} outdated, ${c.missing} missing`;
}

export function driftMarkdown(rows: DriftRow[]): string {
  if (rows.length === 0) return '### Drift\n\nno image line of the topology in the selected clouds';
  return `### Drift\n\n${driftHeadline(rows)}\n\n${markdownTable(HEADER, rowsOf(rows, true))}`;
}

export function driftText(rows: DriftRow[]): string {
  if (rows.length === 0) return 'Drift: no image line of the topology in the selected clouds';
  return `Drift: ${driftHeadline(rows)}\n${textTable(HEADER, rowsOf(rows, false))}`;
}
