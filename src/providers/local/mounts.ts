/**
 * Removing a folder that may hold mounts: the base image build runs
 * debootstrap and chroot in a staging folder, and debootstrap stopped midway
 * leaves /proc (and more) mounted inside it. Removing such a folder blindly
 * walks into /proc of the host, or into a bind mount of anything.
 *
 * So: unmount whatever is mounted below the folder (read from
 * /proc/self/mountinfo, deepest first, `umount`, then `umount -l` when that
 * fails; only root may), refuse to remove while anything is still mounted
 * there, and even then never descend into a directory of another file system
 * (its st_dev differs from the folder's).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../util/process.js';

export interface Mount {
  /** Mount ID, field 1 of mountinfo: later mounts have higher positions in the file, not always higher ids. */
  id: number;
  /** The mount point, unescaped. */
  mountPoint: string;
  fsType: string;
}

/** Undoes mountinfo's octal escapes (space \040, tab \011, newline \012, backslash \134). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * Parses /proc/self/mountinfo (proc_pid_mountinfo(5)): per line, mount ID,
 * parent ID, major:minor, root, mount point, options, optional fields ended
 * by a lone `-`, then file-system type, source and super options. Lines that
 * do not fit are skipped.
 */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const separator = fields.indexOf('-', 6);
    if (fields.length < 10 || separator < 0 || !/^\d+$/.test(fields[0])) continue;
    mounts.push({ id: Number(fields[0]), mountPoint: unescape(fields[4]), fsType: fields[separator + 1] ?? '' });
  }
  return mounts;
}

/** Is `target` the folder `dir` or inside it? Both absolute, normalized. */
export function within(target: string, dir: string): boolean {
  const root = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  return target === root || target.startsWith(`${root}/`);
}

/**
 * The mount points at or below `dir`, in the order to unmount them: deepest
 * first; of mounts stacked on one point, the later (upper) one first.
 */
export function unmountOrder(mounts: Mount[], dir: string): string[] {
  const depth = (p: string) => p.split('/').filter(Boolean).length;
  return mounts
    .map((m, position) => ({ ...m, position }))
    .filter((m) => within(m.mountPoint, dir))
    .sort((a, b) => depth(b.mountPoint) - depth(a.mountPoint) || b.position - a.position)
    .map((m) => m.mountPoint);
}

export interface MountDeps {
  /** The text of /proc/self/mountinfo. */
  readMountinfo?: () => Promise<string>;
  /** Runs umount; answers its exit code. */
  umount?: (args: string[]) => Promise<number>;
  isRoot?: () => boolean;
  /** lstat (device and kind of each entry). */
  lstat?: (p: string) => Promise<{ dev: number; isDirectory(): boolean }>;
  log?: (line: string) => void;
}

const readMountinfo = () => fs.readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
const umount = async (args: string[]) => (await runProcess('umount', args)).code;

/** Mount points still at or below `dir` (its real path). */
async function mountedBelow(dir: string, deps: MountDeps): Promise<string[]> {
  return unmountOrder(parseMountinfo(await (deps.readMountinfo ?? readMountinfo)()), dir);
}

/** Unmounts everything at or below `dir`, deepest first; answers what is still mounted there. */
export async function unmountBelow(dir: string, deps: MountDeps = {}): Promise<string[]> {
  const real = await fs.realpath(dir).catch(() => path.resolve(dir));
  const points = await mountedBelow(real, deps);
  if (points.length === 0 || !(deps.isRoot ?? (() => process.getuid?.() === 0))()) return points;
  const run = deps.umount ?? umount;
  for (const point of points) {
    deps.log?.(`unmounting ${point}`);
    if ((await run([point])) !== 0 && (await run(['-l', point])) !== 0) deps.log?.(`could not unmount ${point}`);
  }
  return mountedBelow(real, deps);
}

/**
 * Deletes `root` and everything in it without leaving its file system: a
 * directory on another device (a mount the mountinfo check missed) is left
 * in place, and so are the directories holding it. Answers what was left.
 */
export async function removeWithinDevice(root: string, deps: Pick<MountDeps, 'lstat'> = {}): Promise<string[]> {
  const lstat = deps.lstat ?? ((p: string) => fs.lstat(p));
  let top: { dev: number; isDirectory(): boolean };
  try {
    top = await lstat(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const left: string[] = [];
  const remove = async (p: string): Promise<boolean> => {
    const stat = p === root ? top : await lstat(p);
    if (!stat.isDirectory()) {
      await fs.rm(p, { force: true });
      return true;
    }
    if (stat.dev !== top.dev) {
      left.push(p);
      return false;
    }
    let empty = true;
    for (const name of await fs.readdir(p)) empty = (await remove(path.join(p, name))) && empty;
    if (empty) await fs.rmdir(p);
    return empty;
  };
  await remove(root);
  return left;
}

/**
 * Unmounts below `dir`, then deletes it on its own file system only. Throws,
 * deleting nothing, while something is still mounted there; throws naming
 * what was left when another file system turned up inside.
 */
export async function removeStaging(dir: string, deps: MountDeps = {}): Promise<void> {
  const mounted = await unmountBelow(dir, deps);
  if (mounted.length > 0) {
    throw new Error(
      `${dir} still has file systems mounted in it (${mounted.join(', ')}), so it was not removed: ` +
        `unmount them as root (umount -l <path>), then delete the folder`,
    );
  }
  const left = await removeWithinDevice(dir, deps);
  if (left.length > 0) {
    throw new Error(`${dir} was removed except ${left.join(', ')}: another file system is there; unmount it, then delete the folder`);
  }
}
