/**
 * Paths in the topology stay inside the repository (audit A25-A29, B6):
 * playbooks and verify playbooks are relative paths whose file, symlinks
 * resolved, lies inside the repository that holds the topology; so is a
 * relative `store`.
 *
 * The repository is the nearest folder above the topology file that holds
 * `.git`; without one (a copy, a tarball), the working directory when the
 * topology lies inside it (GitHub runs actions in the checkout), else the
 * topology's own folder.
 *
 * `store` may also be an absolute path: the images of a lab host often live
 * outside any checkout (/var/lib/image-builder), and writing the full path is
 * the explicit choice. It must then be normal (no "." or ".." segments) and
 * not a system folder, since lifecycle removes folders inside it.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { asList, asMap, asName, type RawMap, type Report } from './raw.js';

/** The root of the repository that holds the topology folder `dir` (absolute). */
export function repositoryRoot(dir: string): string {
  const git = gitRoot(dir);
  if (git) return git;
  const cwd = process.cwd();
  return within(cwd, dir) ? cwd : dir;
}

/** The nearest folder at or above `start` holding `.git` (a folder, or a file in worktrees and submodules). */
export function gitRoot(start: string): string | undefined {
  for (let cur = start; ; cur = path.dirname(cur)) {
    if (existsSync(path.join(cur, '.git'))) return cur;
    if (path.dirname(cur) === cur) return undefined;
  }
}

/** `child` is `parent` or inside it (both absolute and normal). */
export function within(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The real path of `p`, or of its deepest existing parent with the rest appended. */
function realish(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

export interface PathProblem {
  message: string;
  hint: string;
}

/**
 * Why the relative path `rel` (from the topology folder `dir`) may not be
 * used, or undefined. Checks the text and, for what exists, where its
 * symlinks lead; whether the file exists is the caller's business.
 */
export function outsideRepository(rel: string, dir: string, root: string, what: string): PathProblem | undefined {
  const shown = rel.length > 80 ? `${rel.slice(0, 79)}…` : rel;
  const where = path.relative(dir, root) || '.';
  if (path.isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel)) {
    return {
      message: `${what} "${shown}" is an absolute path`,
      hint: `write it relative to the topology file's folder, inside the repository (${root})`,
    };
  }
  if (rel.includes('\0')) return { message: `${what} "${shown}" holds a NUL character`, hint: 'write a plain relative path' };
  const abs = path.resolve(dir, rel);
  if (!within(root, abs)) {
    return {
      message: `${what} "${shown}" is outside the repository (${root})`,
      hint: `keep it inside the repository: paths are relative to the topology file's folder, whose repository root is "${where}"`,
    };
  }
  const real = realish(abs);
  if (!within(realish(root), real)) {
    return {
      message: `${what} "${shown}" leads through a symlink to ${real}, outside the repository (${root})`,
      hint: 'copy what it needs into the repository, or point the link at a folder inside it',
    };
  }
  return undefined;
}

/** Folders a store may not be (lifecycle removes image folders inside it). */
const SYSTEM_FOLDERS = new Set([
  '/',
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/lib64',
  '/proc',
  '/root',
  '/run',
  '/sbin',
  '/sys',
  '/tmp',
  '/usr',
  '/var',
]);

/** Why `store` may not be used, or undefined (see the rules at the top). */
export function storeProblem(store: string, dir: string, root: string): PathProblem | undefined {
  if (!path.isAbsolute(store)) {
    const problem = outsideRepository(store, dir, root, 'store');
    return (
      problem && {
        ...problem,
        hint: `${problem.hint}; or write an absolute path, e.g. /var/lib/image-builder, to keep the images elsewhere`,
      }
    );
  }
  const normal = path.normalize(store).replace(/(.)\/+$/, '$1');
  if (normal !== store.replace(/(.)\/+$/, '$1')) {
    return { message: `store "${store}" is not a normal absolute path`, hint: `write it without "." or ".." segments: ${normal}` };
  }
  if (SYSTEM_FOLDERS.has(normal)) {
    return {
      message: `store "${store}" is a system folder, and lifecycle removes image folders inside the store`,
      hint: 'give the store a folder of its own, e.g. /var/lib/image-builder, or a relative path inside the repository',
    };
  }
  return undefined;
}

/** The `store` of every local cloud (see storeProblem). */
export function checkStores(data: RawMap, dir: string, root: string, report: Report): void {
  (asList(data.clouds) ?? []).forEach((value, i) => {
    const cloud = asMap(value);
    const store = asName(cloud?.store);
    if (!cloud || cloud.provider !== 'local' || store === undefined) return;
    const problem = storeProblem(store, dir, root);
    if (problem) report(['clouds', i, 'store'], problem.message, problem.hint);
  });
}
