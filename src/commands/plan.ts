/**
 * plan: topology -> fingerprinted images -> inventory of each cloud -> set
 * difference -> matrix, plan file and summary. Orchestration only.
 */
import { providerContext } from './provider-context.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadTopology, resolveImages } from '../topology/index.js';
import type { Cloud, Topology } from '../topology/model.js';
import { Fingerprinter } from '../plan/fingerprint.js';
import { imageName } from '../plan/naming.js';
import { filterImages, matcher } from '../plan/filter.js';
import { plan as makePlan } from '../plan/planner.js';
import { chunkBuilds, selectChunk, type Matrix } from '../plan/matrix.js';
import type { CloudInventory, FingerprintedImage, Plan } from '../plan/types.js';
import { createProvider, type ProviderContext } from '../providers/index.js';
import type { Provider } from '../providers/provider.js';
import { mapLimit } from '../util/pool.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { planMarkdown, planText } from '../report/plan-summary.js';

export interface PlanResult {
  plan: Plan;
  matrix: Matrix;
  chunkCount: number;
  planFile: string;
}

/** Seams for tests and benchmarks: how providers are made. */
export interface PlanDeps {
  providerFor?: (cloud: Cloud, context: ProviderContext) => Promise<Provider>;
  context?: Partial<ProviderContext>;
}

export async function runPlan(inputs: Inputs, reporter: Reporter, deps: PlanDeps = {}): Promise<PlanResult> {
  const topology = await loadTopology(inputs.topology);
  const images = fingerprinted(topology, inputs);
  if (images.length === 0) reporter.warning(`no image of ${inputs.topology} matches clouds=[${inputs.clouds}] images=[${inputs.images}]`);

  const inventory = inputs.offline ? undefined : await inventories(topology, inputs, deps, reporter);
  const result = makePlan({
    topology: inputs.topology, images, inventory, retired: topology.lifecycle.retired, force: inputs.force,
  });
  const chunks = chunkBuilds(result.builds, inputs.maxCells);
  const matrix = selectChunk(chunks, inputs.chunk);

  const planFile = path.resolve(inputs.planFile);
  await fs.mkdir(path.dirname(planFile), { recursive: true });
  await fs.writeFile(planFile, JSON.stringify(result, null, 2) + '\n');

  reporter.setOutput(Outputs.matrix, JSON.stringify(matrix));
  reporter.setOutput(Outputs.hasBuilds, String(matrix.include.length > 0));
  reporter.setOutput(Outputs.buildCount, String(result.builds.length));
  reporter.setOutput(Outputs.copyCount, String(result.copies.length));
  reporter.setOutput(Outputs.retireCount, String(result.retirements.length));
  reporter.setOutput(Outputs.chunkCount, String(chunks.length));
  reporter.setOutput(Outputs.chunks, JSON.stringify(chunks.map((_, i) => i)));
  reporter.setOutput(Outputs.planFile, planFile);
  reporter.setOutput(Outputs.providers, JSON.stringify([...new Set(result.images.map((i) => i.provider))].sort()));
  if (inputs.summary) await reporter.summary(planMarkdown(result), planText(result));
  else for (const note of result.notes) reporter.info(`note: ${note}`);
  return { plan: result, matrix, chunkCount: chunks.length, planFile };
}

/** Resolved, filtered images with their fingerprints and names. */
export function fingerprinted(topology: Topology, inputs: Pick<Inputs, 'clouds' | 'images'>): FingerprintedImage[] {
  const fingerprinter = new Fingerprinter(topology.dir);
  return filterImages(resolveImages(topology), inputs.clouds, inputs.images).map((config) => {
    let fingerprint: string;
    try {
      fingerprint = fingerprinter.of(config);
    } catch (error) {
      throw new Error(`image ${config.image}/${config.os} of cloud "${config.cloud}": ${(error as Error).message}`);
    }
    return { ...config, fingerprint, name: imageName(config.provider, config.image, config.os, fingerprint) };
  });
}

/**
 * One inventory call per (cloud, region), all at once up to `concurrency`;
 * a global-scope cloud (GCP) is asked once and its answer serves every region.
 */
async function inventories(
  topology: Topology, inputs: Inputs, deps: PlanDeps, reporter: Reporter,
): Promise<Record<string, CloudInventory>> {
  const clouds = topology.clouds.filter((c) => matcher(inputs.clouds)(c.name));
  const context = providerContext(topology.dir, inputs, reporter, deps.context);
  const make = deps.providerFor ?? createProvider;
  const providers = await Promise.all(clouds.map((cloud) => make(cloud, context)));
  const calls = clouds.flatMap((cloud, c) => {
    const regions = Object.keys(cloud.regions);
    const asked = providers[c].scope === 'global' ? regions.slice(0, 1) : regions;
    return asked.map((region) => ({ c, region }));
  });
  const answers = await mapLimit(calls, inputs.concurrency, async ({ c, region }) => {
    try {
      return await providers[c].inventory(region);
    } catch (error) {
      throw new Error(`inventory of cloud "${clouds[c].name}" in ${region} failed: ${(error as Error).message}`);
    }
  });
  const out: Record<string, CloudInventory> = {};
  clouds.forEach((cloud, c) => {
    const provider = providers[c];
    const regions: CloudInventory['regions'] = {};
    calls.forEach((call, k) => {
      if (call.c !== c) return;
      const targets = provider.scope === 'global' ? Object.keys(cloud.regions) : [call.region];
      for (const region of targets) regions[region] = answers[k].map((r) => ({ ...r, region }));
    });
    out[cloud.name] = { provider: cloud.provider, scope: provider.scope, regions };
  });
  return out;
}
