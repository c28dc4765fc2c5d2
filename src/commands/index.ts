/**
 * The command table: one orchestration function per `command` input, and the
 * terminal's own commands (run: the whole pipeline; status: every image line).
 */
import type { Command } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { runPlan } from './plan.js';
import { runBuild } from './build.js';
import { runDistribute } from './distribute.js';
import { runLifecycle } from './lifecycle.js';
import { runVerify } from './verify.js';
import { checkSelection } from './selection.js';

export { runPipeline, type RunDeps, type RunOptions } from './run.js';
export { runStatus, type StatusDeps } from './status.js';

export type CommandFn = (inputs: Inputs, reporter: Reporter) => Promise<unknown>;

export const commands: Record<Command, CommandFn> = {
  plan: runPlan,
  build: runBuild,
  distribute: runDistribute,
  lifecycle: runLifecycle,
  verify: runVerify,
};

/** The commands that read `clouds` and `images`; lifecycle also takes retired recipes, which no instance uses. */
const SELECTING: Partial<Record<Command, boolean>> = { plan: true, distribute: true, lifecycle: false };

export async function dispatch(inputs: Inputs, reporter: Reporter): Promise<unknown> {
  const whole = SELECTING[inputs.command];
  if (whole !== undefined) await checkSelection(inputs, whole);
  return commands[inputs.command](inputs, reporter);
}
