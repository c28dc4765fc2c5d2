/**
 * Image lines and the locations lifecycle decides in. Pure.
 *
 * A line is (cloud, recipe, os). Decisions are per line and region, except
 * where one cloud resource shows up in several regions: a GCP image (global)
 * or an Azure gallery version replicated to several regions is one resource,
 * with one set of tags, one deprecation and one deletion. Regions of a line
 * that share any image id are therefore merged into one location (union-find),
 * so no resource is ever promoted in one region and removed in another.
 */
import type { ImageRecord, Verdict } from '../images/index.js';
import type { Decision } from './decide.js';

export interface LineKey {
  cloud: string;
  image: string;
  os: string;
}

/** One decision unit: a line in one region, or in several regions sharing resources. */
export interface LineLocation extends LineKey {
  /** Sorted; more than one when resources are shared between regions. */
  regions: string[];
  /** Unique by id; a shared resource appears once, with the first of `regions`. */
  records: ImageRecord[];
}

/** What lifecycle decided for one line location, with what it needed to know. */
export interface LineDecision {
  location: LineLocation;
  retired: boolean;
  /** The topology's fingerprint of the line (undefined: the topology no longer names it). */
  current?: string;
  decision: Decision<ImageRecord>;
  /** id -> what uses it, for images kept because they are in use. */
  usage: Record<string, string[]>;
}

export const lineId = (key: LineKey): string => `${key.cloud}|${key.image}|${key.os}`;

/**
 * Groups one cloud's inventory (region -> records) into line locations.
 * Only images this cloud made (tag ib-cloud) are taken: two clouds sharing an
 * account must never decide about each other's images.
 */
export function lineLocations(cloud: string, regions: Record<string, ImageRecord[]>): LineLocation[] {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(k, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };

  const firstNode = new Map<string, string>();
  const entries: { node: string; line: LineKey; region: string; record: ImageRecord }[] = [];
  for (const region of Object.keys(regions).sort()) {
    for (const record of regions[region]) {
      if (record.cloud !== cloud || !record.image) continue;
      const line: LineKey = { cloud, image: record.image, os: record.os };
      const node = `${lineId(line)}|${region}`;
      if (!parent.has(node)) parent.set(node, node);
      entries.push({ node, line, region, record });
      const resource = `${lineId(line)}|${record.id}`;
      const seen = firstNode.get(resource);
      if (seen === undefined) firstNode.set(resource, node);
      else union(seen, node);
    }
  }

  const groups = new Map<string, LineLocation>();
  for (const { node, line, region, record } of entries) {
    const root = find(node);
    let group = groups.get(root);
    if (!group) groups.set(root, (group = { ...line, regions: [], records: [] }));
    if (!group.regions.includes(region)) group.regions.push(region);
    if (!group.records.some((r) => r.id === record.id)) group.records.push(record);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, regions: g.regions.sort() }))
    .sort((a, b) => lineId(a).localeCompare(lineId(b)) || a.regions[0].localeCompare(b.regions[0]));
}

/**
 * Overlays verdicts the verify job recorded in result files (cloud and image
 * id -> verdict) on images whose tags do not carry one yet or carry an older
 * one. Keyed by the image, not the fingerprint: a rebuild of the same
 * fingerprint (moved base image, rebuild_after, force) has its own verdict,
 * and a failed verification of the new build says nothing of the gold one.
 * `unverified` in a result never overrides a recorded verdict.
 */
export function withVerdicts(records: ImageRecord[], verdicts: ReadonlyMap<string, Verdict>): ImageRecord[] {
  return records.map((r) => {
    const verdict = verdicts.get(verdictKey(r.cloud, r.id));
    return verdict && verdict !== 'unverified' && verdict !== r.verified ? { ...r, verified: verdict } : r;
  });
}

export const verdictKey = (cloud: string, imageId: string): string => `${cloud}|${imageId}`;
