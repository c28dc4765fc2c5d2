/** The command table: one orchestration function per `command` input. */
import type { Command } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { runPlan } from './plan.js';
import { runBuild } from './build.js';
import { runDistribute } from './distribute.js';
import { runLifecycle } from './lifecycle.js';
import { runVerify } from './verify.js';

export type CommandFn = (inputs: Inputs, reporter: Reporter) => Promise<unknown>;

export const commands: Record<Command, CommandFn> = {
  plan: runPlan,
  build: runBuild,
  distribute: runDistribute,
  lifecycle: runLifecycle,
  verify: runVerify,
};

export async function dispatch(inputs: Inputs, reporter: Reporter): Promise<unknown> {
  return commands[inputs.command](inputs, reporter);
}
