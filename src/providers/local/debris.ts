/**
 * What a killed run leaves in the local store: `<region>/.staging-<name>-<pid>-<ts>/`
 * (a half copy from add or copy) and `<region>/.removing-<name>-<pid>-<ts>/`
 * (an image remove had renamed away but not yet deleted). Both are hidden, so
 * nobody sees them until the disk fills; the next mutating run collects them,
 * under the store lock.
 *
 * A folder is debris to remove when its owner is gone: the pid in its name is
 * not alive and nothing in it changed for a minute (a pid from another pid
 * namespace looks dead, but its copy still writes), or it is older than a
 * day whatever its pid says (pids are reused). Removal never follows a
 * symbolic link and never crosses into another file system: the folder must be
 * a real directory (lstat) directly in the region folder, and every directory
 * below it on the region folder's device, or it is left alone and reported.
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';

const DEBRIS = /^\.(staging|removing)-(.+)$/;
/** The highest pid Linux hands out (PID_MAX_LIMIT, 2^22). */
const PID_MAX = 4_194_304;
export const DEBRIS_MAX_AGE_MS = 24 * 3600_000;
export const DEBRIS_QUIET_MS = 60_000;

export interface DebrisOptions {
  log: (message: string) => void;
  now?: number;
  maxAgeMs?: number;
  quietMs?: number;
}

export interface Collected {
  removed: { path: string; bytes: number }[];
  /** Debris left in place, with the reason (owner alive, a mount point inside…). */
  kept: { path: string; reason: string }[];
}

/** The pid in a debris folder's name (`…-<pid>-<ms>`), when it has one that can be a pid. */
export function debrisOwner(name: string): number | undefined {
  const m = /-(\d+)-(\d{10,})$/.exec(name);
  if (!m) return undefined;
  const pid = Number(m[1]);
  return Number.isInteger(pid) && pid >= 1 && pid <= PID_MAX ? pid : undefined;
}

/** Is process `pid` alive on this machine? (EPERM: alive, another user's.) */
export function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid < 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the debris of dead runs in every region folder of the store at `root`. */
export async function collectDebris(root: string, options: DebrisOptions): Promise<Collected> {
  const out: Collected = { removed: [], kept: [] };
  let regions: string[];
  try {
    regions = (await fs.readdir(root, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw error;
  }
  for (const region of regions.sort()) {
    const regionDir = path.join(root, region);
    const regionStat = await fs.lstat(regionDir);
    for (const name of (await fs.readdir(regionDir)).filter((n) => DEBRIS.test(n)).sort()) {
      const folder = path.join(regionDir, name);
      try {
        const verdict = await judge(folder, name, regionStat, options);
        if ('keep' in verdict) {
          out.kept.push({ path: folder, reason: verdict.keep });
          if (verdict.report) options.log(`local store: left ${folder} in place: ${verdict.keep}`);
          continue;
        }
        await fs.rm(folder, { recursive: true, force: true });
        out.removed.push({ path: folder, bytes: verdict.bytes });
        options.log(`local store: removed ${folder} (${size(verdict.bytes)}), left by ${verdict.why}`);
      } catch (error) {
        // Gone meanwhile, or unreadable: the next run looks again.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        out.kept.push({ path: folder, reason: (error as Error).message });
        options.log(`local store: could not clean up ${folder}: ${(error as Error).message}`);
      }
    }
  }
  return out;
}

type Verdict = { keep: string; report: boolean } | { bytes: number; why: string };

async function judge(folder: string, name: string, region: Stats, options: DebrisOptions): Promise<Verdict> {
  const stat = await fs.lstat(folder);
  if (stat.isSymbolicLink() || !stat.isDirectory()) return { keep: 'not a real folder (a link or a file): not followed', report: true };
  if (stat.dev !== region.dev) return { keep: 'on another file system than its region folder', report: true };
  const walked = await walk(folder, region.dev);
  if ('mount' in walked) return { keep: `${walked.mount} is on another file system: not removed`, report: true };
  const now = options.now ?? Date.now();
  const age = now - Math.max(stat.mtimeMs, walked.newest);
  const pid = debrisOwner(name);
  if (age > (options.maxAgeMs ?? DEBRIS_MAX_AGE_MS))
    return { bytes: walked.bytes, why: `a run that ended more than ${hours(options.maxAgeMs)} ago` };
  if (pid === undefined) return { keep: 'no owner in its name and younger than a day', report: false };
  if (alive(pid)) return { keep: `process ${pid} that made it is still running`, report: false };
  if (age < (options.quietMs ?? DEBRIS_QUIET_MS))
    return { keep: `written to less than a minute ago (process ${pid} looks gone)`, report: false };
  return { bytes: walked.bytes, why: `process ${pid}, which is gone` };
}

/** Bytes and newest change time below `folder`, or the first directory on another device. */
async function walk(folder: string, dev: number): Promise<{ bytes: number; newest: number } | { mount: string }> {
  let bytes = 0;
  let newest = 0;
  const pending = [folder];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const entry of await fs.readdir(dir)) {
      const p = path.join(dir, entry);
      const s = await fs.lstat(p);
      if (s.dev !== dev) return { mount: p };
      newest = Math.max(newest, s.mtimeMs);
      if (s.isDirectory()) pending.push(p);
      else if (s.isFile()) bytes += s.size;
    }
  }
  return { bytes, newest };
}

const hours = (ms = DEBRIS_MAX_AGE_MS) => (ms >= 3600_000 ? `${Math.round(ms / 3600_000)} h` : `${Math.round(ms / 1000)} s`);

function size(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u += 1;
  }
  return u === 0 ? `${n} bytes` : `${n.toFixed(1)} ${units[u]}`;
}
