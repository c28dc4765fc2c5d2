/**
 * run (terminal only): the whole pipeline from one command. plan -> build
 * and verify each image (`parallel` at a time) -> distribute -> lifecycle ->
 * plan again, composed from the step commands in this process, with live
 * progress (report/progress.ts), a stage-time summary and a JSON report.
 *
 * Resumable: every step leaves what it finished where the next run finds it
 * (the clouds, the build results), so a run after a crash or Ctrl-C goes on
 * from there and builds nothing twice (run-images.ts). Ctrl-C reaches the
 * tools through this process (run-signals.ts): Packer tears its machine
 * down, then the run ends with 130.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { runPlan } from './plan.js';
import { runDistribute } from './distribute.js';
import { runLifecycle } from './lifecycle.js';
import type { CommandDeps } from './clouds.js';
import { providerContext } from './clouds.js';
import { readResults } from './results.js';
import { checkSelection } from './selection.js';
import { RunOutput, silent } from './run-output.js';
import { Interrupt, type SignalSource } from './run-signals.js';
import { accelerator, missingTools, setAsideReplaced, StageHistory } from './run-setup.js';
import { imageTasks, runImages, type Checkpoint, type ImageTask } from './run-images.js';
import { loadTopology } from '../topology/index.js';
import { fingerprinted } from '../plan/images.js';
import type { FingerprintedImage, Plan } from '../plan/types.js';
import { createBuildHooks } from '../providers/index.js';
import { useOwnProcessGroups } from '../util/process.js';
import type { Inputs } from '../io/inputs.js';
import { reportFailure } from '../io/fail.js';
import { productVersion } from '../io/paths.js';
import { formatDuration, Progress, type OutStream } from '../report/progress.js';
import { planHeadline } from '../report/plan-summary.js';
import { planPicture } from '../report/plan-picture.js';
import { closingLine, imageStage, stageTimesText, type RunReport, type RunStageName, type RunStageReport } from '../report/run-report.js';

export interface RunOptions {
  /** Images built and verified at once (default 1 when any is built on this host with QEMU, else 4). */
  parallel?: number;
  /** Where to write the JSON report (docs/run-report.md). */
  report?: string;
  /** The run's own folder (the default one beside the topology): it gets a .gitignore of its own. */
  stateDir?: string;
}

export interface RunDeps extends CommandDeps {
  out?: OutStream;
  err?: OutStream;
  signals?: SignalSource;
  /** The wall clock (timestamps, the report). */
  now?: () => Date;
  /** Progress redraws every tickMs (0: on events only). */
  tickMs?: number;
  /** Whether a tool is installed (default: on PATH). */
  tools?: (tool: string) => boolean;
  /** Called before each stage and each image's build and verify. */
  checkpoint?: (point: Checkpoint) => Promise<void>;
  env?: NodeJS.ProcessEnv;
}

/** plan.json -> plan-after.json: where the last plan goes. */
export const afterFile = (planFile: string) => path.resolve(planFile).replace(/(\.json)?$/, '-after.json');

