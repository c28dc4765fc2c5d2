/**
 * All inputs, parsed once into a typed object. The action reads them with
 * core.getInput; the CLI from its flags; both through the same parser.
 */
import { COMMANDS, InputNames, type Command } from './constants.js';

export interface Inputs {
  command: Command;
  topology: string;
  offline: boolean;
  clouds: string[];
  images: string[];
  force: boolean;
  maxCells: number;
  chunk?: number;
  planFile: string;
  cell?: string;
  dryRun: boolean;
  results: string;
  delete: boolean;
  concurrency: number;
  gcpAccessToken?: string;
  azureCloud?: string;
  token?: string;
  summary: boolean;
  /** Minutes one Packer build may run before it is interrupted and torn down. */
  buildTimeoutMinutes: number;
  /** Where build and verify write templates, logs and Packer output. */
  workDir: string;
  /** distribute: copies in flight at once into one destination region. */
  copyLimit: number;
  /** distribute: minutes to wait for one copy before giving up on it (it goes on in the cloud). */
  copyTimeoutMinutes: number;
}

/** Returns the raw value of an input, '' when unset. */
export type InputSource = (name: string) => string;

export function parseInputs(get: InputSource): Inputs {
  const command = (get(InputNames.command) || 'plan').trim() as Command;
  if (!COMMANDS.includes(command)) {
    throw new Error(`input "command" is "${command}": write one of ${COMMANDS.join(', ')}`);
  }
  const chunk = get(InputNames.chunk).trim();
  return {
    command,
    topology: get(InputNames.topology).trim() || 'topology.yml',
    offline: bool(get, InputNames.offline, false),
    clouds: list(get(InputNames.clouds)),
    images: list(get(InputNames.images)),
    force: bool(get, InputNames.force, false),
    maxCells: int(get, InputNames.maxCells, 256, 1, 256),
    chunk: chunk === '' ? undefined : int(get, InputNames.chunk, 0, 0, 10_000),
    planFile: get(InputNames.planFile).trim() || 'image-builder-plan.json',
    cell: get(InputNames.cell).trim() || undefined,
    dryRun: bool(get, InputNames.dryRun, false),
    results: get(InputNames.results).trim() || 'image-builder-results',
    delete: bool(get, InputNames.delete, false),
    concurrency: int(get, InputNames.concurrency, 8, 1, 64),
    gcpAccessToken: get(InputNames.gcpAccessToken).trim() || undefined,
    azureCloud: get(InputNames.azureCloud).trim() || undefined,
    token: get(InputNames.token).trim() || undefined,
    summary: bool(get, InputNames.summary, true),
    buildTimeoutMinutes: int(get, InputNames.buildTimeout, 120, 1, 24 * 60),
    workDir: get(InputNames.workDir).trim() || 'image-builder-work',
    copyLimit: int(get, InputNames.copyLimit, 5, 1, 100),
    copyTimeoutMinutes: int(get, InputNames.copyTimeout, 120, 1, 24 * 60),
  };
}

function list(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function bool(get: InputSource, name: string, fallback: boolean): boolean {
  const raw = get(name).trim().toLowerCase();
  if (raw === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(raw)) return true;
  if (['false', 'no', '0', 'off'].includes(raw)) return false;
  throw new Error(`input "${name}" is "${raw}": write true or false`);
}

function int(get: InputSource, name: string, fallback: number, min: number, max: number): number {
  const raw = get(name).trim();
  if (raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`input "${name}" is "${raw}": write a whole number from ${min} to ${max}`);
  }
  return value;
}
