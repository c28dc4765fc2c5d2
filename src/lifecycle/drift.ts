/**
 * Drift: for each cloud, region and image line the topology needs there,
 * whether the gold image carries the topology's current fingerprint.
 *   up to date — the gold is the current image
 *   outdated   — there is a gold, built from older inputs
 *   missing    — no gold at all in that region
 * Pure; report/drift.ts renders it.
 */

export type DriftStatus = 'up to date' | 'outdated' | 'missing';

/** An image the topology needs (cloud, recipe, os) with its current fingerprint and regions. */
export interface WantedImage {
  cloud: string;
  image: string;
  os: string;
  fingerprint: string;
  regions: string[];
}

/** The gold of a line in some regions, after lifecycle's decisions. */
export interface GoldAt {
  cloud: string;
  image: string;
  os: string;
  regions: string[];
  gold?: { name: string; fingerprint: string };
}

export interface DriftRow {
  cloud: string;
  region: string;
  image: string;
  os: string;
  status: DriftStatus;
  wanted: string;
  gold?: { name: string; fingerprint: string };
}

export function driftRows(wanted: WantedImage[], golds: GoldAt[]): DriftRow[] {
  const index = new Map<string, GoldAt>();
  for (const g of golds) for (const region of g.regions) index.set(`${g.cloud}|${g.image}|${g.os}|${region}`, g);
  const rows: DriftRow[] = [];
  for (const w of wanted) {
    for (const region of w.regions) {
      const gold = index.get(`${w.cloud}|${w.image}|${w.os}|${region}`)?.gold;
      const status: DriftStatus = !gold ? 'missing' : gold.fingerprint === w.fingerprint ? 'up to date' : 'outdated';
      rows.push({ cloud: w.cloud, region, image: w.image, os: w.os, status, wanted: w.fingerprint, ...(gold ? { gold } : {}) });
    }
  }
  return rows.sort(
    (a, b) =>
      a.cloud.localeCompare(b.cloud) || a.region.localeCompare(b.region) || a.image.localeCompare(b.image) || a.os.localeCompare(b.os),
  );
}

export function driftCounts(rows: DriftRow[]): Record<DriftStatus, number> {
  const counts: Record<DriftStatus, number> = { 'up to date': 0, outdated: 0, missing: 0 };
  for (const r of rows) counts[r.status] += 1;
  return counts;
}