export async function runPipeline(inputs: Inputs, options: RunOptions = {}, deps: RunDeps = {}): Promise<RunReport> {
  await checkSelection(inputs, true);
  const now = deps.now ?? (() => new Date());
  const clock = deps.clock ?? Date.now;
  const t0 = clock();
  if (options.stateDir) await ignoreFolder(options.stateDir);
  const progress = new Progress(deps.out ?? process.stdout, { clock, now, tickMs: deps.tickMs, err: deps.err ?? process.stderr });
  const output = new RunOutput(progress, path.join(path.resolve(inputs.workDir), 'run.log'), now);
  const report: RunReport = {
    version: 1,
    tool: productVersion(),
    topology: path.resolve(inputs.topology),
    startedAt: now().toISOString(),
    finishedAt: '',
    durationSeconds: 0,
    outcome: 'succeeded',
    exitCode: 0,
    options: {
      dryRun: inputs.dryRun,
      delete: inputs.delete,
      parallel: options.parallel ?? 1,
      clouds: inputs.clouds,
      images: inputs.images,
    },
    accelerator: null,
    files: { plan: path.resolve(inputs.planFile), planAfter: null, results: path.resolve(inputs.results), log: output.logFile },
    stages: [],
    images: [],
    plan: null,
    planAfter: null,
    errors: [],
  };
  const interrupt = new Interrupt(deps.signals ?? process, (m) => output.say(m, 'warning'));
  interrupt.arm();
  useOwnProcessGroups(true);
  output.say(
    `image-builder ${report.tool} run: ${inputs.topology}${inputs.dryRun ? ' (dry run: nothing is built, copied or changed)' : ''}; ` +
      `the full log, Packer's output included: ${output.logFile}`,
  );
  try {
    await pipeline(inputs, options, deps, { output, report, interrupt, clock, now });
  } catch (error) {
    report.errors.push(reportFailure(error, output.reporter()));
    output.say(report.errors.at(-1) as string, 'error');
  } finally {
    interrupt.disarm();
    useOwnProcessGroups(false);
    progress.stop();
  }
  report.finishedAt = now().toISOString();
  report.durationSeconds = Math.round((clock() - t0) / 100) / 10;
  const failed = report.errors.length > 0 || report.stages.some((s) => s.status === 'failed');
  report.outcome = interrupt.requested ? 'interrupted' : failed ? 'failed' : 'succeeded';
  report.exitCode = interrupt.requested ? interrupt.exitCode : failed ? 1 : 0;
  output.say(stageTimesText(report));
  output.say(closingLine(report, interrupt.signal), report.outcome === 'succeeded' ? 'info' : 'error');
  if (options.report) {
    await fs.mkdir(path.dirname(path.resolve(options.report)), { recursive: true });
    await fs.writeFile(options.report, JSON.stringify(report, null, 2) + '\n');
  }
  return report;
}

interface RunState {
  output: RunOutput;
  report: RunReport;
  interrupt: Interrupt;
  clock: () => number;
  now: () => Date;
}

async function pipeline(inputs: Inputs, options: RunOptions, deps: RunDeps, run: RunState): Promise<void> {
  const { output, report } = run;
  const fleet = output.reporter();
  const stage = stageRunner(deps, run);
  const steps = { ...inputs, offline: false, force: false };

  const plan = await stage('plan', async () => {
    const { plan } = await runPlan({ ...steps, command: 'plan' }, fleet, deps);
    return { value: plan, detail: planHeadline(plan) };
  });
  if (!plan) return;
  report.plan = counts(plan);
  const picture = inputs.summary ? planPicture(plan) : undefined;
  if (picture) output.say(picture);

  const topology = await loadTopology(inputs.topology);
  const images = fingerprinted(topology, inputs);
  const tasks = imageTasks(plan, images, await readResults(path.resolve(inputs.results)), inputs.dryRun);
  for (const t of tasks.filter((t) => !t.build && !t.verify && t.earlier?.verified === 'failed')) {
    const message = `${t.key}: ${t.earlier?.name} failed verification in an earlier run and is never promoted: fix its recipe or verify playbook (a change builds it anew)`;
    report.errors.push(message);
    output.say(message, 'error');
  }
  const onHost = await buildsOnHost(tasks, images, inputs, deps);
  if (tasks.some((t) => t.build || t.verify) && !inputs.dryRun) {
    const missing = missingTools(onHost, deps.tools);
    if (missing) throw new Error(missing);
    if (onHost) {
      const qemu = accelerator(deps.env);
      report.accelerator = qemu.name;
      if (qemu.notice) output.say(`note: ${qemu.notice}`);
    }
  }
  report.options.parallel = options.parallel ?? (onHost ? 1 : 4);
  report.images = await runImages(tasks, {
    inputs,
    output,
    interrupt: run.interrupt,
    history: await StageHistory.load(path.join(path.resolve(inputs.workDir), 'run-history.json')),
    parallel: report.options.parallel,
    clock: run.clock,
    now: run.now,
    checkpoint: deps.checkpoint ?? (async () => undefined),
  });
  for (const name of ['build', 'verify'] as const) report.stages.push(imageStage(name, report));
  if (!inputs.dryRun) {
    const resultsDir = path.resolve(inputs.results);
    const current = new Set(fingerprinted(topology, { clouds: [], images: [] }).map((i) => `${i.cloud}|${i.fingerprint}`));
    const moved = await setAsideReplaced(resultsDir, current, await readResults(resultsDir));
    if (moved) output.say(`${moved} build result${moved === 1 ? '' : 's'} of replaced fingerprints moved to ${resultsDir}-replaced`);
  }

  await stage('distribute', async () => {
    const r = await runDistribute({ ...steps, command: 'distribute' }, fleet, deps);
    return { value: r, detail: `${r.copied} copied`, counts: { copied: r.copied, failed: r.failures.length } };
  });
  await stage('lifecycle', async () => {
    const r = await runLifecycle({ ...steps, command: 'lifecycle' }, fleet, deps);
    const detail = `${r.promoted} promoted, ${r.outdated} outdated, ${r.removed} removed`;
    return {
      value: r,
      detail,
      counts: { promoted: r.promoted, outdated: r.outdated, removed: r.removed, deactivated: r.deactivated, adopted: r.adopted },
    };
  });
  if (inputs.dryRun) return void report.stages.push({ name: 'plan again', status: 'skipped', detail: 'a dry run changes nothing' });
  report.files.planAfter = afterFile(inputs.planFile);
  const after = await stage('plan again', async () => {
    const { plan } = await runPlan({ ...steps, command: 'plan', planFile: afterFile(inputs.planFile), summary: false }, fleet, deps);
    const nothing = plan.builds.length + plan.copies.length + plan.retirements.length === 0;
    return { value: plan, detail: planHeadline(plan) + (nothing ? ': nothing left to do' : '') };
  });
  if (after) report.planAfter = counts(after);
}

