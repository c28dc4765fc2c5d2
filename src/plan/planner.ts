/**
 * The planner: required images minus existing images, and images whose
 * current build is to be made again (a moved base image, rebuild_after,
 * force), each with the reasons it is built (plan/reasons.ts). Pure: it takes
 * the fingerprinted configs, what each cloud holds and what each source
 * resolved to, and returns the plan.
 */
import type { ImageRecord } from '../images/index.js';
import type { BaseState, BuildCell, CloudInventory, CopyTask, FingerprintedImage, Plan, PlannedImage, Retirement } from './types.js';
import { copySource, holders, indexHolders, type HolderIndex } from './holders.js';
import { lineKey, newestOfLines } from './built.js';
import type { History } from './changes.js';
import { reasonsFor, unresolvedBase, whyText } from './reasons.js';

export interface PlanInput {
  topology: string;
  images: FingerprintedImage[];
  /** cloud name -> inventory; absent when offline (everything is missing). */
  inventory?: Record<string, CloudInventory>;
  /** Recipe names whose images are to be removed. */
  retired: string[];
  /** Build every image even when its fingerprint exists. */
  force?: boolean;
  /** `cloud|os` -> what the source resolved to (plan/resolve key); absent: not resolved. */
  bases?: Record<string, BaseState>;
  /** The repository's history, for per-file and per-key reasons. */
  history?: History;
  /** The plan's time (rebuild_after), default now. */
  now?: Date;
}

/** The key of a (cloud, source) in PlanInput.bases: sources are named by their os. */
export const baseKey = (cloud: string, os: string): string => `${cloud}|${os}`;

export function plan(input: PlanInput): Plan {
  const builds: BuildCell[] = [];
  const copies: CopyTask[] = [];
  const images: PlannedImage[] = [];
  const notes = new Set<string>();
  const indexes = new Map<string, HolderIndex>();
  const lines = new Map<string, Map<string, ImageRecord>>();
  const offline = input.inventory === undefined;
  const now = (input.now ?? new Date()).getTime();

  for (const config of input.images) {
    const inventory = input.inventory?.[config.cloud];
    let index = indexes.get(config.cloud);
    if (inventory && !index) indexes.set(config.cloud, (index = indexHolders(inventory)));
    let newest = lines.get(config.cloud);
    if (inventory && !newest) lines.set(config.cloud, (newest = newestOfLines(inventory.regions)));
    const held = holders(index, config.fingerprint);
    const base =
      input.bases?.[baseKey(config.cloud, config.os)] ??
      unresolvedBase(config, offline ? 'offline plan: no cloud was asked; the nightly plan resolves it' : 'not asked');
    const reasons = reasonsFor({
      image: config,
      base,
      current: held.get(config.buildRegion) ?? held.values().next().value,
      newest: newest?.get(lineKey(config.image, config.os)),
      offline,
      force: input.force ?? false,
      now,
      history: input.history,
    });
    // A rebuild of a held fingerprint (force, a moved base, age) is copied everywhere once built.
    const holding = reasons.length > 0 ? new Map<string, ImageRecord>() : held;
    const present = [...holding.keys()].sort();
    const global = inventory?.scope === 'global' || config.provider === 'gcp';
    const why = whyText(reasons);
    const cell = toCell(config, base, why);
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
    if (
      status === 'current' &&
      config.recipe.verify !== false &&
      holding.size > 0 &&
      [...holding.values()].every((r) => r.verified === 'unverified')
    ) {
      notes.add(
        `${config.cloud}/${config.name} is not verified (its verify step did not pass): it is held back from distribution and promotion; verify it again, or plan with force to build it again`,
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
    const line = newest?.get(lineKey(config.image, config.os));
    images.push({
      ...pick(cell),
      buildRegion: config.buildRegion,
      regions: config.regions,
      present,
      status,
      reasons,
      why,
      base,
      ...(line ? { newest: line.name } : {}),
    });
  }

  return {
    version: 1,
    topology: input.topology,
    offline,
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

/** Longest `why` a matrix cell carries (the plan file has every reason in full). */
export const CELL_WHY_MAX = 300;

function toCell(config: FingerprintedImage, base: BaseState, why: string): BuildCell {
  return {
    cloud: config.cloud,
    provider: config.provider,
    image: config.image,
    os: config.os,
    fingerprint: config.fingerprint,
    name: config.name,
    region: config.buildRegion,
    regions: config.regions,
    ...(base.resolved ? { resolved: base.resolved } : {}),
    ...(why ? { why: why.length > CELL_WHY_MAX ? `${why.slice(0, CELL_WHY_MAX - 3)}...` : why } : {}),
  };
}

function pick(cell: BuildCell) {
  const { cloud, provider, image, os, fingerprint, name } = cell;
  return { cloud, provider, image, os, fingerprint, name };
}
