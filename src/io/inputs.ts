/**
 * All inputs, parsed once into a typed object. The action reads them with
 * core.getInput; the CLI from its flags; both through the same parser.
 */
import { COMMANDS, Inputs as I, type Command } from './constants.js';

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
}

/** Returns the raw value of an input, '' when unset. */
export type InputSource = (name: string) => string;

export function parseInputs(get: InputSource): Inputs {
  const command = (get(I.command) || 'plan').trim() as Command;
  if (!COMMANDS.includes(command)) {
    throw new Error(`input "command" is "${command}": write one of ${COMMANDS.join(', ')}`);
  }
  const chunk = get(I.chunk).trim();
  return {
    command,
    topology: get(I.topology).trim() || 'topology.yml',
    offline: bool(get, I.offline, false),
    clouds: list(get(I.clouds)),
    images: list(get(I.images)),
    force: bool(get, I.force, false),
    maxCells: int(get, I.maxCells, 256, 1, 256),
    chunk: chunk === '' ? undefined : int(get, I.chunk, 0, 0, 10_000),
    planFile: get(I.planFile).trim() || 'image-builder-plan.json',
    cell: get(I.cell).trim() || undefined,
    dryRun: bool(get, I.dryRun, false),
    results: get(I.results).trim() || 'image-builder-results',
    delete: bool(get, I.delete, false),
    concurrency: int(get, I.concurrency, 8, 1, 64),
    gcpAccessToken: get(I.gcpAccessToken).trim() || undefined,
    azureCloud: get(I.azureCloud).trim() || undefined,
    token: get(I.token).trim() || undefined,
    summary: bool(get, I.summary, true),
    buildTimeoutMinutes: int(get, I.buildTimeout, 120, 1, 24 * 60),
    workDir: get(I.workDir).trim() || 'image-builder-work',
    copyLimit: int(get, I.copyLimit, 5, 1, 100),
  };
}

function list(raw: string): string[] {
  return raw.split(/[,\n]/).map((s) => s.trim()).filter((s) => s.length > 0);
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
