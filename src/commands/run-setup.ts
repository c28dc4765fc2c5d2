/**
 * What a run settles before it builds: the tools it needs (all named in one
 * message when missing), QEMU's accelerator when images are built on this
 * host (said once, with what software emulation costs), and the history of
 * stage times that the live lines' estimates come from.
 */
import { accessSync, constants, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { kvmUsable } from '../providers/local/build.js';
import { resultFile, type BuildResult } from './results.js';

/** Whether `tool` is an executable on PATH. */
export function onPath(tool: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir || '.', tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The Debian package of each tool a run may need. */
const PACKAGES: Record<string, string> = {
  packer: 'packer',
  'ansible-playbook': 'ansible-core',
  'qemu-img': 'qemu-utils',
  'qemu-system-x86_64': 'qemu-system-x86',
};

/** The tools missing for these builds and verifications: Packer and Ansible always, QEMU for images built on this host. */
export function missingTools(onHost: boolean, has: (tool: string) => boolean = (t) => onPath(t)): string | undefined {
  const needed = ['packer', 'ansible-playbook', ...(onHost ? ['qemu-img', 'qemu-system-x86_64'] : [])];
  const missing = needed.filter((t) => !has(t));
  if (missing.length === 0) return undefined;
  return (
    `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed, and the builds need ${missing.length === 1 ? 'it' : 'them'}: ` +
    `on Debian or Ubuntu, sudo apt-get install ${missing.map((t) => PACKAGES[t]).join(' ')} ` +
    '(from a clone of image-builder: sudo bash scripts/setup.sh --system), then run again'
  );
}

export interface Accelerator {
  name: string;
  /** Said once before the first build, when QEMU emulates the CPU in software. */
  notice?: string;
}

/** QEMU's accelerator as the local provider picks it (providers/local/build.ts), and what TCG costs. */
export function accelerator(env: NodeJS.ProcessEnv = process.env, cpuinfo = readCpuinfo()): Accelerator {
  const chosen = env.IMAGE_BUILDER_ACCELERATOR;
  const name = chosen ?? (kvmUsable() ? 'kvm' : 'tcg');
  if (name !== 'tcg') return { name };
  const why = chosen
    ? 'IMAGE_BUILDER_ACCELERATOR=tcg chooses it'
    : /\b(vmx|svm)\b/.test(cpuinfo)
      ? '/dev/kvm cannot be opened: load the kvm module, or add this user to the kvm group'
      : 'the CPU offers no virtualisation (no vmx or svm in /proc/cpuinfo; a virtual machine without nested virtualisation?)';
  return {
    name,
    notice:
      `QEMU has no KVM here (${why}), so images built on this host run under TCG, software emulation, ` +
      'several times slower: on 2 cores a build took 9 to 17 minutes and a verification about 2 minutes.',
  };
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

/** Seconds each stage took in the last run of each image line (cloud|recipe|os), kept in the work folder. */
export class StageHistory {
  private lines: Record<string, Record<string, number>> = {};

  constructor(readonly file: string) {}

  static async load(file: string): Promise<StageHistory> {
    const history = new StageHistory(file);
    try {
      const data = JSON.parse(await fs.readFile(file, 'utf8')) as { version?: number; lines?: unknown };
      if (data.version === 1 && data.lines && typeof data.lines === 'object') history.lines = data.lines as typeof history.lines;
    } catch {
      // none yet, or unreadable: no estimates this time
    }
    return history;
  }

  seconds(line: string, stage: string): number | undefined {
    const value = this.lines[line]?.[stage];
    return typeof value === 'number' && value > 0 ? value : undefined;
  }

  async record(line: string, stage: string, seconds: number): Promise<void> {
    this.lines[line] = { ...this.lines[line], [stage]: seconds };
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    await fs.writeFile(tmp, JSON.stringify({ version: 1, lines: this.lines }, null, 2) + '\n');
    await fs.rename(tmp, this.file);
  }
}

/**
 * Build results of fingerprints the topology no longer has (a recipe or
 * playbook changed since) are moved beside the results folder, to
 * `<results>-replaced/`: the images they name are no longer wanted, and
 * distribute would warn about each on every later run. Returns how many.
 */
export async function setAsideReplaced(resultsDir: string, current: ReadonlySet<string>, results: BuildResult[]): Promise<number> {
  const replaced = results.filter((r) => !current.has(`${r.cloud}|${r.fingerprint}`));
  if (replaced.length === 0) return 0;
  const aside = `${resultsDir.replace(/[\\/]+$/, '')}-replaced`;
  await fs.mkdir(aside, { recursive: true });
  for (const r of replaced) {
    const file = resultFile(resultsDir, r);
    await fs.rename(file, resultFile(aside, r)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  return replaced.length;
}
