/**
 * Which regions hold an image of a fingerprint: the one rule plan and
 * distribute share. A region holds it when it lists an image of the
 * fingerprint's current build in any state but failed: pending counts (a
 * copy under way is waited for, never started twice), failed does not.
 *
 * One fingerprint may have several builds (plan --force, a base image that
 * moved, an image older than rebuild_after: plan/reasons.ts); a build is one
 * name (plan/built.ts). The current build is the newest finished one
 * (available or deprecated), else the newest pending one; a region holding
 * only an older build does not hold the fingerprint, so the new build is
 * copied there.
 *
 * One record stands for the region, ranked available > deprecated > pending
 * (ties: the newest, then the first listed).
 *
 * Where to copy from is a separate, named rule per caller:
 * - availableSource (distribute): the build region when it holds an available
 *   image, else the first region (sorted) holding an available one, else none;
 * - copySource (plan): the same, else the first region (sorted) holding any
 *   (a pending one: the plan still lists the copies it will take).
 */
import type { ImageRecord, ImageState } from '../images/index.js';
import { builtTimes, newerBuild } from './built.js';
import type { CloudInventory } from './types.js';

/** Per region, fingerprint -> the record that stands for it there. */
export type HolderIndex = Map<string, Map<string, ImageRecord>>;

const RANK: Record<ImageState, number> = { available: 0, deprecated: 1, pending: 2, failed: 3 };

/** A rebuild of a fingerprint (force, or after a failed verification) is newer: it stands for the region. Unparseable dates never win. */
function newer(a: ImageRecord, b: ImageRecord): boolean {
  const [ta, tb] = [Date.parse(a.createdAt), Date.parse(b.createdAt)];
  return Number.isFinite(ta) && (!Number.isFinite(tb) || ta > tb);
}

/** Built once per cloud, so callers stay linear in images + records (a scan per image is quadratic). */
export function indexHolders(inventory: CloudInventory): HolderIndex {
  const builds = currentBuilds(inventory);
  const index: HolderIndex = new Map();
  for (const [region, records] of Object.entries(inventory.regions)) {
    const byFingerprint = new Map<string, ImageRecord>();
    for (const r of records) {
      if (r.state === 'failed' || builds.get(r.fingerprint) !== r.name) continue;
      const held = byFingerprint.get(r.fingerprint);
      if (!held || RANK[r.state] < RANK[held.state] || (RANK[r.state] === RANK[held.state] && newer(r, held)))
        byFingerprint.set(r.fingerprint, r);
    }
    index.set(region, byFingerprint);
  }
  return index;
}

const finished = (r: ImageRecord): boolean => r.state === 'available' || r.state === 'deprecated';

/** Fingerprint -> the name of its current build (see the module comment). */
function currentBuilds(inventory: CloudInventory): Map<string, string> {
  const best = new Map<string, ImageRecord>();
  const time = builtTimes();
  for (const records of Object.values(inventory.regions)) {
    for (const r of records) {
      if (r.state === 'failed') continue;
      const held = best.get(r.fingerprint);
      if (!held || (finished(r) !== finished(held) ? finished(r) : newerBuild(r, held, time))) best.set(r.fingerprint, r);
    }
  }
  return new Map([...best].map(([fingerprint, r]) => [fingerprint, r.name]));
}

/** Region -> the record holding `fingerprint` there, for every region that holds it (none without an index). */
export function holders(index: HolderIndex | undefined, fingerprint: string): Map<string, ImageRecord> {
  const found = new Map<string, ImageRecord>();
  if (!index) return found;
  for (const [region, byFingerprint] of index) {
    const match = byFingerprint.get(fingerprint);
    if (match) found.set(region, match);
  }
  return found;
}

/** Distribute's source: the build region when it holds an available image, else the first region (sorted) holding one; else none. */
export function availableSource(buildRegion: string, holding: ReadonlyMap<string, ImageRecord>): string | undefined {
  if (holding.get(buildRegion)?.state === 'available') return buildRegion;
  return [...holding.keys()].sort().find((r) => holding.get(r)?.state === 'available');
}

/** The planner's source: availableSource, else the first region (sorted) holding the image at all. */
export function copySource(buildRegion: string, holding: ReadonlyMap<string, ImageRecord>): string | undefined {
  return availableSource(buildRegion, holding) ?? [...holding.keys()].sort()[0];
}
