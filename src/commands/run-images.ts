/**
 * The images of a run: what each needs, and building and verifying them,
 * `parallel` at a time, each image's verify right after its build.
 *
 * Resuming is deciding from what exists: the plan builds only what no cloud
 * holds (an image finished by an earlier, interrupted run is not built
 * again), and an image whose newest build result for the current
 * fingerprint is still `unverified` is verified (its build finished, its
 * verification did not). A verdict, passed or failed, is never redone.
 */
import path from 'node:path';
import type { BuildCell, FingerprintedImage, Plan, PlannedImage } from '../plan/types.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { reportFailure } from '../io/fail.js';
import { formatDuration } from '../report/progress.js';
import type { ImageStageReport, RunImageReport } from '../report/run-report.js';
import { runBuild } from './build.js';
import { runVerify } from './verify.js';
import { readResults, resultFile, type BuildResult } from './results.js';
import type { RunOutput } from './run-output.js';
import type { Interrupt } from './run-signals.js';
import type { StageHistory } from './run-setup.js';
import { mapLimit } from '../util/pool.js';

export interface ImageTask {
  /** cloud/recipe/os: the image's live line. */
  key: string;
  planned: PlannedImage;
  cell: BuildCell;
  build: boolean;
  verify: boolean;
  /** The newest build result of this fingerprint before the run. */
  earlier?: BuildResult;
}

/** A point a run passes: before each stage, and before each image's build and verify (tests stop a run there). */
export interface Checkpoint {
  stage: string;
  image?: string;
}

export interface ImagesRun {
  inputs: Inputs;
  output: RunOutput;
  interrupt: Interrupt;
  history: StageHistory;
  parallel: number;
  clock: () => number;
  now: () => Date;
  checkpoint: (point: Checkpoint) => Promise<void>;
}

/** The newest result of this cloud and fingerprint (a forced rebuild leaves several). */
export function newestResult(results: BuildResult[], cloud: string, fingerprint: string): BuildResult | undefined {
  return results.filter((r) => r.cloud === cloud && r.fingerprint === fingerprint).sort((a, b) => b.builtAt.localeCompare(a.builtAt))[0];
}

const lineOf = (i: { cloud: string; image: string; os: string }) => `${i.cloud}|${i.image}|${i.os}`;

export function imageTasks(plan: Plan, images: FingerprintedImage[], results: BuildResult[], dryRun: boolean): ImageTask[] {
  return plan.images.map((planned) => {
    const config = images.find((i) => lineOf(i) === lineOf(planned));
    const verifies = config?.recipe.verify !== false;
    const earlier = newestResult(results, planned.cloud, planned.fingerprint);
    const cellOfPlan = plan.builds.find((b) => lineOf(b) === lineOf(planned) && b.fingerprint === planned.fingerprint);
    const resolved = planned.base?.resolved;
    // A build takes the plan's cell as it is (the base image the plan resolved, why it is built); a verify-only one is made alike.
    const cell: BuildCell = cellOfPlan ?? {
      cloud: planned.cloud,
      provider: planned.provider,
      image: planned.image,
      os: planned.os,
      fingerprint: planned.fingerprint,
      name: planned.name,
      region: planned.buildRegion,
      regions: planned.regions,
      ...(resolved ? { resolved } : {}),
    };
    const build = cellOfPlan !== undefined;
    const verify = verifies && (build ? !dryRun : earlier?.verified === 'unverified');
    return { key: `${planned.cloud}/${planned.image}/${planned.os}`, planned, cell, build, verify, earlier };
  });
}

