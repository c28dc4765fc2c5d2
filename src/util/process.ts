/**
 * Runs a tool (Packer, qemu-img, debootstrap). Arguments are arrays, never a
 * shell line. A run that outlives its time limit is interrupted (SIGINT: Packer
 * tears its machine down), then killed if it does not stop within the grace
 * period. Lines stream to `onLine`; the last ones are kept for the error.
 *
 * Our own runner rather than @actions/exec: that library gives no handle on
 * the child process, so it cannot interrupt a run at its time limit.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** How long an interrupted run (Packer tearing its machine down) may take before SIGKILL. */
  graceMs?: number;
  onLine?: (line: string) => void;
  /** Lines kept for the error message (default 40). */
  tail?: number;
}

export interface RunResult {
  code: number;
  timedOut: boolean;
  tail: string[];
}

/** The tools running now (`image-builder run` forwards an interrupt to them). */
const running = new Set<ChildProcess>();
/** Those of them that lead a process group of their own. */
const groupLeaders = new WeakSet<ChildProcess>();
let ownGroups = false;

/**
 * From now on, start each tool in a process group of its own, so a
 * terminal's Ctrl-C reaches this process alone and interruptRunning() is
 * what the tools get: one SIGINT each, to the tool and what it started
 * (Packer, its plugins and QEMU), as a Ctrl-C in a terminal would.
 */
export function useOwnProcessGroups(on: boolean): void {
  ownGroups = on;
}

/** Sends `signal` to every running tool (its process group, when it leads one); returns how many. */
export function interruptRunning(signal: NodeJS.Signals = 'SIGINT'): number {
  for (const child of running) {
    try {
      if (child.pid !== undefined && groupLeaders.has(child)) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // the group is gone already: the tool alone
      child.kill(signal);
    }
  }
  return running.size;
}

export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const keep = options.tail ?? 40;
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    const detached = ownGroups;
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached });
    running.add(child);
    if (detached) groupLeaders.add(child);
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGINT');
          killer = setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? 300_000);
        }, options.timeoutMs)
      : undefined;
    const onData = (buffer: { partial: string }) => (chunk: Buffer) => {
      const text = buffer.partial + chunk.toString('utf8');
      const lines = text.split('\n');
      buffer.partial = lines.pop() ?? '';
      for (const line of lines) emit(line);
    };
    const emit = (line: string) => {
      tail.push(line);
      if (tail.length > keep) tail.shift();
      options.onLine?.(line);
    };
    const out = { partial: '' };
    const err = { partial: '' };
    child.stdout.on('data', onData(out));
    child.stderr.on('data', onData(err));
    child.on('error', (error) => {
      running.delete(child);
      clearTimeout(timer);
      clearTimeout(killer);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      clearTimeout(killer);
      for (const rest of [out.partial, err.partial]) if (rest) emit(rest);
      resolve({ code: code ?? (signal ? 128 : 1), timedOut, tail });
    });
  });
}
