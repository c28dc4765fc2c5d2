/**
 * The planner: required images minus existing images. Pure: it takes the
 * fingerprinted configs and what each cloud holds, and returns the plan.
 */
import type { ImageRecord } from '../images/index.js';
import type { BuildCell, CloudInventory, CopyTask, FingerprintedImage, Plan, PlannedImage, Retirement } from './types.js';

export interface PlanInput {
  topology: string;
  images: FingerprintedImage[];
  /** cloud name -> inventory; absent when offline (everything is missing). */
  inventory?: Record<string, CloudInventory>;
  /** Recipe names whose images are to be removed. */
  retired: string[];
  /** Build every image even when its fingerprint exists. */
  force?: boolean;
}

export function plan(input: PlanInput): Plan {
  const builds: BuildCell[] = [];
  const copies: CopyTask[] = [];
  const images: PlannedImage[] = [];
  const notes = new Set<string>();
  const indexes = new Map<string, RegionIndex>();

  for (const config of input.images) {
    const inventory = input.inventory?.[config.cloud];
    let index = indexes.get(config.cloud);
    if (inventory && !index) indexes.set(config.cloud, (index = indexInventory(inventory)));
    const holding = input.force ? new Map<string, ImageRecord>() : holders(config, index);
    const present = [...holding.keys()].sort();
    const global = inventory?.scope === 'global' || config.provider === 'gcp';
    const cell = toCell(config);
    let status: PlannedImage['status'] = 'current';

    if (present.length === 0) {
      status = 'build';
      builds.push(cell);
    }
    if (holding.size > 0 && [...holding.values()].every((r) => r.verified === 'failed')) {
      notes.add(
        `${config.cloud}/${config.name} failed verification: it is never promoted; change its inputs (or plan with force) to build it again`,
      );
    }
    if (global) {
      if (config.regions.length > 1) notes.add(`${config.cloud}: ${config.provider} images are global, nothing to copy between regions`);
    } else {
      const from = status === 'build' ? config.buildRegion : pickSource(config, holding);
      const source = holding.get(from);
      for (const to of config.regions) {
        if (to === from || holding.has(to)) continue;
        if (status === 'current') status = 'copy';
        copies.push({
          ...pick(cell),
          from,
          to,
          afterBuild: status === 'build',
          ...(source ? { sourceId: source.id } : {}),
        });
      }
    }
    images.push({
      ...pick(cell),
      buildRegion: config.buildRegion,
      regions: config.regions,
      present,
      status,
    });
  }

  return {
    version: 1,
    topology: input.topology,
    offline: input.inventory === undefined,
    images,
    builds,
    copies,
    retirements: retirements(input),
    notes: [...notes],
  };
}

/** Per region, fingerprint -> the first record with it that has not failed. */
type RegionIndex = Map<string, Map<string, ImageRecord>>;

/** Built once per cloud, so planning stays linear in images + records (a scan per image was quadratic). */
function indexInventory(inventory: CloudInventory): RegionIndex {
  const index: RegionIndex = new Map();
  for (const [region, records] of Object.entries(inventory.regions)) {
    const byFingerprint = new Map<string, ImageRecord>();
    for (const r of records) if (r.state !== 'failed' && !byFingerprint.has(r.fingerprint)) byFingerprint.set(r.fingerprint, r);
    index.set(region, byFingerprint);
  }
  return index;
}

/** Regions holding an image of this fingerprint: pending counts as present, failed does not. */
function holders(config: FingerprintedImage, index: RegionIndex | undefined): Map<string, ImageRecord> {
  const found = new Map<string, ImageRecord>();
  if (!index) return found;
  for (const [region, byFingerprint] of index) {
    const match = byFingerprint.get(config.fingerprint);
    if (match) found.set(region, match);
  }
  return found;
}

/** The build region when it holds the image, else the first region holding an available copy. */
function pickSource(config: FingerprintedImage, holding: Map<string, ImageRecord>): string {
  if (holding.get(config.buildRegion)?.state === 'available') return config.buildRegion;
  const regions = [...holding.keys()].sort();
  return regions.find((r) => holding.get(r)?.state === 'available') ?? regions[0];
}

function retirements(input: PlanInput): Retirement[] {
  if (!input.inventory || input.retired.length === 0) return [];
  const retired = new Set(input.retired);
  const out: Retirement[] = [];
  const seen = new Set<string>();
  for (const [cloud, inventory] of Object.entries(input.inventory)) {
    for (const [region, records] of Object.entries(inventory.regions)) {
      for (const r of records) {
        if (!retired.has(r.image)) continue;
        const key = inventory.scope === 'global' ? `${cloud}|${r.id}` : `${cloud}|${region}|${r.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({
          cloud,
          provider: inventory.provider,
          region,
          id: r.id,
          name: r.name,
          image: r.image,
          os: r.os,
          fingerprint: r.fingerprint,
          channel: r.channel,
        });
      }
    }
  }
  return out.sort((a, b) => `${a.cloud}|${a.region}|${a.name}`.localeCompare(`${b.cloud}|${b.region}|${b.name}`));
}

function toCell(config: FingerprintedImage): BuildCell {
  return {
    cloud: config.cloud,
    provider: config.provider,
    image: config.image,
    os: config.os,
    fingerprint: config.fingerprint,
    name: config.name,
    region: config.buildRegion,
    regions: config.regions,
  };
}

function pick(cell: BuildCell) {
  const { cloud, provider, image, os, fingerprint, name } = cell;
  return { cloud, provider, image, os, fingerprint, name };
}