/** Builds and verifies what the tasks need; one report per image, in the tasks' order. */
export async function runImages(tasks: ImageTask[], run: ImagesRun): Promise<RunImageReport[]> {
  const { output } = run;
  const totals = { build: tasks.filter((t) => t.build).length, verify: tasks.filter((t) => t.verify).length };
  const started = { build: 0, verify: 0 };
  const counter = () =>
    output.progress.setCounter(
      (['build', 'verify'] as const)
        .filter((s) => totals[s] > 0)
        .map((s) => `${s} ${started[s]}/${totals[s]}`)
        .join(' · '),
    );
  const work = tasks.filter((t) => t.build || t.verify);
  for (const t of work) output.progress.add(t.key, t.key);
  counter();

  const stage = async (task: ImageTask, name: 'build' | 'verify', fn: (r: Reporter) => Promise<string>): Promise<ImageStageReport> => {
    if (run.interrupt.requested) return { name, status: 'skipped' };
    await run.checkpoint({ stage: name, image: task.key });
    const estimate = estimateSeconds(task, name, run.history);
    started[name] += 1;
    counter();
    output.progress.start(task.key, name, estimate && estimate * 1000);
    const startedAt = run.now().toISOString();
    const t0 = run.clock();
    const took = () => Math.round((run.clock() - t0) / 100) / 10;
    try {
      const done = await fn(output.reporter(task.key));
      const durationSeconds = took();
      if (!run.inputs.dryRun) await run.history.record(lineOf(task.cell), name, durationSeconds);
      output.progress.finish(task.key, `${done} in ${formatDuration(durationSeconds * 1000)}`);
      return { name, status: 'done', startedAt, durationSeconds, ...(estimate ? { estimateSeconds: estimate } : {}) };
    } catch (error) {
      const status = run.interrupt.requested ? 'interrupted' : 'failed';
      const message = reportFailure(error, output.reporter(task.key));
      output.progress.finish(task.key, `${name} ${status} after ${formatDuration(run.clock() - t0 || 0)}`, 'error');
      if (status === 'failed') output.say(`${task.key}: ${message}`, 'error', task.key);
      return { name, status, startedAt, durationSeconds: took(), error: message, ...(estimate ? { estimateSeconds: estimate } : {}) };
    }
  };

  const cellInputs = (task: ImageTask, command: 'build' | 'verify'): Inputs => ({
    ...run.inputs,
    command,
    cell: JSON.stringify(task.cell),
  });
  const stages = new Map<ImageTask, ImageStageReport[]>();
  await mapLimit(work, run.parallel, async (task) => {
    const done: ImageStageReport[] = [];
    stages.set(task, done);
    if (task.build) {
      done.push(
        await stage(task, 'build', async (r) => {
          const out = await runBuild(cellInputs(task, 'build'), r);
          return out.result ? 'built' : 'template written (dry run)';
        }),
      );
      if (done[0].status !== 'done') return;
    }
    if (task.verify) {
      done.push(
        await stage(task, 'verify', async (r) => {
          const out = await runVerify(cellInputs(task, 'verify'), r);
          return run.inputs.dryRun ? 'verification template written (dry run)' : `verification ${out.verdict}`;
        }),
      );
    }
  });

  const results = await readResults(path.resolve(run.inputs.results));
  return tasks.map((task) => imageReport(task, stages.get(task) ?? [], newestResult(results, task.cell.cloud, task.cell.fingerprint), run));
}

/** The stage's time in the last run of this line; for a build, else the newest build result of the line. */
function estimateSeconds(task: ImageTask, stage: 'build' | 'verify', history: StageHistory): number | undefined {
  const known = history.seconds(lineOf(task.cell), stage);
  if (known || stage === 'verify') return known;
  return task.earlier?.durationSeconds || undefined;
}

function imageReport(task: ImageTask, stages: ImageStageReport[], result: BuildResult | undefined, run: ImagesRun): RunImageReport {
  const p = task.planned;
  // An image that is current needs no result: the cloud holds it, built by another run or machine.
  return {
    cloud: p.cloud,
    provider: p.provider,
    image: p.image,
    os: p.os,
    fingerprint: p.fingerprint,
    buildRegion: p.buildRegion,
    regions: p.regions,
    action: task.build ? 'build' : task.verify ? 'verify' : 'none',
    stages,
    verdict: result?.verified ?? null,
    name: result?.name ?? null,
    imageId: result?.imageId ?? null,
    resultFile: result ? resultFile(path.resolve(run.inputs.results), result) : null,
  };
}
