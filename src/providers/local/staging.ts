/**
 * The base image's staging folder for the length of one build: the commands
 * that run in it (remembered, so a signal can stop them), its removal
 * (mounts.ts: unmount first, never leave the file system), and the signals
 * of a cancelled job. GitHub's runner cancels a step with SIGINT, then
 * SIGTERM; while the build runs, either one stops the running command,
 * removes the folder, then raises the same signal again with these handlers
 * gone, so the process ends as it would have.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { removeStaging, type MountDeps } from './mounts.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Where signals come from (process, or a stand-in in tests). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface StagingDeps extends MountDeps {
  signals?: SignalSource;
  /** Raises the signal again once cleaned up (default: at this process). */
  raise?: (signal: NodeJS.Signals) => void;
  /** How long a stopped command may take to exit before SIGKILL (default 10 s). */
  graceMs?: number;
  /**
   * Empties a folder before its removal, with rights its files need: a
   * rootless build's tree belongs to subordinate ids (rootless.ts).
   */
  clear?: (dir: string) => Promise<void>;
}

/** Removes a folder of the build: cleared first when `clear` is given, then as mounts.ts removes. */
export async function removeTree(dir: string, deps: StagingDeps): Promise<void> {
  await deps.clear?.(dir);
  await removeStaging(dir, deps);
}

export interface RunOutput {
  code: number;
  /** The last lines of its output. */
  tail: string[];
}

/** Signals the child's process group (it leads one), or the child alone when that fails. */
function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) return void process.kill(-child.pid, signal);
  } catch {
    // the group is gone or not ours: the child alone
  }
  child.kill(signal);
}

export class Staging {
  private readonly children = new Set<ChildProcess>();
  private removing?: Promise<void>;
  private cancelled?: NodeJS.Signals;

  constructor(
    readonly dir: string,
    private readonly deps: StagingDeps = {},
  ) {}

  /** Runs a command (argv, no shell), with `input` on its stdin; its lines go to onLine. */
  run(command: string, args: string[], options: { input?: string; onLine?: (line: string) => void } = {}): Promise<RunOutput> {
    if (this.cancelled) return Promise.reject(new Error(`${command} not started: the build was cancelled (${this.cancelled})`));
    const tail: string[] = [];
    return new Promise((resolve, reject) => {
      // Its own process group: a stop reaches what it started too (debootstrap runs dpkg, chroot, wget...).
      const child = spawn(command, args, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], detached: true });
      this.children.add(child);
      const lines = (partial: { text: string }) => (chunk: Buffer) => {
        const all = (partial.text + chunk.toString('utf8')).split('\n');
        partial.text = all.pop() ?? '';
        for (const line of all) {
          tail.push(line);
          if (tail.length > 40) tail.shift();
          options.onLine?.(line);
        }
      };
      child.stdout?.on('data', lines({ text: '' }));
      child.stderr?.on('data', lines({ text: '' }));
      child.on('error', (error) => {
        this.children.delete(child);
        reject(new Error(`could not run ${command}: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        this.children.delete(child);
        resolve({ code: code ?? (signal ? 128 : 1), tail });
      });
      child.stdin?.end(options.input);
    });
  }

  /** Stops the running commands and what they started: `signal`, then SIGKILL after the grace period. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    await Promise.all(
      [...this.children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const killer = setTimeout(() => kill(child, 'SIGKILL'), this.deps.graceMs ?? 10_000);
            child.once('close', () => {
              clearTimeout(killer);
              resolve();
            });
            kill(child, signal);
          }),
      ),
    );
  }

  /** Clears, unmounts and deletes the folder; callers meanwhile share the removal under way. */
  remove(): Promise<void> {
    this.removing ??= removeTree(this.dir, this.deps).finally(() => {
      this.removing = undefined;
    });
    return this.removing;
  }

  /** Until the answered function is called, SIGINT and SIGTERM stop, remove and re-raise. */
  guard(): () => void {
    const signals = this.deps.signals ?? process;
    const raise = this.deps.raise ?? ((signal: NodeJS.Signals) => process.kill(process.pid, signal));
    const release = () => SIGNALS.forEach((s) => signals.off(s, onSignal));
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal while cleaning up (SIGTERM after SIGINT) changes nothing: the cleanup goes on.
      if (this.cancelled) return;
      this.cancelled = signal;
      this.deps.log?.(`${signal}: stopping and removing ${this.dir}`);
      void this.stop(signal)
        .then(() => this.remove())
        .catch((error: unknown) => this.deps.log?.(`could not clean up ${this.dir}: ${(error as Error).message}`))
        .finally(() => {
          release();
          raise(signal);
        });
    };
    SIGNALS.forEach((s) => signals.on(s, onSignal));
    // Once a signal came, the handlers stay until its cleanup is done and it is raised again.
    return () => {
      if (!this.cancelled) release();
    };
  }
}
