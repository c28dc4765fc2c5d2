import { describe, expect, it } from '@jest/globals';
import {
  createdTime,
  decide,
  newestFirst,
  promotable,
  removalCandidates,
  type DecideInput,
  type LifecycleRecord,
} from '../../src/lifecycle/decide.js';
import type { Channel, ImageState, Verdict } from '../../src/images/index.js';

const rec = (id: string, day: number, extra: Partial<LifecycleRecord> = {}): LifecycleRecord => ({
  id,
  name: `img-${id}`,
  fingerprint: 'fa',
  state: 'available',
  channel: 'candidate',
  verified: 'passed',
  createdAt: new Date(Date.UTC(2026, 0, day)).toISOString(),
  ...extra,
});
const base = (records: LifecycleRecord[], extra: Partial<DecideInput> = {}): DecideInput => ({
  records,
  keep: 2,
  retired: false,
  currentFingerprint: 'fa',
  allowUnverified: false,
  inUse: new Set(),
  delete: true,
  ...extra,
});
const ids = (list: { record: LifecycleRecord }[] | LifecycleRecord[]) => list.map((x) => ('record' in x ? x.record.id : x.id)).sort();

describe('decide: examples', () => {
  it('promotes the newest passed image of the current fingerprint and outdates the old gold', () => {
    const old = rec('a', 1, { fingerprint: 'f0', channel: 'gold' });
    const d = decide(base([old, rec('b', 2), rec('c', 3), rec('d', 4, { verified: 'failed' })]));
    expect(d.promote?.id).toBe('c');
    expect(d.gold?.id).toBe('c');
    expect(ids(d.outdated)).toEqual(['a']);
    // keep 2: d and c are newest; the old gold a and b are beyond keep
    expect(ids(d.remove)).toEqual(['a', 'b']);
    expect(d.kept.map((k) => [k.record.id, k.reason])).toEqual([
      ['d', 'newest'],
      ['c', 'gold'],
    ]);
  });

  it('keeps the existing gold when nothing qualifies, and never removes it even beyond keep', () => {
    const gold = rec('a', 1, { channel: 'gold' });
    const d = decide(base([gold, rec('b', 2, { verified: 'unverified' }), rec('c', 3, { fingerprint: 'fz' })], { keep: 1 }));
    expect(d.promote).toBeUndefined();
    expect(d.gold?.id).toBe('a');
    expect(d.outdated).toEqual([]);
    expect(ids(d.remove)).toEqual(['b']);
    expect(d.kept.find((k) => k.record.id === 'a')?.reason).toBe('gold');
  });

  it('promotes unverified images only when the recipe says verify: false, and never failed ones', () => {
    const records = [rec('a', 1, { verified: 'unverified' })];
    expect(decide(base(records)).promote).toBeUndefined();
    expect(decide(base(records, { allowUnverified: true })).promote?.id).toBe('a');
    expect(decide(base([rec('f', 1, { verified: 'failed' })], { allowUnverified: true })).promote).toBeUndefined();
  });

  it('holds back the images of the current fingerprint whose verdict keeps them from gold, saying which verdict', () => {
    const gold = rec('g', 1, { fingerprint: 'f0', channel: 'gold' });
    const records = [gold, rec('p', 2), rec('f', 3, { verified: 'failed' }), rec('u', 4, { verified: 'unverified' })];
    const d = decide(base(records, { keep: 5 }));
    // p passed and becomes gold; the newer f and u are held back, each with its reason
    expect(d.promote?.id).toBe('p');
    expect(d.held.map((h) => [h.record.id, h.reason])).toEqual([
      ['u', 'unverified'],
      ['f', 'failed'],
    ]);
    // nothing passed: the old gold stays, and every image of the current fingerprint is held back
    const none = decide(base([gold, rec('u1', 2, { verified: 'unverified' }), rec('u2', 3, { verified: 'unverified' })]));
    expect(none.gold?.id).toBe('g');
    expect(none.promote).toBeUndefined();
    expect(none.held.map((h) => h.record.id)).toEqual(['u2', 'u1']);
    // verify: false: the unverified image becomes gold, nothing is held back
    const optedOut = decide(base([gold, rec('u1', 2, { verified: 'unverified' })], { allowUnverified: true }));
    expect(optedOut.promote?.id).toBe('u1');
    expect(optedOut.held).toEqual([]);
    // other fingerprints, pending images and retired lines hold nothing back
    const other = [rec('x', 2, { fingerprint: 'f9', verified: 'unverified' }), rec('y', 3, { state: 'pending', verified: 'unverified' })];
    expect(decide(base([gold, ...other])).held).toEqual([]);
    expect(decide(base([gold, rec('u1', 2, { verified: 'unverified' })], { retired: true })).held).toEqual([]);
  });

  it('does not promote pending, deprecated or foreign-fingerprint images, nor in a line the topology dropped', () => {
    expect(promotable(rec('a', 1, { state: 'pending' }), 'fa', true)).toBe(false);
    expect(promotable(rec('a', 1, { state: 'deprecated' }), 'fa', true)).toBe(false);
    expect(promotable(rec('a', 1, { fingerprint: 'fb' }), 'fa', true)).toBe(false);
    expect(decide(base([rec('a', 1)], { currentFingerprint: undefined })).promote).toBeUndefined();
  });

  it('reports removals instead of removing without delete', () => {
    const d = decide(base([rec('a', 1), rec('b', 2), rec('c', 3)], { keep: 1, delete: false }));
    expect(d.remove).toEqual([]);
    expect(ids(d.wouldRemove)).toEqual(['a', 'b']);
    expect(
      removalCandidates(d)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('keeps images in use and pending ones beyond keep', () => {
    const d = decide(base([rec('a', 1), rec('b', 2, { state: 'pending' }), rec('c', 3), rec('e', 4)], { keep: 1, inUse: new Set(['a']) }));
    expect(d.kept.map((k) => [k.record.id, k.reason])).toEqual([
      ['e', 'gold'],
      ['b', 'pending'],
      ['a', 'in-use'],
    ]);
    expect(ids(d.remove)).toEqual(['c']);
  });

  it('retires a line entirely: no promotion, everything but in-use and pending images goes', () => {
    const records = [rec('a', 1, { channel: 'gold' }), rec('b', 2), rec('c', 3, { state: 'pending' }), rec('d', 4)];
    const d = decide(base(records, { retired: true, keep: 3, inUse: new Set(['d']) }));
    expect(d.gold).toBeUndefined();
    expect(d.promote).toBeUndefined();
    expect(d.outdated).toEqual([]);
    expect(d.remove.map((r) => [r.record.id, r.reason]).sort()).toEqual([
      ['a', 'retired'],
      ['b', 'retired'],
    ]);
    expect(Object.fromEntries(d.kept.map((k) => [k.record.id, k.reason]))).toEqual({ c: 'pending', d: 'in-use' });
  });

  it('resolves several golds to one and orders ties by name then id', () => {
    const d = decide(
      base([rec('a', 1, { channel: 'gold', fingerprint: 'fx' }), rec('b', 1, { channel: 'gold', fingerprint: 'fx' })], { keep: 5 }),
    );
    expect(d.gold?.id).toBe('b');
    expect(ids(d.outdated)).toEqual(['a']);
    expect(newestFirst([rec('a', 1), rec('b', 1), rec('c', 2)]).map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('decide: a creation time that is no date', () => {
  it('reads ISO 8601 with a zone or a plain date, and nothing else', () => {
    expect(createdTime('2026-01-02T03:04:05.678Z')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(createdTime('2024-06-01T12:00:00.123-07:00')).toBe(Date.UTC(2024, 5, 1, 19, 0, 0, 123));
    expect(createdTime('2026-01-02')).toBe(Date.UTC(2026, 0, 2));
    // epoch milliseconds as text, words, nothing, a day that does not exist, a time without a zone (the runner's?)
    for (const garbage of [
      '1717236000000',
      'yesterday',
      '',
      '2026-02-30T00:00:00Z',
      '2026-13-01',
      '2026-01-02T03:04:05',
      undefined,
      1717236000000,
      null,
    ]) {
      expect({ garbage, time: createdTime(garbage) }).toEqual({ garbage, time: undefined });
    }
  });

  it('keeps such an image (reason undated), never makes it gold, never counts it among the newest', () => {
    // the audit's case: "1717236000000" sorted as text came before every ISO date, so the newest image went
    const undated = rec('u', 9, { createdAt: '1717236000000' });
    const d = decide(base([rec('a', 1), rec('b', 2), rec('c', 3), undated], { keep: 1 }));
    expect(d.gold?.id).toBe('c');
    expect(d.kept.map((k) => [k.record.id, k.reason])).toEqual([
      ['c', 'gold'],
      ['u', 'undated'],
    ]);
    expect(ids(d.remove)).toEqual(['a', 'b']);
    // promotable in every other way, still not gold; an undated gold is neither kept as gold nor outdated
    const oldGold = rec('g', 1, { channel: 'gold', createdAt: 'yesterday' });
    const only = decide(base([rec('m', 2, { createdAt: '' }), oldGold], { keep: 1 }));
    expect(only.gold).toBeUndefined();
    expect(only.promote).toBeUndefined();
    expect(only.outdated).toEqual([]);
    expect(only.kept.map((k) => k.reason)).toEqual(['undated', 'undated']);
    expect(promotable(rec('p', 1, { createdAt: 'soon' }), 'fa', true)).toBe(false);
    // retired lines too: unknown age, left as it is
    expect(decide(base([undated, rec('r', 1)], { retired: true })).kept).toEqual([{ record: undated, reason: 'undated' }]);
    expect(newestFirst([undated, rec('a', 1), rec('b', 2)]).map((r) => r.id)).toEqual(['b', 'a', 'u']);
  });
});

/** mulberry32: a tiny seeded PRNG, so every failing history can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function history(seed: number): DecideInput {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const fingerprints = ['fa', 'fb', 'fc'];
  const states: ImageState[] = ['available', 'available', 'available', 'pending', 'deprecated', 'failed'];
  const channels: Channel[] = ['candidate', 'candidate', 'gold', 'outdated'];
  const verdicts: Verdict[] = ['passed', 'passed', 'failed', 'unverified'];
  const records = Array.from({ length: int(14) }, (_, i): LifecycleRecord => ({
    id: `i${i}`,
    name: `img-${int(5)}`,
    fingerprint: pick(fingerprints),
    state: pick(states),
    channel: pick(channels),
    verified: pick(verdicts),
    // few distinct ages, so equal creation times (ties) happen often
    createdAt: new Date(Date.UTC(2026, 0, 1) + int(8) * 86_400_000).toISOString(),
  }));
  const inUse = new Set(records.filter(() => rnd() < 0.2).map((r) => r.id));
  return {
    records,
    inUse,
    keep: 1 + int(5),
    retired: rnd() < 0.2,
    currentFingerprint: rnd() < 0.85 ? pick(fingerprints) : undefined,
    allowUnverified: rnd() < 0.3,
    delete: rnd() < 0.5,
  };
}

describe('decide: property test over random histories', () => {
  const RUNS = 2_000;

  it(`holds its safety rules over ${RUNS} seeded histories`, () => {
    let removedSomewhere = 0;
    let promotedSomewhere = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const input = history(seed);
      const d = decide(input);
      const where = `seed ${seed}`;
      const removed = d.remove.map((x) => x.record.id);
      const reported = d.wouldRemove.map((x) => x.record.id);
      const newest = newestFirst(input.records)
        .slice(0, input.keep)
        .map((r) => r.id);

      // every image is accounted for exactly once
      expect({ where, all: [...removed, ...reported, ...d.kept.map((k) => k.record.id)].sort() }).toEqual({
        where,
        all: input.records.map((r) => r.id).sort(),
      });
      // nothing is removed without delete: true
      if (!input.delete) expect({ where, removed }).toEqual({ where, removed: [] });
      else expect({ where, reported }).toEqual({ where, reported: [] });
      for (const id of [...removed, ...reported]) {
        // never an image in use, never a pending one
        expect({ where, id, inUse: input.inUse.has(id) }).toEqual({ where, id, inUse: false });
        expect({ where, id, state: input.records.find((r) => r.id === id)?.state }).not.toEqual({ where, id, state: 'pending' });
        if (!input.retired) {
          // never the gold (after promotion), never one of the newest keep
          expect({ where, id, gold: d.gold?.id === id }).toEqual({ where, id, gold: false });
          expect({ where, id, newest: newest.includes(id) }).toEqual({ where, id, newest: false });
        }
      }
      // promotion: only a promotable image, the newest of them, and at most one gold afterwards
      const eligible = newestFirst(input.records).filter((r) => promotable(r, input.currentFingerprint, input.allowUnverified));
      if (input.retired) expect({ where, gold: d.gold, promote: d.promote }).toEqual({ where, gold: undefined, promote: undefined });
      else if (eligible.length > 0) expect({ where, gold: d.gold?.id }).toEqual({ where, gold: eligible[0].id });
      if (d.promote) {
        promotedSomewhere += 1;
        expect({ where, ok: promotable(d.promote, input.currentFingerprint, input.allowUnverified) }).toEqual({ where, ok: true });
      }
      expect({ where, outdatedHasGold: d.outdated.some((o) => o.id === d.gold?.id) }).toEqual({ where, outdatedHasGold: false });
      // never an unverified gold unless the recipe opts out (verify: false), never a failed one
      if (d.promote && !input.allowUnverified) expect({ where, verdict: d.promote.verified }).toEqual({ where, verdict: 'passed' });
      if (d.promote) expect({ where, verdict: d.promote.verified }).not.toEqual({ where, verdict: 'failed' });
      // held back: only images of the current fingerprint that are not promotable for their verdict, never the gold
      for (const h of d.held) {
        const r = h.record;
        expect({ where, id: r.id, gold: r.id === d.gold?.id, current: r.fingerprint === input.currentFingerprint }).toEqual({
          where,
          id: r.id,
          gold: false,
          current: true,
        });
        expect({ where, id: r.id, promotable: promotable(r, input.currentFingerprint, input.allowUnverified) }).toEqual({
          where,
          id: r.id,
          promotable: false,
        });
        expect({ where, id: r.id, reason: h.reason }).toEqual({
          where,
          id: r.id,
          reason: r.verified === 'failed' ? 'failed' : 'unverified',
        });
      }
      // an available, dated image of the current fingerprint newer than the gold is either promoted or held back
      if (!input.retired) {
        const heldIds = new Set(d.held.map((h) => h.record.id));
        for (const r of newestFirst(input.records)) {
          if (r.id === d.gold?.id) break;
          if (r.fingerprint !== input.currentFingerprint || r.state !== 'available' || createdTime(r.createdAt) === undefined) continue;
          expect({ where, id: r.id, held: heldIds.has(r.id) }).toEqual({ where, id: r.id, held: true });
        }
      }
      expect({ where, outdatedAreGold: d.outdated.every((o) => o.channel === 'gold') }).toEqual({ where, outdatedAreGold: true });
      // a retired line with delete loses everything not in use and not pending
      if (input.retired && input.delete) {
        const left = input.records
          .filter((r) => !input.inUse.has(r.id) && r.state !== 'pending')
          .map((r) => r.id)
          .sort();
        expect({ where, removed: [...removed].sort() }).toEqual({ where, removed: left });
      }
      // same history in another order: same decision
      const shuffled = decide({ ...input, records: [...input.records].reverse() });
      expect({ where, gold: shuffled.gold?.id, removed: shuffled.remove.map((x) => x.record.id).sort() }).toEqual({
        where,
        gold: d.gold?.id,
        removed: [...removed].sort(),
      });
      removedSomewhere += removed.length;
    }
    // the generator reaches the interesting cases
    expect(removedSomewhere).toBeGreaterThan(1_000);
    expect(promotedSomewhere).toBeGreaterThan(200);
  });
});

describe('decide: property test over random histories with dates that are no dates', () => {
  const RUNS = 2_000;
  const GARBAGE = ['1717236000000', 'yesterday', '', '2026-02-30T00:00:00.000Z', '2026-01-05T10:00:00'];

  it(`never removes, promotes or counts an undated image over ${RUNS} seeded histories`, () => {
    let undatedSomewhere = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const input = history(seed);
      const rnd = prng(seed ^ 0x5eed);
      const records = input.records.map((r) => (rnd() < 0.25 ? { ...r, createdAt: GARBAGE[Math.floor(rnd() * GARBAGE.length)] } : r));
      const undated = new Set(records.filter((r) => createdTime(r.createdAt) === undefined).map((r) => r.id));
      undatedSomewhere += undated.size;
      const d = decide({ ...input, records });
      const where = `seed ${seed}`;
      const decided = (ids: string[]) => ids.filter((id) => undated.has(id));
      expect({ where, removed: decided([...d.remove, ...d.wouldRemove].map((x) => x.record.id)) }).toEqual({ where, removed: [] });
      expect({ where, goldOrPromoted: decided([d.gold?.id, d.promote?.id].filter((id): id is string => id !== undefined)) }).toEqual({
        where,
        goldOrPromoted: [],
      });
      expect({ where, outdated: decided(d.outdated.map((r) => r.id)) }).toEqual({ where, outdated: [] });
      expect({ where, kept: d.kept.filter((k) => undated.has(k.record.id)).map((k) => k.reason) }).toEqual({
        where,
        kept: [...undated].map(() => 'undated'),
      });
      // the dated images are decided exactly as if the undated ones were not there
      const without = decide({ ...input, records: records.filter((r) => !undated.has(r.id)) });
      expect({ where, gold: d.gold?.id, removed: d.remove.map((x) => x.record.id).sort() }).toEqual({
        where,
        gold: without.gold?.id,
        removed: without.remove.map((x) => x.record.id).sort(),
      });
    }
    expect(undatedSomewhere).toBeGreaterThan(2_000);
  });
});
