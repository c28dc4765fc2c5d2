/**
 * Retired lines where the provider can deactivate (src/lifecycle/decide.ts,
 * `deactivation`): deactivated first, kept while retired for less than
 * delete_retired_after, removed after it; `never` never removes; without
 * delete only reported; providers without deactivate remove at once.
 */
import { describe, expect, it } from '@jest/globals';
import { decide, removalCandidates, type DecideInput, type LifecycleRecord } from '../../src/lifecycle/decide.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const NOW = Date.UTC(2026, 5, 15, 12);
const iso = (ms: number) => new Date(ms).toISOString();

const rec = (id: string, day: number, extra: Partial<LifecycleRecord> = {}): LifecycleRecord => ({
  id,
  name: `img-${id}`,
  fingerprint: 'f-old',
  state: 'available',
  channel: 'candidate',
  verified: 'passed',
  createdAt: iso(Date.UTC(2026, 0, day)),
  ...extra,
});
/** A retired line on a provider that deactivates, with a 7-day window, delete: true. */
const retired = (records: LifecycleRecord[], extra: Partial<DecideInput> = {}): DecideInput => ({
  records,
  keep: 2,
  retired: true,
  currentFingerprint: undefined,
  allowUnverified: false,
  inUse: new Set(),
  delete: true,
  deactivation: { now: NOW, afterMs: WEEK },
  ...extra,
});
const pairs = (list: { record: LifecycleRecord; deleteAt?: string }[]) => list.map((x) => [x.record.id, x.deleteAt]);

