/**
 * lifecycle as a job summary and as terminal text: promotions, outdated,
 * retired images deactivated (and when they will be deleted), removals,
 * kept, images held back from gold (and why), drift. A real run counts and lists what was done (a step
 * that failed, or was not tried because an earlier one failed, is listed
 * apart); a dry run says what would be done.
 */
import type { StepFailure } from '../distribute/rules.js';
import type { LineDecision } from '../lifecycle/lines.js';
import { HELD_BECAUSE } from '../lifecycle/decide.js';
import type { DriftRow } from '../lifecycle/drift.js';
import type { ImageRecord } from '../images/index.js';
import { DELETE_RETIRED_AFTER } from '../topology/duration.js';
import { driftMarkdown, driftText } from './drift.js';
import { count, markdownTable, textTable, type Row } from './table.js';

/** A step lifecycle plans for an image. */
export type PlannedStep = 'promote' | 'outdated' | 'deactivate' | 'remove';

/** Names one planned step, for AppliedSteps.done. */
export const doneKey = (step: PlannedStep, cloud: string, record: Pick<ImageRecord, 'region' | 'id'>): string =>
  `${step}|${cloud}|${record.region}|${record.id}`;

/** What a real run did: counts, and the planned steps that completed (doneKey). */
export interface AppliedSteps {
  promoted: number;
  outdated: number;
  removed: number;
  /** Retired images deactivated (deleted after delete_retired_after). */
  deactivated?: number;
  done: ReadonlySet<string>;
}

export interface LifecycleReport {
  dryRun: boolean;
  delete: boolean;
  keep: number;
  /** lifecycle.delete_retired_after as written (or its default). */
  deleteRetiredAfter?: string;
  lines: LineDecision[];
  failures: StepFailure[];
  drift: DriftRow[];
  /** Ignored in a dry run, where nothing is applied. */
  applied: AppliedSteps;
}

const where = (l: LineDecision) => l.location.regions.join(' ');
const line = (l: LineDecision) => [l.location.cloud, where(l), l.location.image, l.location.os];

/** Every step the decisions plan, with its image. */
function planned(r: LifecycleReport): { line: LineDecision; step: PlannedStep; record: ImageRecord }[] {
  return r.lines.flatMap((line) => [
    ...(line.decision.promote ? [{ line, step: 'promote' as const, record: line.decision.promote }] : []),
    ...line.decision.outdated.map((record) => ({ line, step: 'outdated' as const, record })),
    ...line.decision.deactivate.map((x) => ({ line, step: 'deactivate' as const, record: x.record })),
    ...line.decision.remove.map((x) => ({ line, step: 'remove' as const, record: x.record })),
  ]);
}

/** Whether a planned step counts: in a dry run every one (as "would"), in a real run those done. */
const counted = (r: LifecycleReport, step: PlannedStep, l: LineDecision, record: ImageRecord): boolean =>
  r.dryRun || r.applied.done.has(doneKey(step, l.location.cloud, record));

export function lifecycleHeadline(r: LifecycleReport): string {
  const plan = planned(r);
  const n = (step: PlannedStep) => plan.filter((p) => p.step === step).length;
  const [promoted, outdated, removed] = r.dryRun
    ? [n('promote'), n('outdated'), n('remove')]
    : [r.applied.promoted, r.applied.outdated, r.applied.removed];
  const would = r.lines.reduce((sum, l) => sum + l.decision.wouldRemove.length, 0);
  const mode = r.dryRun ? 'dry run, nothing changed: would be ' : '';
  const removal = r.delete ? `${count(removed, 'image')} removed` : `${count(would, 'image')} to remove (delete is off: nothing removed)`;
  const deactivated = r.dryRun ? n('deactivate') : (r.applied.deactivated ?? 0);
  const wouldDeactivate = r.lines.reduce((sum, l) => sum + l.decision.wouldDeactivate.length, 0);
  const retiring =
    deactivated > 0
      ? `, ${count(deactivated, 'retired image')} deactivated`
      : wouldDeactivate > 0
        ? `, ${count(wouldDeactivate, 'retired image')} to deactivate`
        : '';
  const notDone = notDoneRows(r).length;
  const held = heldRows(r).length;
  return (
    `${mode}${count(promoted, 'promotion')}, ${outdated} outdated, ${removal}${retiring}; ${count(r.lines.length, 'line location')}` +
    (held > 0 ? `, ${count(held, 'image')} held back from gold` : '') +
    (r.failures.length > 0 ? `, ${count(r.failures.length, 'failure')}` : '') +
    (notDone > 0 ? `, ${count(notDone, 'planned step')} not done` : '')
  );
}

const PROMOTE_HEADER = ['cloud', 'regions', 'image', 'os', 'new gold', 'fingerprint', 'verdict', 'replaces'];
const promoteRows = (r: LifecycleReport): Row[] =>
  r.lines
    .filter((l) => l.decision.promote && counted(r, 'promote', l, l.decision.promote))
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
  r.lines.flatMap((l) =>
    l.decision.outdated
      .filter((o) => counted(r, 'outdated', l, o))
      .map((o) => [...line(l), `${o.name} (${o.id})`, l.decision.gold?.name ?? '-']),
  );

