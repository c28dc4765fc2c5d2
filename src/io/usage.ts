/**
 * The command line: its usage text and its parser, both made from the one
 * flag table (flags.ts), and the error of a command line that cannot be
 * run as written (exit code 2, where a failure is 1).
 */
import { suggest } from '../topology/suggest.js';
import { ALL_COMMANDS, HELP_FLAGS, VERSION_FLAGS, parsedFlags, type CliCommand } from './flags.js';
import { InputNames } from './constants.js';

/** A command line that cannot be run as written: an unknown command or flag, a bad value, a selection matching nothing. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The flags the parser takes: the usage below is made from the same table. */
const FLAGS = new Map(parsedFlags());
const BOOLEAN = new Set([...FLAGS].filter(([, spec]) => spec.value === undefined).map(([name]) => name));

const ABOUT: Record<CliCommand, string> = {
  run: 'the whole pipeline: plan, build, verify, distribute, lifecycle, plan again',
  status: 'every image line: gold and its age, candidates, drift, what the next plan would do',
  plan: 'what is missing, from the topology and what each cloud holds',
  build: 'one matrix cell: Packer and Ansible make the image',
  verify: 'one matrix cell: boot the built image and run its verify playbook',
  distribute: 'copy images to every region that needs them',
  lifecycle: 'promote gold, mark outdated, keep N, remove the rest (with --delete)',
};

export function isCommand(word: string | undefined): word is CliCommand {
  return (ALL_COMMANDS as readonly string[]).includes(word ?? '');
}

/** The usage text: every flag, or given a command, the flags that command reads. */
export function usage(command?: CliCommand): string {
  const rows = [...FLAGS]
    .filter(([, spec]) => !command || spec.commands.includes(command))
    .map(([name, spec]) => {
      const fallback = (command && spec.commandDefault?.[command]) ?? spec.default;
      return [`--${name}${spec.value ? ` ${spec.value}` : ''}`, spec.description + (fallback ? ` (default ${fallback})` : '')];
    });
  rows.push(
    [HELP_FLAGS.join(', '), command ? 'This text.' : 'This text; after a command, only the options that command reads.'],
    [VERSION_FLAGS.join(', '), 'Print the version.'],
  );
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const commandWidth = Math.max(...ALL_COMMANDS.map((c) => c.length)) + 2;
  const head = command
    ? `usage: image-builder ${command} [options]\n\n${command}: ${ABOUT[command]}.`
    : `usage: image-builder <command> [options]     (image-builder help <command>: its options)\n\ncommands:\n${ALL_COMMANDS.map(
        (c) => `  ${c.padEnd(commandWidth)}${ABOUT[c]}`,
      ).join('\n')}`;
  return `${head}

options (the action's inputs, as flags; a boolean flag alone means true. An unset
flag is read from IMAGE_BUILDER_<NAME>, e.g. IMAGE_BUILDER_GCP_ACCESS_TOKEN):
${rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`).join('\n')}`;
}

export const USAGE = usage();

export interface ParsedArgs {
  /** The command named first, if any (the action's `command` input may also come as --command). */
  command?: CliCommand;
  values: Record<string, string>;
  json: boolean;
}

/** `unknown command "pln" — did you mean "plan"?` */
export function unknownCommand(word: string): UsageError {
  const near = suggest(word, ALL_COMMANDS);
  return new UsageError(`unknown command "${word}"${near ? ` — did you mean "${near}"?` : ''} (commands: ${ALL_COMMANDS.join(', ')})`);
}

export function parseArgs(argv: string[]): ParsedArgs {
  const values: Record<string, string> = {};
  const rest = [...argv];
  let command: CliCommand | undefined;
  if (rest[0] && !rest[0].startsWith('-')) {
    const word = rest.shift() as string;
    if (!isCommand(word)) throw unknownCommand(word);
    command = word;
    values[InputNames.command] = word;
  }
  while (rest.length > 0) {
    const arg = rest.shift() as string;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !FLAGS.has(match[1])) {
      const near = match ? suggest(match[1], FLAGS.keys()) : undefined;
      throw new UsageError(`unknown option "${arg}"${near ? ` — did you mean "--${near}"?` : ''}`);
    }
    const [, name, inline] = match;
    if (inline !== undefined) values[name] = inline;
    else if (BOOLEAN.has(name) && (rest[0] === undefined || rest[0].startsWith('--'))) values[name] = 'true';
    else if (rest[0] === undefined) throw new UsageError(`option --${name} needs a value`);
    else values[name] = rest.shift() as string;
  }
  if (!command && values[InputNames.command]) {
    const word = values[InputNames.command];
    if (!isCommand(word)) throw unknownCommand(word);
    command = word;
  }
  return { command, values, json: values.json === 'true' };
}
