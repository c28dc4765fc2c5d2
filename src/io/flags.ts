/**
 * The CLI's flags: one per action input (InputNames, so none can be left
 * out), with action.yml's description, plus the CLI's own. src/cli.ts makes
 * both its parser and its usage text from this table, so they cannot drift.
 */
import { COMMANDS, InputNames, type Command } from './constants.js';

/** Commands of the terminal alone: the whole pipeline in one go, and a view of every image. */
export const CLI_COMMANDS = ['run', 'status'] as const;
export type CliCommand = Command | (typeof CLI_COMMANDS)[number];
/** Every command the CLI takes, in the order the usage lists them. */
export const ALL_COMMANDS: readonly CliCommand[] = [...CLI_COMMANDS, ...COMMANDS];

export interface FlagSpec {
  /** The value's placeholder in the usage; absent for a boolean flag (a bare `--flag` means true). */
  value?: string;
  /** The commands that read it. */
  commands: readonly CliCommand[];
  /** One line: action.yml's description of the input. */
  description: string;
  /** What an unset flag means in the CLI (parseInputs' default), when it is worth saying. */
  default?: string;
  /** Where a command has a default of its own (run and status keep their files beside the topology). */
  commandDefault?: Partial<Record<CliCommand, string>>;
}

const ALL = COMMANDS;
const EVERY: readonly CliCommand[] = ALL_COMMANDS;
const CELL: readonly Command[] = ['build', 'verify'];
const FLEET: readonly Command[] = ['plan', 'distribute', 'lifecycle'];
const RESULTS: readonly Command[] = ['build', 'verify', 'distribute', 'lifecycle'];
/** Where run and status keep the plan, results and work files unless told otherwise. */
export const STATE_DIR = '.image-builder';
const beside = (what: string) => ({ run: `${STATE_DIR}/${what} beside the topology`, status: `${STATE_DIR}/${what} beside the topology` });

/** Keyed like InputNames: the compiler refuses an input without its flag. */
export const INPUT_FLAGS: { readonly [K in keyof typeof InputNames]: FlagSpec } = {
  command: { value: 'NAME', commands: ALL, description: 'What to run: plan, build, verify, distribute or lifecycle.', default: 'plan' },
  topology: {
    value: 'FILE',
    commands: EVERY,
    description: 'Path of the topology file, relative to the workspace.',
    default: 'topology.yml',
  },
  offline: {
    commands: ['plan'],
    description: 'plan: ask no cloud; every image counts as missing (pull requests from forks, topology checks).',
  },
  clouds: {
    value: 'A,B',
    commands: [...FLEET, 'run', 'status'],
    description: 'Only these clouds (comma-separated names, * wildcards). Empty means all.',
  },
  images: {
    value: 'A,B',
    commands: [...FLEET, 'run', 'status'],
    description: 'Only these recipes (comma-separated names, * wildcards). Empty means all.',
  },
  force: { commands: ['plan'], description: 'plan: build every selected image even when an image with its fingerprint exists.' },
  maxCells: {
    value: 'N',
    commands: ['plan'],
    description: 'Cells per matrix chunk (1-256; GitHub runs at most 256 jobs from one matrix).',
    default: '256',
  },
  chunk: { value: 'N', commands: ['plan'], description: "plan: which chunk's matrix to output when the plan has more than one (0-based)." },
  planFile: {
    value: 'FILE',
    commands: ['plan', 'run'],
    description: 'Where plan writes the whole plan as JSON.',
    default: 'image-builder-plan.json',
    commandDefault: { run: `${STATE_DIR}/plan.json beside the topology; the last plan goes to plan-after.json` },
  },
  cell: { value: 'JSON', commands: CELL, description: 'build, verify: one matrix cell as JSON (pass toJSON(matrix)).' },
  dryRun: {
    commands: [...RESULTS, 'run'],
    description: 'Change nothing; report exactly what would change (build writes and validates the template only).',
  },
  results: {
    value: 'DIR',
    commands: [...RESULTS, 'run', 'status'],
    default: 'image-builder-results',
    commandDefault: beside('results'),
    description: 'Folder where build and verify write one JSON result per image, and distribute and lifecycle read them.',
  },
  delete: {
    commands: ['lifecycle', 'run'],
    description: 'lifecycle: really delete retired and surplus images. Without it lifecycle only reports what it would delete.',
  },
  concurrency: {
    value: 'N',
    commands: [...FLEET, 'run', 'status'],
    description: 'Cloud API calls in flight at once (inventory, copies).',
    default: '8',
  },
  gcpAccessToken: {
    value: 'TOKEN',
    commands: EVERY,
    description: 'A ready GCP access token (e.g. the access_token output of google-github-actions/auth). Masked.',
  },
  azureCloud: { value: 'NAME', commands: EVERY, description: 'Azure cloud: AzureCloud, AzureChinaCloud or AzureUSGovernment.' },
  token: {
    value: 'TOKEN',
    commands: [...CELL, 'run'],
    description: 'GitHub token for `packer init` plugin downloads (rate limits). Masked.',
  },
  summary: { commands: [...FLEET, 'run'], description: 'Write the job summary.', default: 'true' },
  buildTimeout: {
    value: 'MIN',
    commands: [...CELL, 'run'],
    default: '120',
    description: 'build, verify: minutes one Packer run may take before it is interrupted (Packer then tears its machine down).',
  },
  workDir: {
    value: 'DIR',
    commands: [...CELL, 'run'],
    default: 'image-builder-work',
    commandDefault: { run: `${STATE_DIR}/work beside the topology` },
    description: 'build, verify: folder for the Packer template, variables file, logs and output of each image.',
  },
  copyLimit: {
    value: 'N',
    commands: ['distribute', 'run'],
    description: 'distribute: copies in flight at once into one destination region.',
    default: '5',
  },
  copyTimeout: {
    value: 'MIN',
    commands: ['distribute', 'run'],
    description:
      'distribute: minutes to wait for one copy; a copy still pending then goes on in the cloud, and the next distribute waits for it.',
    default: '120',
  },
};

/** Flags of the CLI alone, parsed with the inputs' flags. */
export const CLI_FLAGS: Readonly<Record<string, FlagSpec>> = {
  json: { commands: [...ALL, 'status'], description: "Print the command's result as JSON instead of tables." },
  parallel: {
    value: 'N',
    commands: ['run'],
    description: 'run: images built and verified at once (1-16).',
    default: '1 when images build on this host with QEMU, which needs the CPU; else 4',
  },
  report: {
    value: 'FILE',
    commands: ['run'],
    description:
      'run: write a JSON report of the run for monitoring: per image its stages, durations, verdict and ids (docs/run-report.md).',
  },
};

/** Flags answered before any parsing: the short form, then the long one. */
export const HELP_FLAGS = ['-h', '--help'] as const;
export const VERSION_FLAGS = ['-v', '--version'] as const;

/** Every flag the parser takes (without the leading --), inputs first. */
export function parsedFlags(): Array<[name: string, spec: FlagSpec]> {
  const inputs = (Object.keys(INPUT_FLAGS) as Array<keyof typeof InputNames>).map((k): [string, FlagSpec] => [
    InputNames[k],
    INPUT_FLAGS[k],
  ]);
  return [...inputs, ...Object.entries(CLI_FLAGS)];
}
