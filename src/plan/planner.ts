/**
 * The planner: required images minus existing images. Pure: it takes the
 * fingerprinted configs and what each cloud holds, and returns the plan.
 */
import type { ImageRecord } from '../images/index.js';
import type { BuildCell, CloudInventory, CopyTask, FingerprintedImage, Plan, PlannedImage, Retirement } from './types.js';
import { copySource, holders, indexHolders, type HolderIndex } from './holders.js';

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
  const indexes = new Map<string, HolderIndex>();

  for (const config of input.images) {
    const inventory = input.inventory?.[config.cloud];
    let index = indexes.get(config.cloud);
    if (inventory && !index) indexes.set(config.cloud, (index = indexHolders(inventory)));
    const holding = input.force ? new Map<string, ImageRecord>() : holders(index, config.fingerprint);
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
        `${config.cloud}/${config.name} failed verification: it is never promoted; change its inputs, or plan with force to build it again (under a new name, beside it)`,
      );
    }
    if (global) {
      if (config.regions.length > 1) notes.add(`${config.cloud}: ${config.provider} images are global, nothing to copy between regions`);
    } else {
      // Not a build: some region holds it, so copySource has an answer.
      const from = (status === 'build' ? undefined : copySource(config.buildRegion, holding)) ?? config.buildRegion;
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
