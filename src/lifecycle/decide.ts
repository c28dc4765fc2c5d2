/**
 * Lifecycle decisions for one image line (cloud, recipe, os) in one location:
 * which image becomes gold, which golds become outdated, what is kept and why,
 * and what is removed. Pure: no provider call, no clock; same input (in any
 * order) gives the same decision.
 *
 * Rules
 * - Gold: the newest image whose fingerprint is the topology's current one,
 *   whose state is `available` and whose verdict is `passed` (or `unverified`
 *   when the recipe says `verify: false`: it is never verified). When no
 *   image qualifies, the newest existing gold stays gold.
 * - Held back: the available images of the current fingerprint that their
 *   verdict keeps from being gold (`unverified`: their verify step did not
 *   pass; `failed`), each with that reason; once one of them qualifies, only
 *   the ones newer than it.
 * - Every other gold becomes `outdated` (the caller deprecates it natively,
 *   naming the gold as its replacement).
 * - Live lines keep the newest `keep` images (by creation time) and the gold;
 *   older images are removal candidates.
 * - Retired lines (recipe in `lifecycle.retired`) are not promoted, and every
 *   image of them is a removal candidate: retiring a line means removing it.
 *   Its gold and newest images are not protected, since nothing is current
 *   there any more (the topology refuses a retired recipe that instances use).
 * - Where the provider can deactivate (`deactivation` given: OpenStack), a
 *   retired line's candidate is deactivated first (no new server boots from
 *   it; its `retiredAt` records when) and removed only once it has been
 *   retired for `delete_retired_after`; until then it is kept (reason
 *   `retiring`, with the time it will be deleted). One whose `retiredAt` is
 *   missing or no ISO 8601 time is deactivated (again), which starts the
 *   window. `never`: deactivated, never deleted. Elsewhere retired images are
 *   removed at once, and live lines' removals never wait.
 * - Never removed: an image in use, a pending image (a copy or build under
 *   way), and, in live lines, the gold and the newest `keep`.
 * - An image whose `createdAt` is missing or not an ISO 8601 time (e.g.
 *   "1717236000000") has no place in the order: it is kept (reason
 *   `undated`), never gold, never outdated, never counted in `keep`, in live
 *   and retired lines alike. Its age is unknown, so it is left as it is.
 * - Nothing is removed or deactivated without `delete`: the candidates are
 *   reported instead.
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
  /** ISO 8601; anything else (or nothing) makes the image `undated`. */
  createdAt: string;
  /** When a retired image was deactivated (ISO 8601; tag ib-retired-at), where the provider deactivates. */
  retiredAt?: string;
}

export interface DecideInput<R extends LifecycleRecord = LifecycleRecord> {
  records: R[];
  /** Newest images kept per line and location (lifecycle.keep, at least 1). */
  keep: number;
  /** The line's recipe is in lifecycle.retired. */
  retired: boolean;
  /** The topology's fingerprint for this line; undefined when the topology no longer names it. */
  currentFingerprint?: string;
  /** Promote `unverified` images too: the recipe says `verify: false` (never verified). */
  allowUnverified: boolean;
  /** Ids of images something still uses (instances, templates, scale sets). */
  inUse: ReadonlySet<string>;
  /** Remove for real (input delete: true); otherwise removals are only reported. */
  delete: boolean;
  /**
   * The provider can deactivate an image before deleting it: retired lines
   * are deactivated first and deleted `afterMs` (lifecycle.delete_retired_after;
   * Infinity: never) after `retiredAt`, both in milliseconds since the epoch
   * for `now`. Undefined: retired images are removed at once.
   */
  deactivation?: { now: number; afterMs: number };
}

export type KeepReason = 'gold' | 'newest' | 'in-use' | 'pending' | 'undated' | 'retiring';
export type RemoveReason = 'beyond-keep' | 'retired';
/** Why an image of the current fingerprint is not gold: its verdict. */
export type HoldReason = 'unverified' | 'failed';

/** What a held-back image needs, for summaries and logs. */
export const HELD_BECAUSE: Record<HoldReason, string> = {
  unverified: 'not verified: the verify step did not pass; run verify, or set verify: false on the recipe to opt out',
  failed: 'failed verification: never promoted; fix the image and build it again',
};

export interface Kept<R> {
  record: R;
  reason: KeepReason;
  /** `retiring`: when it will be deleted (ISO 8601); undefined: never (delete_retired_after: never). */
  deleteAt?: string;
}
/** A retired image to deactivate now, and when it will be deleted (undefined: never). */
export interface Retiring<R> {
  record: R;
  deleteAt?: string;
}
export interface Removal<R> {
  record: R;
  reason: RemoveReason;
}
export interface Held<R> {
  record: R;
  reason: HoldReason;
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
  /** Retired images to deactivate now (only with delete), deleted after the window. */
  deactivate: Retiring<R>[];
  /** What would be deactivated with delete: true. */
  wouldDeactivate: Retiring<R>[];
  /** Every other image, with the reason it stays. */
  kept: Kept<R>[];
  /** Images of the current fingerprint that their verdict keeps from being gold (newest first; see the rules above). */
  held: Held<R>[];
}

/** A date, or a date and time with `Z` or an offset: ISO 8601 as the clouds write it. A time without a zone would depend on the runner's. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?))?$/;

/** Milliseconds since the epoch of an ISO 8601 `createdAt`; undefined when it is missing or anything else (never guessed). */
export function createdTime(createdAt: unknown): number | undefined {
  if (typeof createdAt !== 'string') return undefined;
  if (parsed.has(createdAt)) return parsed.get(createdAt);
  if (parsed.size >= 10_000) parsed.clear();
  const ms = parseCreated(createdAt);
  parsed.set(createdAt, ms);
  return ms;
}

