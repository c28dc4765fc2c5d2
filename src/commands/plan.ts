/**
 * plan: topology -> fingerprinted images -> inventory of each cloud -> set
 * difference -> matrix, plan file and summary. Orchestration only.
 */
import { openClouds, type PlanDeps } from './clouds.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../topology/index.js';
import { fingerprinted } from '../plan/images.js';
import { plan as makePlan } from '../plan/planner.js';
import { chunkBuilds, selectChunk, type Matrix } from '../plan/matrix.js';
import type { Plan } from '../plan/types.js';
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

export async function runPlan(inputs: Inputs, reporter: Reporter, deps: PlanDeps = {}): Promise<PlanResult> {
  const topology = await loadTopology(inputs.topology);
  const images = fingerprinted(topology, inputs);
  if (images.length === 0) reporter.warning(`no image of ${inputs.topology} matches clouds=[${inputs.clouds}] images=[${inputs.images}]`);

  // Any failed inventory fails the plan; a global cloud is asked in its first region.
  const inventory = inputs.offline ? undefined : (await openClouds(topology, inputs, reporter, deps, { onFailure: 'throw' })).inventory;
  const result = makePlan({
    topology: inputs.topology,
    images,
    inventory,
    retired: topology.lifecycle.retired,
    force: inputs.force,
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
