/**
 * Who uses a local image folder. Any of these counts:
 * - a marker file in `<folder>/in-use/` (a VM manager, a test);
 * - a process with an open file in the folder, whatever path it opened it by
 *   (`/proc/<pid>/fd/*`: the kernel's link names the file by its real path);
 * - a process whose working folder is in the folder;
 * - a process whose command line names a file in the folder, absolute or
 *   relative to its working folder (`/proc/<pid>/cwd`);
 * - a process whose command line names a qcow2 whose backing chain reaches a
 *   file in the folder (a QEMU booting an overlay of the image, as verify
 *   does): the chain comes from `qemu-img info --backing-chain`, its relative
 *   paths resolved against the folder of the file that names them.
 * Another user's /proc entries that cannot be read are skipped. When the
 * check itself cannot be made (no /proc, qemu-img failing on a named qcow2)
 * it throws: the caller then keeps the image.
 *
 * One scanner serves every check of this process. What it read of a process
 * is reused for a second (a run checks its candidates back to back); a
 * process it has not seen yet (a new start time, or a new command line after
 * exec) is always read; checks less than 25 ms apart take the processes they
 * share as the first saw them. A backing chain is reused for a few seconds
 * (an overlay is written all the time, its backing file changes only by
 * `qemu-img rebase`). Markers are read afresh by every check.
 */