/** Parsed creation times (Date.parse is slow, and each time is read several times per decision). */
const parsed = new Map<string, number | undefined>();

function parseCreated(createdAt: string): number | undefined {
  if (!ISO_8601.test(createdAt.trim())) return undefined;
  const [y, m, d] = createdAt.trim().slice(0, 10).split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  // Date.parse takes 2026-02-30 for March 2: a day that does not exist is no date.
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  const ms = Date.parse(createdAt.trim().replace(',', '.'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** The image has a creation time lifecycle can order by. */
export const dated = (record: Pick<LifecycleRecord, 'createdAt'>): boolean => createdTime(record.createdAt) !== undefined;

/**
 * Newest first: creation time, then name, then id, so ties are still ordered.
 * Undated images (see createdTime) have no rank: they come last, by name and id.
 */
export function newestFirst<R extends LifecycleRecord>(records: R[]): R[] {
  const time = new Map(records.map((r) => [r, createdTime(r.createdAt)]));
  return [...records].sort((a, b) => {
    const [ta, tb] = [time.get(a), time.get(b)];
    if (ta === undefined || tb === undefined) {
      if (ta !== tb) return ta === undefined ? 1 : -1;
    } else if (ta !== tb) return tb - ta;
    return b.name.localeCompare(a.name) || b.id.localeCompare(a.id);
  });
}

/** May this image become gold? (Never an undated one.) */
export function promotable(record: LifecycleRecord, currentFingerprint: string | undefined, allowUnverified: boolean): boolean {
  if (currentFingerprint === undefined || record.fingerprint !== currentFingerprint) return false;
  if (record.state !== 'available' || !dated(record)) return false;
  return record.verified === 'passed' || (allowUnverified && record.verified === 'unverified');
}

export function decide<R extends LifecycleRecord>(input: DecideInput<R>): Decision<R> {
  const keep = Math.max(1, Math.floor(input.keep));
  const unique = newestFirst(uniqueById(input.records));
  const ordered = unique.filter(dated);
  const golds = ordered.filter((r) => r.channel === 'gold');

  let gold: R | undefined;
  let chosen = -1;
  if (!input.retired) {
    chosen = ordered.findIndex((r) => promotable(r, input.currentFingerprint, input.allowUnverified));
    gold = chosen >= 0 ? ordered[chosen] : golds[0];
  }
  const promote = gold && gold.channel !== 'gold' ? gold : undefined;
  const outdated = gold ? golds.filter((r) => r.id !== gold.id) : [];
  const held = input.retired
    ? []
    : (chosen >= 0 ? ordered.slice(0, chosen) : ordered)
        .filter((r) => r.id !== gold?.id && r.fingerprint === input.currentFingerprint && r.state === 'available')
        .map((record): Held<R> => ({ record, reason: record.verified === 'failed' ? 'failed' : 'unverified' }));

  const decision: Decision<R> = {
    gold,
    promote,
    outdated,
    remove: [],
    wouldRemove: [],
    deactivate: [],
    wouldDeactivate: [],
    kept: [],
    held,
  };
  ordered.forEach((record, index) => {
    const reason = keepReason(record, index, keep, gold, input);
    if (reason) {
      decision.kept.push({ record, reason });
      return;
    }
    if (input.retired && input.deactivation) {
      const step = retiring(record, input.deactivation);
      if (step.kind === 'deactivate')
        (input.delete ? decision.deactivate : decision.wouldDeactivate).push({ record, deleteAt: step.deleteAt });
      if (step.kind === 'keep') decision.kept.push({ record, reason: 'retiring', deleteAt: step.deleteAt });
      if (step.kind !== 'remove') return;
    }
    const removal: Removal<R> = { record, reason: input.retired ? 'retired' : 'beyond-keep' };
    (input.delete ? decision.remove : decision.wouldRemove).push(removal);
  });
  for (const record of unique) if (!dated(record)) decision.kept.push({ record, reason: 'undated' });
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

/**
 * What becomes of a retired image where the provider deactivates: not
 * retired yet (no valid `retiredAt`) -> deactivate; retired for the window
 * -> remove; else keep until then.
 */
function retiring(
  record: LifecycleRecord,
  { now, afterMs }: { now: number; afterMs: number },
): { kind: 'deactivate' | 'keep' | 'remove'; deleteAt?: string } {
  const at = (from: number) => (Number.isFinite(afterMs) ? new Date(from + afterMs).toISOString() : undefined);
  const since = createdTime(record.retiredAt);
  if (since === undefined) return { kind: 'deactivate', deleteAt: at(now) };
  if (Number.isFinite(afterMs) && now - since >= afterMs) return { kind: 'remove' };
  return { kind: 'keep', deleteAt: at(since) };
}

/** The images a decision would remove or deactivate: the ones whose usage must be checked before deciding again. */
export function removalCandidates<R extends LifecycleRecord>(decision: Decision<R>): R[] {
  return [...decision.remove, ...decision.wouldRemove, ...decision.deactivate, ...decision.wouldDeactivate].map((r) => r.record);
}

function uniqueById<R extends LifecycleRecord>(records: R[]): R[] {
  const seen = new Map<string, R>();
  for (const r of records) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}