describe('decide: retired lines deactivated first, deleted after the window', () => {
  it('first run: every candidate is deactivated, to be deleted a window from now; nothing is removed', () => {
    const gold = rec('g', 3, { channel: 'gold' });
    const d = decide(retired([gold, rec('a', 1), rec('b', 2)]));
    expect(pairs(d.deactivate)).toEqual([
      ['g', iso(NOW + WEEK)],
      ['b', iso(NOW + WEEK)],
      ['a', iso(NOW + WEEK)],
    ]);
    expect(d.remove).toEqual([]);
    expect(d.wouldRemove).toEqual([]);
    expect(d.wouldDeactivate).toEqual([]);
    expect(d.kept).toEqual([]);
    expect(d.gold).toBeUndefined();
    expect(removalCandidates(d).map((r) => r.id)).toEqual(['g', 'b', 'a']);
  });

  it('within the window: kept (reason retiring) with the time it will be deleted; not deactivated again', () => {
    const since = NOW - 3 * DAY;
    const d = decide(retired([rec('a', 1, { retiredAt: iso(since) }), rec('b', 2, { retiredAt: iso(NOW - WEEK + 1) })]));
    expect(d.kept.map((k) => [k.record.id, k.reason, k.deleteAt])).toEqual([
      ['b', 'retiring', iso(NOW + 1)],
      ['a', 'retiring', iso(since + WEEK)],
    ]);
    expect([d.deactivate, d.remove, d.wouldRemove, d.wouldDeactivate]).toEqual([[], [], [], []]);
    expect(removalCandidates(d)).toEqual([]);
  });

  it('after the window (from the very moment it ends): removed, reason retired', () => {
    const d = decide(retired([rec('a', 1, { retiredAt: iso(NOW - WEEK) }), rec('b', 2, { retiredAt: iso(NOW - 30 * DAY) })]));
    expect(d.remove.map((x) => [x.record.id, x.reason])).toEqual([
      ['b', 'retired'],
      ['a', 'retired'],
    ]);
    expect([d.deactivate, d.kept]).toEqual([[], []]);
  });

  it('a mixed line: the new image is deactivated, the waiting one kept, the expired one removed', () => {
    const d = decide(
      retired([rec('new', 5), rec('wait', 4, { retiredAt: iso(NOW - DAY) }), rec('due', 3, { retiredAt: iso(NOW - 8 * DAY) })]),
    );
    expect(pairs(d.deactivate)).toEqual([['new', iso(NOW + WEEK)]]);
    expect(d.kept.map((k) => [k.record.id, k.reason])).toEqual([['wait', 'retiring']]);
    expect(d.remove.map((x) => x.record.id)).toEqual(['due']);
  });

  it('never: deactivated with no deletion date, and kept however long ago it was retired', () => {
    const never = { deactivation: { now: NOW, afterMs: Infinity } };
    const first = decide(retired([rec('a', 1)], never));
    expect(pairs(first.deactivate)).toEqual([['a', undefined]]);
    const later = decide(retired([rec('a', 1, { retiredAt: iso(NOW - 400 * DAY) })], never));
    expect(later.kept.map((k) => [k.record.id, k.reason, k.deleteAt])).toEqual([['a', 'retiring', undefined]]);
    expect([later.remove, later.wouldRemove, later.deactivate]).toEqual([[], [], []]);
  });

  it('without delete: only would-deactivate and would-remove; the waiting image is still kept', () => {
    const d = decide(
      retired([rec('new', 5), rec('wait', 4, { retiredAt: iso(NOW - DAY) }), rec('due', 3, { retiredAt: iso(NOW - 8 * DAY) })], {
        delete: false,
      }),
    );
    expect([d.deactivate, d.remove]).toEqual([[], []]);
    expect(pairs(d.wouldDeactivate)).toEqual([['new', iso(NOW + WEEK)]]);
    expect(d.wouldRemove.map((x) => [x.record.id, x.reason])).toEqual([['due', 'retired']]);
    expect(d.kept.map((k) => [k.record.id, k.reason])).toEqual([['wait', 'retiring']]);
    expect(removalCandidates(d).map((r) => r.id)).toEqual(['due', 'new']);
  });

  it('a provider without deactivate removes at once, as before, whatever retiredAt says', () => {
    const records = [rec('a', 1), rec('b', 2, { retiredAt: iso(NOW - DAY) })];
    const d = decide(retired(records, { deactivation: undefined }));
    expect(d.remove.map((x) => [x.record.id, x.reason])).toEqual([
      ['b', 'retired'],
      ['a', 'retired'],
    ]);
    expect([d.deactivate, d.wouldDeactivate, d.kept]).toEqual([[], [], []]);
    expect(decide(retired(records, { deactivation: undefined, delete: false })).wouldRemove.map((x) => x.record.id)).toEqual(['b', 'a']);
  });

  it('in use and pending images are kept, never deactivated or removed, whether retired already or not', () => {
    const d = decide(
      retired(
        [
          rec('used', 1),
          rec('used-due', 2, { retiredAt: iso(NOW - 30 * DAY) }),
          rec('busy', 3, { state: 'pending' }),
          rec('busy-due', 4, { state: 'pending', retiredAt: iso(NOW - 30 * DAY) }),
        ],
        { inUse: new Set(['used', 'used-due']) },
      ),
    );
    expect(d.kept.map((k) => [k.record.id, k.reason])).toEqual([
      ['busy-due', 'pending'],
      ['busy', 'pending'],
      ['used-due', 'in-use'],
      ['used', 'in-use'],
    ]);
    expect([d.deactivate, d.remove, d.wouldDeactivate, d.wouldRemove]).toEqual([[], [], [], []]);
  });

  it('a retiredAt that is no ISO 8601 time counts as not retired yet: deactivated again, which starts the window', () => {
    const d = decide(retired([rec('a', 1, { retiredAt: '1717236000000' }), rec('b', 2, { retiredAt: '' })]));
    expect(pairs(d.deactivate)).toEqual([
      ['b', iso(NOW + WEEK)],
      ['a', iso(NOW + WEEK)],
    ]);
  });

  it('an undated image of a retired line is left as it is (reason undated)', () => {
    const undated = rec('u', 1, { createdAt: 'yesterday' });
    const d = decide(retired([undated]));
    expect(d.kept).toEqual([{ record: undated, reason: 'undated' }]);
    expect(d.deactivate).toEqual([]);
  });

  it('live lines are unchanged: beyond-keep images are removed at once, a retiredAt is ignored', () => {
    const records = [
      rec('a', 1, { fingerprint: 'f', retiredAt: iso(NOW - DAY) }),
      rec('b', 2, { fingerprint: 'f' }),
      rec('c', 3, { fingerprint: 'f' }),
    ];
    const live = { retired: false, currentFingerprint: 'f', keep: 1 };
    const withIt = decide(retired(records, live));
    expect(withIt).toEqual(decide(retired(records, { ...live, deactivation: undefined })));
    expect(withIt.remove.map((x) => [x.record.id, x.reason])).toEqual([
      ['b', 'beyond-keep'],
      ['a', 'beyond-keep'],
    ]);
    expect(withIt.deactivate).toEqual([]);
  });
});
