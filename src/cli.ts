/**
 * The terminal front end: `image-builder <command> [--flag value ...]`.
 * Flags are the action's input names, so the CLI runs exactly the same code.
 */
import { dispatch } from './commands/index.js';
import { COMMANDS, Inputs as InputNames } from './io/constants.js';
import { cliReporter } from './io/cli-reporter.js';
import { guardStrayRejections, reportFailure } from './io/fail.js';
import { parseInputs } from './io/inputs.js';

const BOOLEAN = new Set<string>([
  InputNames.offline, InputNames.force, InputNames.dryRun, InputNames.delete, InputNames.summary, 'json',
]);
const KNOWN = new Set<string>([...Object.values(InputNames), 'json']);

export const USAGE = `usage: image-builder <command> [options]

commands: ${COMMANDS.join(', ')}

options (the action's inputs, as flags):
  --topology FILE     topology file (default topology.yml)
  --offline           plan without asking any cloud: every image counts as missing
  --clouds A,B        only these clouds (names, * wildcards)
  --images A,B        only these recipes (names, * wildcards)
  --force             build every selected image even if it exists
  --plan-file FILE    where the plan JSON goes (default image-builder-plan.json)
  --max-cells N       cells per matrix chunk (default 256, GitHub's limit)
  --chunk N           which chunk's matrix to output
  --cell JSON         one matrix cell (build, verify)
  --dry-run           change nothing; print what would change
  --results DIR       build results folder (default image-builder-results)
  --delete            let lifecycle delete what it retires (never the default)
  --concurrency N     cloud calls in flight (default 8)
  --json              print the plan as JSON instead of tables
  --help              this text`;

export interface ParsedArgs {
  values: Record<string, string>;
  json: boolean;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const values: Record<string, string> = {};
  const rest = [...argv];
  if (rest[0] && !rest[0].startsWith('-')) values[InputNames.command] = rest.shift() as string;
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !KNOWN.has(match[1])) throw new UsageError(`unknown option "${arg}"`);
    const [, name, inline] = match;
    if (inline !== undefined) values[name] = inline;
    else if (BOOLEAN.has(name) && (rest[0] === undefined || rest[0].startsWith('--'))) values[name] = 'true';
    else if (rest[0] === undefined) throw new UsageError(`option --${name} needs a value`);
    else values[name] = rest.shift() as string;
  }
  return { values, json: values.json === 'true' };
}

class UsageError extends Error {}

export async function cli(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    process.stdout.write(USAGE + '\n');
    if (argv.length === 0) process.exitCode = 2;
    return;
  }
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`image-builder: ${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const reporter = cliReporter({ quiet: parsed.json });
  guardStrayRejections((message) => process.stderr.write(`${message}\n`));
  try {
    const inputs = parseInputs((name) => parsed.values[name] ?? process.env[`IMAGE_BUILDER_${name.toUpperCase().replace(/-/g, '_')}`] ?? '');
    for (const secret of [inputs.gcpAccessToken, inputs.token]) if (secret) reporter.mask(secret);
    const result = await dispatch(inputs, reporter);
    if (parsed.json) process.stdout.write(JSON.stringify(jsonOf(result), null, 2) + '\n');
  } catch (error) {
    process.stderr.write(`image-builder: ${reportFailure(error, reporter)}\n`);
    process.exitCode = 1;
  }
}

function jsonOf(result: unknown): unknown {
  return result && typeof result === 'object' && 'plan' in result ? (result as { plan: unknown }).plan : result;
}
