/**
 * The terminal front end: `image-builder <command> [--flag value ...]`.
 * Flags are the action's input names, so the CLI runs exactly the same code.
 */
import { dispatch } from './commands/index.js';
import { COMMANDS, InputNames, type Command } from './io/constants.js';
import { cliReporter } from './io/cli-reporter.js';
import { guardStrayRejections, reportFailure } from './io/fail.js';
import { HELP_FLAGS, VERSION_FLAGS, parsedFlags } from './io/flags.js';
import { parseInputs } from './io/inputs.js';
import { productVersion } from './io/paths.js';

/** The flags the parser takes (src/io/flags.ts): the usage below is made from the same table. */
const FLAGS = new Map(parsedFlags());
const BOOLEAN = new Set([...FLAGS].filter(([, spec]) => spec.value === undefined).map(([name]) => name));

/** The usage text: every flag, or given a command, the flags that command reads. */
export function usage(command?: Command): string {
  const rows = [...FLAGS]
    .filter(([, spec]) => !command || spec.commands.includes(command))
    .map(([name, spec]) => [
      `--${name}${spec.value ? ` ${spec.value}` : ''}`,
      spec.description + (spec.default ? ` (default ${spec.default})` : ''),
    ]);
  rows.push(
    [HELP_FLAGS.join(', '), command ? 'This text.' : 'This text; after a command, only the options that command reads.'],
    [VERSION_FLAGS.join(', '), 'Print the version.'],
  );
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const head = command
    ? `usage: image-builder ${command} [options]`
    : `usage: image-builder <command> [options]\n\ncommands: ${COMMANDS.join(', ')}`;
  return `${head}

options (the action's inputs, as flags; a boolean flag alone means true. An unset
flag is read from IMAGE_BUILDER_<NAME>, e.g. IMAGE_BUILDER_GCP_ACCESS_TOKEN):
${rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`).join('\n')}`;
}

export const USAGE = usage();

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
    if (!match || !FLAGS.has(match[1])) throw new UsageError(`unknown option "${arg}"`);
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
  const command = COMMANDS.find((c) => c === argv[0]);
  if (argv.some((arg) => (VERSION_FLAGS as readonly string[]).includes(arg))) {
    process.stdout.write(productVersion() + '\n');
    return;
  }
  if (argv.length === 0 || argv.some((arg) => (HELP_FLAGS as readonly string[]).includes(arg))) {
    process.stdout.write(usage(command) + '\n');
    if (argv.length === 0) process.exitCode = 2;
    return;
  }
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`image-builder: ${(error as Error).message}\n${usage(command)}\n`);
    process.exitCode = 2;
    return;
  }
  const reporter = cliReporter({ quiet: parsed.json });
  guardStrayRejections((message) => process.stderr.write(`${message}\n`));
  try {
    const inputs = parseInputs(
      (name) => parsed.values[name] ?? process.env[`IMAGE_BUILDER_${name.toUpperCase().replace(/-/g, '_')}`] ?? '',
    );
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
