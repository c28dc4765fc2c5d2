/** lifecycle as a job summary and as terminal text: promotions, outdated, removals, kept, drift. */
import type { StepFailure } from '../distribute/rules.js';
import type { LineDecision } from '../lifecycle/lines.js';
import type { DriftRow } from '../lifecycle/drift.js';
import type { ImageRecord } from '../images/index.js';
import { driftMarkdown, driftText } from './drift.js';
import { count, markdownTable, textTable, type Row } from './table.js';

export interface LifecycleReport {
  dryRun: boolean;
  delete: boolean;
  keep: number;
  lines: LineDecision[];
  failures: StepFailure[];
  drift: DriftRow[];
}

const where = (l: LineDecision) => l.location.regions.join(' ');
const line = (l: LineDecision) => [l.location.cloud, where(l), l.location.image, l.location.os];

export function lifecycleHeadline(r: LifecycleReport): string {
  const promoted = r.lines.filter((l) => l.decision.promote).length;
  const outdated = r.lines.reduce((n, l) => n + l.decision.outdated.length, 0);
  const removed = r.lines.reduce((n, l) => n + l.decision.remove.length, 0);
  const would = r.lines.reduce((n, l) => n + l.decision.wouldRemove.length, 0);
  const mode = r.dryRun ? 'dry run, nothing changed: would be ' : '';
  const removal = r.delete ? `${count(removed, 'image')} removed` : `${count(would, 'image')} to remove (delete is off: nothing removed)`;
  return (
    `${mode}${count(promoted, 'promotion')}, ${outdated} outdated, ${removal}; ${count(r.lines.length, 'line location')}` +
    (r.failures.length > 0 ? `, ${count(r.failures.length, 'failure')}` : '')
  );
}

const PROMOTE_HEADER = ['cloud', 'regions', 'image', 'os', 'new gold', 'fingerprint', 'verdict', 'replaces'];
const promoteRows = (r: LifecycleReport): Row[] =>
  r.lines
    .filter((l) => l.decision.promote)
    .map((l) => {
      const gold = l.decision.promote as ImageRecord;
      return [
        ...line(l),
        `${gold.name} (${gold.id})`,
        gold.fingerprint.slice(0, 16),
        gold.verified,
        l.decision.outdated.map((o) => o.name).join(' ') || '-',
      ];
    });

const OUTDATED_HEADER = ['cloud', 'regions', 'image', 'os', 'outdated', 'replaced by'];
const outdatedRows = (r: LifecycleReport): Row[] =>
  r.lines.flatMap((l) => l.decision.outdated.map((o) => [...line(l), `${o.name} (${o.id})`, l.decision.gold?.name ?? '-']));

const REMOVE_HEADER = ['cloud', 'regions', 'image', 'os', 'image name', 'created', 'channel', 'reason', 'action'];
const removeRows = (r: LifecycleReport): Row[] =>
  r.lines.flatMap((l) =>
    [
      ...l.decision.remove.map((x) => ({ ...x, action: r.dryRun ? 'would remove' : 'removed' })),
      ...l.decision.wouldRemove.map((x) => ({ ...x, action: 'would remove with delete: true' })),
    ].map((x) => [...line(l), `${x.record.name} (${x.record.id})`, x.record.createdAt, x.record.channel, x.reason, x.action]),
  );

const KEPT_HEADER = ['cloud', 'regions', 'image', 'os', 'gold', 'newest', 'in use', 'pending'];
const keptRows = (r: LifecycleReport): Row[] =>
  r.lines.map((l) => {
    const n = (reason: string) => l.decision.kept.filter((k) => k.reason === reason).length;
    const inUse = l.decision.kept
      .filter((k) => k.reason === 'in-use')
      .map((k) => `${k.record.name}${l.usage[k.record.id]?.length ? ` [${l.usage[k.record.id].slice(0, 3).join(', ')}]` : ''}`);
    return [...line(l), l.decision.gold?.name ?? '-', n('newest'), inUse.join(' ') || '0', n('pending')];
  });

const FAIL_HEADER = ['cloud', 'region', 'image', 'step', 'error'];
const failRows = (r: LifecycleReport): Row[] => r.failures.map((f) => [f.cloud, f.region, f.name || '-', f.step, f.message]);

function sections(r: LifecycleReport, table: (h: string[], rows: Row[]) => string, heading: (t: string) => string): string[] {
  const parts: string[] = [];
  const add = (title: string, header: string[], rows: Row[]) => {
    if (rows.length > 0) parts.push(`${heading(title)}${table(header, rows)}`);
  };
  add('Promoted to gold', PROMOTE_HEADER, promoteRows(r));
  add('Marked outdated (deprecated, replacement named)', OUTDATED_HEADER, outdatedRows(r));
  add(`Removals (keep ${r.keep} per line and region; retired lines entirely)`, REMOVE_HEADER, removeRows(r));
  add('Kept', KEPT_HEADER, keptRows(r));
  add('Failures', FAIL_HEADER, failRows(r));
  return parts;
}

export function lifecycleMarkdown(r: LifecycleReport): string {
  return (
    [`## Image lifecycle\n\n${lifecycleHeadline(r)}`, ...sections(r, markdownTable, (t) => `### ${t}\n\n`), driftMarkdown(r.drift)].join(
      '\n\n',
    ) + '\n'
  );
}

export function lifecycleText(r: LifecycleReport): string {
  return [lifecycleHeadline(r), ...sections(r, textTable, (t) => `${t}:\n`), driftText(r.drift)].join('\n\n') + '\n';
}
