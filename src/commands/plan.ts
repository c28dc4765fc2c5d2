/**
 * plan: topology -> fingerprinted images -> inventory of each cloud and what
 * each source resolves to (at once) -> set difference and reasons -> matrix,
 * plan file and summary. Orchestration only.
 */
import { openClouds, providerContext, type PlanDeps } from './clouds.js';
import { gitHistory } from './history.js';
import { resolveSources } from './resolve-sources.js';
import type { History } from '../plan/changes.js';
import type { Topology } from '../topology/model.js';
import { createProvider, type Provider } from '../providers/index.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../topology/index.js';
import { fingerprinted } from '../plan/images.js';
import { plan as makePlan } from '../plan/planner.js';
import { chunkBuilds, selectChunk, type Matrix } from '../plan/matrix.js';
import type { BaseState, CloudInventory, FingerprintedImage, Plan } from '../plan/types.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { buildLines, planMarkdown, planText } from '../report/plan-summary.js';

export interface PlanResult {
  plan: Plan;
  matrix: Matrix;
  chunkCount: number;
  planFile: string;
}

/** Seams for tests: the plan's time and the repository's history. */
export interface PlanCommandDeps extends PlanDeps {
  now?: () => Date;
  history?: History;
}

export async function runPlan(inputs: Inputs, reporter: Reporter, deps: PlanCommandDeps = {}): Promise<PlanResult> {
  const topology = await loadTopology(inputs.topology);
  const images = fingerprinted(topology, inputs);
  if (images.length === 0) reporter.warning(`no image of ${inputs.topology} matches clouds=[${inputs.clouds}] images=[${inputs.images}]`);

  const asked = inputs.offline ? undefined : await askClouds(topology, images, inputs, reporter, deps);
  const result = makePlan({
    topology: inputs.topology,
    images,
    inventory: asked?.inventory,
    retired: topology.lifecycle.retired,
    force: inputs.force,
    bases: asked?.bases,
    history: deps.history ?? gitHistory(topology),
    now: deps.now?.(),
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
  else {
    for (const line of buildLines(result)) reporter.info(line);
    for (const note of result.notes) reporter.info(`note: ${note}`);
  }
  return { plan: result, matrix, chunkCount: chunks.length, planFile };
}

/**
 * Every cloud's inventory (one list call per region; a global cloud once, in
 * its build region) and, at the same time, what every (cloud, source)
 * resolves to (one call each), through the same providers. Any failure of
 * either fails the plan.
 */
async function askClouds(
  topology: Topology,
  images: FingerprintedImage[],
  inputs: Inputs,
  reporter: Reporter,
  deps: PlanDeps,
): Promise<{ inventory: Record<string, CloudInventory>; bases: Record<string, BaseState> }> {
  const make = deps.providerFor ?? createProvider;
  const made = new Map<string, Promise<Provider>>();
  const providerFor: NonNullable<PlanDeps['providerFor']> = (cloud, context) => {
    let provider = made.get(cloud.name);
    if (!provider) made.set(cloud.name, (provider = make(cloud, context)));
    return provider;
  };
  const context = providerContext(topology.dir, inputs, reporter, deps.context);
  // Both settle before a failure is thrown, so a failed plan leaves no call of the other running.
  const [listed, resolved] = await Promise.allSettled([
    openClouds(topology, inputs, reporter, { ...deps, providerFor }, { onFailure: 'throw' }),
    resolveSources(topology.file, images, (cloud) => providerFor(cloud, context), inputs.concurrency),
  ]);
  if (listed.status === 'rejected') throw listed.reason;
  if (resolved.status === 'rejected') throw resolved.reason;
  const [open, bases] = [listed.value, resolved.value];
  for (const [key, base] of Object.entries(bases)) {
    const [cloud, os] = key.split('|');
    reporter.info(`cloud "${cloud}", source ${os}: ${base.text}`);
  }
  return { inventory: open.inventory, bases };
}