/** Runs one fleet stage: skipped once interrupted; its failure is recorded and the run goes on to the next. */
function stageRunner(deps: RunDeps, run: RunState) {
  const { output, report } = run;
  return async <T>(
    name: RunStageName,
    fn: () => Promise<{ value: T; detail: string; counts?: Record<string, number> }>,
  ): Promise<T | undefined> => {
    if (run.interrupt.requested) return void report.stages.push({ name, status: 'skipped', detail: 'interrupted before it started' });
    await deps.checkpoint?.({ stage: name });
    const entry: RunStageReport = { name, status: 'done', startedAt: run.now().toISOString() };
    report.stages.push(entry);
    output.say(`== ${name}`);
    const t0 = run.clock();
    try {
      const { value, detail, counts } = await fn();
      Object.assign(entry, { detail, ...(counts ? { counts } : {}) });
      output.say(`${name}: ${detail} (${formatDuration(run.clock() - t0)})`);
      return value;
    } catch (error) {
      entry.status = run.interrupt.requested ? 'interrupted' : 'failed';
      entry.error = reportFailure(error, output.reporter());
      output.say(`${name} ${entry.status}: ${entry.error}`, 'error');
      return undefined;
    } finally {
      entry.durationSeconds = Math.round((run.clock() - t0) / 100) / 10;
    }
  };
}

/** Whether any image to build or verify is built on this host (its provider brings a QEMU machine). */
async function buildsOnHost(tasks: ImageTask[], images: FingerprintedImage[], inputs: Inputs, deps: RunDeps): Promise<boolean> {
  for (const task of tasks.filter((t) => t.build || t.verify)) {
    const image = images.find((i) => i.cloud === task.cell.cloud && i.image === task.cell.image && i.os === task.cell.os);
    if (!image) continue;
    const context = providerContext(path.dirname(path.resolve(inputs.topology)), inputs, silent, deps.context);
    if ((await createBuildHooks(image.target, context)).machine) return true;
  }
  return false;
}

const counts = (plan: Plan) => ({
  builds: plan.builds.length,
  copies: plan.copies.length,
  retirements: plan.retirements.length,
  images: plan.images.length,
});

/** The run's own folder gets a .gitignore of its own: its files are never committed by accident. */
async function ignoreFolder(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, '.gitignore');
  if (!existsSync(file)) await fs.writeFile(file, "# image-builder run's plans, build results, work files and log\n*\n");
}