const REMOVE_HEADER = ['cloud', 'regions', 'image', 'os', 'image name', 'created', 'channel', 'reason', 'action'];
const removeRows = (r: LifecycleReport): Row[] =>
  r.lines.flatMap((l) =>
    [
      ...l.decision.remove
        .filter((x) => counted(r, 'remove', l, x.record))
        .map((x) => ({ ...x, action: r.dryRun ? 'would remove' : 'removed' })),
      ...l.decision.wouldRemove.map((x) => ({ ...x, action: 'would remove with delete: true' })),
    ].map((x) => [...line(l), `${x.record.name} (${x.record.id})`, x.record.createdAt, x.record.channel, x.reason, x.action]),
  );

const RETIRED_HEADER = ['cloud', 'regions', 'image', 'os', 'image name', 'created', 'action', 'deleted from'];
/** Retired images deactivated now or waiting out the window, with when they will be deleted. */
const retiredRows = (r: LifecycleReport): Row[] =>
  r.lines.flatMap((l) =>
    [
      ...l.decision.deactivate
        .filter((x) => counted(r, 'deactivate', l, x.record))
        .map((x) => ({ ...x, action: r.dryRun ? 'would deactivate' : 'deactivated' })),
      ...l.decision.wouldDeactivate.map((x) => ({ ...x, action: 'would deactivate with delete: true' })),
      ...l.decision.kept
        .filter((k) => k.reason === 'retiring')
        .map((k) => ({ ...k, action: `deactivated since ${k.record.retiredAt}, kept` })),
    ].map((x) => [...line(l), `${x.record.name} (${x.record.id})`, x.record.createdAt, x.action, x.deleteAt ?? 'never']),
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

const HELD_HEADER = ['cloud', 'regions', 'image', 'os', 'image name', 'created', 'verdict', 'why not gold'];
/** Images of the current fingerprint that their verdict keeps from being gold. */
const heldRows = (r: LifecycleReport): Row[] =>
  r.lines.flatMap((l) =>
    l.decision.held.map((h) => [
      ...line(l),
      `${h.record.name} (${h.record.id})`,
      h.record.createdAt,
      h.record.verified,
      HELD_BECAUSE[h.reason],
    ]),
  );

const STEP_TEXT: Record<PlannedStep, string> = {
  promote: 'promote to gold',
  outdated: 'mark outdated',
  deactivate: 'deactivate',
  remove: 'remove',
};
/** The failure behind a step: promoting and marking outdated are tags (outdated also a deprecation). */
const FAILED_AS: Record<PlannedStep, StepFailure['step'][]> = {
  promote: ['tag'],
  outdated: ['tag', 'deprecate'],
  deactivate: ['deactivate'],
  remove: ['remove'],
};

const NOT_DONE_HEADER = ['cloud', 'regions', 'image', 'os', 'step', 'image name', 'why'];
/** Planned steps of a real run that did not happen: failed (see Failures), or not tried after an earlier failure. */
function notDoneRows(r: LifecycleReport): Row[] {
  if (r.dryRun) return [];
  return planned(r)
    .filter((p) => !r.applied.done.has(doneKey(p.step, p.line.location.cloud, p.record)))
    .map(({ line: l, step, record }) => {
      const failure = r.failures.find(
        (f) => f.cloud === l.location.cloud && f.region === record.region && f.name === record.name && FAILED_AS[step].includes(f.step),
      );
      const why = failure ? `failed (${failure.step}): see Failures` : 'not tried: an earlier step of this line failed';
      return [...line(l), STEP_TEXT[step], `${record.name} (${record.id})`, why];
    });
}

const FAIL_HEADER = ['cloud', 'region', 'image', 'step', 'error'];
const failRows = (r: LifecycleReport): Row[] => r.failures.map((f) => [f.cloud, f.region, f.name || '-', f.step, f.message]);

function sections(r: LifecycleReport, table: (h: string[], rows: Row[]) => string, heading: (t: string) => string): string[] {
  const parts: string[] = [];
  const add = (title: string, header: string[], rows: Row[]) => {
    if (rows.length > 0) parts.push(`${heading(title)}${table(header, rows)}`);
  };
  add(r.dryRun ? 'Would promote to gold' : 'Promoted to gold', PROMOTE_HEADER, promoteRows(r));
  add(
    r.dryRun ? 'Would mark outdated (deprecate, naming the replacement)' : 'Marked outdated (deprecated, replacement named)',
    OUTDATED_HEADER,
    outdatedRows(r),
  );
  add(
    `Retired images: deactivated first, deleted after delete_retired_after (${r.deleteRetiredAfter ?? DELETE_RETIRED_AFTER})`,
    RETIRED_HEADER,
    retiredRows(r),
  );
  add(`Removals (keep ${r.keep} per line and region; retired lines entirely)`, REMOVE_HEADER, removeRows(r));
  add('Held back (not promoted)', HELD_HEADER, heldRows(r));
  add('Kept', KEPT_HEADER, keptRows(r));
  add('Not done', NOT_DONE_HEADER, notDoneRows(r));
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
