/**
 * Lifecycle decisions for one image line (cloud, recipe, os) in one location:
 * which image becomes gold, which golds become outdated, what is kept and why,
 * and what is removed. Pure: no provider call, no clock; same input (in any
 * order) gives the same decision.
 *
 * Rules
 * - Gold: the newest image whose fingerprint is the topology's current one,
 *   whose state is `available` and whose verdict is `passed` (or `unverified`
 *   when the recipe has no verify playbook: nothing could ever pass it). When
 *   no image qualifies, the newest existing gold stays gold.
 * - Every other gold becomes `outdated` (the caller deprecates it natively,
 *   naming the gold as its replacement).
 * - Live lines keep the newest `keep` images (by creation time) and the gold;
 *   older images are removal candidates.
 * - Retired lines (recipe in `lifecycle.retired`) are not promoted, and every
 *   image of them is a removal candidate: retiring a line means removing it.
 *   Its gold and newest images are not protected, since nothing is current
 *   there any more (the topology refuses a retired recipe that instances use).
 * - Never removed: an image in use, a pending image (a copy or build under
 *   way), and, in live lines, the gold and the newest `keep`.
 * - Nothing is removed without `delete`: the candidates are reported instead.
 */
import type { Channel, ImageState, Verdict } from '../images/index.js';

/** The fields of an ImageRecord the decision reads. */
export interface LifecycleRecord {
  id: string;
  name: string;
  fingerprint: string;
  state: ImageState;
  channel: Channel;
  verified: Verdict;
  /** ISO 8601. */
  createdAt: string;
}

export interface DecideInput<R extends LifecycleRecord = LifecycleRecord> {
  records: R[];
  /** Newest images kept per line and location (lifecycle.keep, at least 1). */
  keep: number;
  /** The line's recipe is in lifecycle.retired. */
  retired: boolean;
  /** The topology's fingerprint for this line; undefined when the topology no longer names it. */
  currentFingerprint?: string;
  /** Promote `unverified` images too: the recipe has no verify playbook. */
  allowUnverified: boolean;
  /** Ids of images something still uses (instances, templates, scale sets). */
  inUse: ReadonlySet<string>;
  /** Remove for real (input delete: true); otherwise removals are only reported. */
  delete: boolean;
}

export type KeepReason = 'gold' | 'newest' | 'in-use' | 'pending';
export type RemoveReason = 'beyond-keep' | 'retired';

export interface Kept<R> {
  record: R;
  reason: KeepReason;
}
export interface Removal<R> {
  record: R;
  reason: RemoveReason;
}

export interface Decision<R extends LifecycleRecord = LifecycleRecord> {
  /** The gold once this decision is applied (undefined: none, or a retired line). */
  gold?: R;
  /** Set when `gold` is not gold yet: tag it gold. */
  promote?: R;
  /** Golds to mark outdated and deprecate, replaced by `gold`. */
  outdated: R[];
  /** To remove now (only with delete). */
  remove: Removal<R>[];
  /** What would be removed with delete: true. */
  wouldRemove: Removal<R>[];
  /** Every other image, with the reason it stays. */
  kept: Kept<R>[];
}

/** Newest first: creation time, then name, then id, so ties are still ordered. */
export function newestFirst<R extends LifecycleRecord>(records: R[]): R[] {
  return [...records].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name) || b.id.localeCompare(a.id));
}

/** May this image become gold? */
export function promotable(record: LifecycleRecord, currentFingerprint: string | undefined, allowUnverified: boolean): boolean {
  if (currentFingerprint === undefined || record.fingerprint !== currentFingerprint) return false;
  if (record.state !== 'available') return false;
  return record.verified === 'passed' || (allowUnverified && record.verified === 'unverified');
}

export function decide<R extends LifecycleRecord>(input: DecideInput<R>): Decision<R> {
  const keep = Math.max(1, Math.floor(input.keep));
  const ordered = newestFirst(uniqueById(input.records));
  const golds = ordered.filter((r) => r.channel === 'gold');

  let gold: R | undefined;
  if (!input.retired) {
    gold = ordered.find((r) => promotable(r, input.currentFingerprint, input.allowUnverified)) ?? golds[0];
  }
  const promote = gold && gold.channel !== 'gold' ? gold : undefined;
  const outdated = gold ? golds.filter((r) => r.id !== gold.id) : [];

  const decision: Decision<R> = { gold, promote, outdated, remove: [], wouldRemove: [], kept: [] };
  ordered.forEach((record, index) => {
    const reason = keepReason(record, index, keep, gold, input);
    if (reason) {
      decision.kept.push({ record, reason });
      return;
    }
    const removal: Removal<R> = { record, reason: input.retired ? 'retired' : 'beyond-keep' };
    (input.delete ? decision.remove : decision.wouldRemove).push(removal);
  });
  return decision;
}

function keepReason<R extends LifecycleRecord>(
  record: R,
  index: number,
  keep: number,
  gold: R | undefined,
  input: DecideInput<R>,
): KeepReason | undefined {
  if (gold && record.id === gold.id) return 'gold';
  if (!input.retired && index < keep) return 'newest';
  if (input.inUse.has(record.id)) return 'in-use';
  if (record.state === 'pending') return 'pending';
  return undefined;
}

/** The images a decision would remove: the ones whose usage must be checked before deciding again. */
export function removalCandidates<R extends LifecycleRecord>(decision: Decision<R>): R[] {
  return [...decision.remove, ...decision.wouldRemove].map((r) => r.record);
}

function uniqueById<R extends LifecycleRecord>(records: R[]): R[] {
  const seen = new Map<string, R>();
  for (const r of records) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}
