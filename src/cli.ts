/**
 * The terminal front end: `image-builder <command> [--flag value ...]`.
 * Flags are the action's input names, so the CLI runs exactly the same code;
 * `run` and `status` are the terminal's own. Exit codes: 0 done, 1 a
 * failure, 2 a command line that cannot run as written (usage), 130/143
 * a run stopped by SIGINT/SIGTERM.
 */
import path from 'node:path';
import { dispatch, runPipeline, runStatus } from './commands/index.js';
import { InputNames } from './io/constants.js';
import { cliReporter } from './io/cli-reporter.js';
import { guardStrayRejections, reportFailure } from './io/fail.js';
import { HELP_FLAGS, STATE_DIR, VERSION_FLAGS, type CliCommand } from './io/flags.js';
import { parseInputs, type Inputs } from './io/inputs.js';
import { productVersion } from './io/paths.js';
import { UsageError, isCommand, parseArgs, unknownCommand, usage } from './io/usage.js';
import { planPicture } from './report/plan-picture.js';
import type { PlanResult } from './commands/plan.js';

export { USAGE, parseArgs, usage } from './io/usage.js';

const ENV_PREFIX = 'IMAGE_BUILDER_';
const envName = (flag: string) => ENV_PREFIX + flag.toUpperCase().replace(/-/g, '_');
const has = (argv: string[], flags: readonly string[]) => argv.some((arg) => flags.includes(arg));

export async function cli(argv: string[]): Promise<void> {
  const code = await main(argv);
  if (code !== 0) process.exitCode = code;
}

async function main(argv: string[]): Promise<number> {
  if (has(argv, VERSION_FLAGS)) {
    process.stdout.write(productVersion() + '\n');
    return 0;
  }
  // `help` and `help <command>` are --help and <command> --help.
  const args = argv[0] === 'help' ? [...argv.slice(1, 2), '--help'] : argv;
  if (args.length === 0) {
    process.stdout.write(usage() + '\n');
    return 2;
  }
  try {
    if (has(args, HELP_FLAGS)) {
      const first = args[0].startsWith('-') ? undefined : args[0];
      if (first !== undefined && !isCommand(first)) throw unknownCommand(first);
      process.stdout.write(usage(first) + '\n');
      return 0;
    }
    const parsed = parseArgs(args);
    return await execute(parsed.command ?? commandFromEnv(), parsed.values, parsed.json);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageError(error, isCommand(args[0]) ? args[0] : undefined);
  }
}

function commandFromEnv(): CliCommand {
  const word = process.env[envName(InputNames.command)]?.trim() || 'plan';
  if (!isCommand(word)) throw unknownCommand(word);
  return word;
}

function usageError(error: UsageError, command?: CliCommand): number {
  const help = command ? `image-builder ${command} --help` : 'image-builder --help';
  process.stderr.write(`image-builder: ${error.message}\n(${help} lists the options)\n`);
  return 2;
}

/**
 * The inputs of a command line: flags, else IMAGE_BUILDER_<NAME>, else the
 * defaults; run and status keep their plan, results and work files in
 * .image-builder/ beside the topology unless told otherwise. A value the
 * inputs refuse is a usage error.
 */
function readInputs(
  command: CliCommand,
  values: Record<string, string>,
): { inputs: Inputs; raw: (name: string) => string; state?: string } {
  const raw = (name: string) => values[name] ?? process.env[envName(name)] ?? '';
  const own = command === 'run' || command === 'status';
  const state = own ? path.join(path.dirname(path.resolve(raw(InputNames.topology) || 'topology.yml')), STATE_DIR) : undefined;
  const defaults: Record<string, string> = state
    ? {
        [InputNames.results]: path.join(state, 'results'),
        [InputNames.workDir]: path.join(state, 'work'),
        [InputNames.planFile]: path.join(state, 'plan.json'),
      }
    : {};
  try {
    // run and status are no action command: their steps set `command` as they call them.
    const inputs = parseInputs((name) => (name === InputNames.command ? (own ? 'plan' : command) : raw(name) || defaults[name] || ''));
    const usesState = [InputNames.results, InputNames.workDir, InputNames.planFile].some((n) => !raw(n));
    return { inputs, raw, state: usesState ? state : undefined };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positive(raw: string, flag: string, max: number): number | undefined {
  if (raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new UsageError(`--${flag} is "${raw}": write a whole number from 1 to ${max}`);
  return value;
}

async function execute(command: CliCommand, values: Record<string, string>, json: boolean): Promise<number> {
  const { inputs, raw, state } = readInputs(command, values);
  const parallel = positive(raw('parallel'), 'parallel', 16);
  const reporter = cliReporter({ quiet: json });
  guardStrayRejections((message) => process.stderr.write(`${message}\n`));
  for (const secret of [inputs.gcpAccessToken, inputs.token]) if (secret) reporter.mask(secret);
  try {
    if (command === 'run') {
      const report = await runPipeline(inputs, { parallel, report: raw('report') || undefined, stateDir: state });
      return report.exitCode;
    }
    if (command === 'status') {
      const status = await runStatus(inputs, reporter);
      if (json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
      return status.failures.length > 0 ? 1 : 0;
    }
    const result = await dispatch(inputs, reporter);
    if (json) process.stdout.write(JSON.stringify(jsonOf(result), null, 2) + '\n');
    else if (command === 'plan' && inputs.summary) {
      const picture = planPicture((result as PlanResult).plan);
      if (picture) process.stdout.write(picture + '\n');
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`image-builder: ${reportFailure(error, reporter)}\n`);
    return 1;
  }
}

function jsonOf(result: unknown): unknown {
  return result && typeof result === 'object' && 'plan' in result ? (result as { plan: unknown }).plan : result;
}