import { closeSync, existsSync, openSync, promises as fs, readSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
/** Checks closer together than this reuse the processes already seen without looking at them again. */
const BURST_MS = 25;
const PATH_MAX = 4096;
const QCOW2_MAGIC = Buffer.from([0x51, 0x46, 0x49, 0xfb]);
/**
 * A process that ended while we looked, another user's entry, or an argument
 * that is no path: nothing to learn from it. Any other error fails the check.
 */
const GONE = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM', 'ENOTDIR', 'EINVAL', 'ENAMETOOLONG', 'ELOOP']);

/** What one process shows of the files it uses. */
interface ProcessView {
  /** When it was read (ms). */
  at: number;
  /** Its start time (/proc/<pid>/stat) and command line: a pid used again, or a process that exec'd another program, is read again. */
  key: string;
  cwd?: string;
  /** Targets of its open file descriptors (the kernel's real paths). */
  fds: string[];
  args: string[];
  /** Files its arguments name that exist: as resolved against its working folder, and their real paths. */
  files: string[];
  /** Those files that are qcow2 images: their backing chains may reach an image. */
  overlays: string[];
}

export interface ScannerOptions {
  /** How long what was read of a process is reused (default 1 s). */
  reuseMs?: number;
  /** How long a backing chain is reused (default 5 s). */
  chainMs?: number;
}

export class UsageScanner {
  private table = new Map<string, ProcessView>();
  /** When the processes seen were last checked to still be the same (start time, command line). */
  private checkedAt = 0;
  private readonly chains = new Map<string, { at: number; files: Promise<string[]> }>();

  constructor(private readonly options: ScannerOptions = {}) {}

  /** References to what uses the folder `dir` (marker:…, process:…); empty when nothing does. */
  async usersOf(dir: string): Promise<string[]> {
    const references: string[] = [];
    try {
      for (const user of await fs.readdir(path.join(dir, 'in-use'))) references.push(`marker:${user}`);
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
    }
    const real = await fs.realpath(dir);
    const named = [real + path.sep, path.resolve(dir) + path.sep];
    const inside = (p: string) => p === real || p.startsWith(real + path.sep);
    for (const [pid, view] of this.processes()) {
      if (view.cwd !== undefined && inside(view.cwd)) references.push(`process:${pid} (working folder)`);
      else if (view.fds.some(inside) || view.files.some(inside)) references.push(`process:${pid}`);
      else if (view.args.some((arg) => named.some((n) => arg.includes(n)))) references.push(`process:${pid}`);
      else {
        for (const overlay of view.overlays) {
          if ((await this.chain(overlay)).some(inside)) {
            references.push(`process:${pid} (through ${overlay})`);
            break;
          }
        }
      }
    }
    return references;
  }

  /** Every process, by pid (ascending): reread unless the same process was read less than `reuseMs` ago. */
  private processes(): Map<string, ProcessView> {
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch (error) {
      throw new Error(`cannot list processes (/proc: ${(error as Error).message}), so whether the image is in use is unknown`, {
        cause: error,
      });
    }
    const now = Date.now();
    const reuse = this.options.reuseMs ?? 1_000;
    // Checks a few milliseconds apart (one run's candidates) take the processes already seen as they were.
    const burst = now - this.checkedAt < BURST_MS;
    if (!burst) this.checkedAt = now;
    const next = new Map<string, ProcessView>();
    for (const pid of pids.sort((a, b) => Number(a) - Number(b))) {
      const seen = this.table.get(pid);
      if (burst && seen && pid !== String(process.pid)) {
        next.set(pid, seen);
        continue;
      }
      const started = startTime(pid);
      const cmdline = quietly(() => readProcFile(`/proc/${pid}/cmdline`), undefined);
      if (started === undefined || cmdline === undefined) continue; // ended meanwhile
      const key = `${started} ${cmdline}`;
      const known = seen;
      // This process is read afresh every time: it opens and closes image files itself (metadata, copies).
      const fresh = known && known.key === key && now - known.at <= reuse && pid !== String(process.pid);
      const view = fresh ? known : readProcess(pid, now, key, cmdline);
      next.set(pid, view);
    }
    this.table = next;
    return next;
  }

  private chain(overlay: string): Promise<string[]> {
    const now = Date.now();
    const hit = this.chains.get(overlay);
    if (hit && now - hit.at < (this.options.chainMs ?? 5_000)) return hit.files;
    const files = backingChain(overlay);
    this.chains.set(overlay, { at: now, files });
    files.catch(() => this.chains.delete(overlay));
    return files;
  }
}

/**
 * What process `pid` (its command line read already) shows in /proc.
 * Synchronous: a few hundred reads of /proc take milliseconds this way, far
 * longer through the thread pool.
 */
function readProcess(pid: string, at: number, key: string, cmdline: string): ProcessView {
  const proc = `/proc/${pid}`;
  const args = cmdline.split('\0').filter(Boolean);
  const cwd = quietly(() => readlinkSync(`${proc}/cwd`), undefined);
  const fds = quietly(() => readdirSync(`${proc}/fd`), [] as string[])
    .map((fd) => quietly(() => readlinkSync(`${proc}/fd/${fd}`), ''))
    .filter((target) => target.startsWith('/'));
  const files: string[] = [];
  const overlays: string[] = [];
  for (const candidate of new Set(args.flatMap(pathsIn))) {
    if (!path.isAbsolute(candidate) && cwd === undefined) continue;
    const resolved = path.resolve(cwd ?? '/', candidate);
    // Most arguments name nothing: one access() is far cheaper than realpath's walk.
    if (!existsSync(resolved)) continue;
    const file = quietly(() => realpathSync.native(resolved), resolved);
    files.push(resolved, file);
    if (isQcow2(file) && !overlays.includes(file)) overlays.push(file);
  }
  return { at, key, cwd, fds, args, files, overlays };
}

/** The start time of process `pid` (field 22 of /proc/<pid>/stat, after the parenthesised name); undefined once it has ended. */
function startTime(pid: string): string | undefined {
  const stat = quietly(() => readProcFile(`/proc/${pid}/stat`), undefined);
  if (stat === undefined) return undefined;
  let at = stat.lastIndexOf(')') + 2; // field 3
  for (let field = 3; field < 22 && at > 0; field++) at = stat.indexOf(' ', at) + 1;
  return at > 0 ? stat.slice(at, stat.indexOf(' ', at)) : undefined;
}

/** One buffer for every small /proc file read: readFileSync allocates 64 KiB for each file of unknown size. */
const scratch = Buffer.alloc(64 * 1024);

/** A /proc file's text (cut at 64 KiB: enough for every path a command line can name). */
function readProcFile(file: string): string {
  const fd = openSync(file, 'r');
  try {
    let length = 0;
    for (let n = 1; n > 0 && length < scratch.length; length += n) n = readSync(fd, scratch, length, scratch.length - length, null);
    return scratch.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Path-like parts of one argument: the argument, and the values of `key=value,…` lists (QEMU's `-drive file=…,if=…`). */
function pathsIn(arg: string): string[] {
  // No path is longer than PATH_MAX (4096): a longer argument (a JSON document) is only searched for the folder's path.
  if (arg.length > PATH_MAX) return [];
  const out = new Set<string>([arg]);
  for (const part of arg.split(',')) {
    const eq = part.indexOf('=');
    out.add(eq >= 0 ? part.slice(eq + 1) : part);
  }
  // A path has a folder or an extension: "-m", "1536", "virtio" are not looked up.
  return [...out].filter((p) => p.length > 0 && !p.startsWith('-') && /[/.]/.test(p));
}

function isQcow2(file: string): boolean {
  let fd: number | undefined;
  try {
    if (!statSync(file).isFile()) return false;
    fd = openSync(file, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.equals(QCOW2_MAGIC);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Every file of `overlay`'s backing chain (real paths where they exist),
 * overlay first. A file that stops being a qcow2 while it is read (removed,
 * rewritten) names nothing any more; one that qemu-img cannot read three
 * times (a second apart at most) fails the check.
 */
export async function backingChain(overlay: string): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readChain(overlay);
    } catch (error) {
      if (!isQcow2(overlay)) return [];
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/** One `qemu-img info` run (execFile, not util/process's runProcess: the JSON on stdout must come apart from warnings on stderr). */
async function readChain(overlay: string): Promise<string[]> {
  let stdout: string;
  try {
    // -U: a running QEMU holds a write lock on its overlay; reading the header needs none.
    ({ stdout } = await execFileAsync('qemu-img', ['info', '-U', '--backing-chain', '--output=json', overlay], {
      timeout: 30_000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const said = String((error as { stderr?: string }).stderr ?? (error as Error).message)
      .trim()
      .split('\n')
      .slice(-2)
      .join(' ');
    throw new Error(`qemu-img could not read the backing chain of ${overlay} (a process names it): ${said}`, { cause: error });
  }
  let entries: Array<Record<string, unknown>>;
  try {
    entries = JSON.parse(stdout) as Array<Record<string, unknown>>;
  } catch (error) {
    throw new Error(`qemu-img printed no readable backing chain for ${overlay}`, { cause: error });
  }
  const files: string[] = [];
  // Each name in an entry is relative to the folder of the file that names it.
  let namedFrom = path.dirname(overlay);
  for (const entry of Array.isArray(entries) ? entries : []) {
    const own = typeof entry.filename === 'string' ? path.resolve(namedFrom, entry.filename) : undefined;
    const here = own ? path.dirname(own) : namedFrom;
    const names = [own, entry['full-backing-filename'], entry['backing-filename']].filter((n): n is string => typeof n === 'string');
    for (const name of names) {
      const resolved = path.resolve(here, name);
      files.push(quietly(() => realpathSync.native(resolved), resolved));
    }
    namedFrom = here;
  }
  return files;
}

/** `fn`'s answer, or `fallback` when the thing looked at is gone or not ours to read. */
function quietly<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (error) {
    if (GONE.has(code(error) ?? '')) return fallback;
    throw error;
  }
}

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException)?.code;
