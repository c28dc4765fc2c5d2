/**
 * Who owns a topology's images: the value of the `ib-owner` tag written on
 * every image the topology builds, and required on every image its plan,
 * distribute and lifecycle count as theirs. Two repositories (or two
 * topologies of one repository) that name a cloud alike in one account so
 * never see, let alone prune, each other's images.
 *
 * The value, always label-safe (lowercase letters, digits and `-`, at most
 * 63 characters, as GCP labels require):
 *  1. `namespace:` at the top level of the topology, as written;
 *  2. otherwise `<repository>-<hash>`:
 *     - the repository root is the nearest folder at or above the topology
 *       file's folder that holds `.git` (a folder, or a file as in worktrees
 *       and submodules); without one, the topology file's folder;
 *     - the repository is `GITHUB_REPOSITORY` (`owner/name`) when set, else
 *       the URL of the root's `origin` remote (the first remote when there is
 *       no origin) reduced to its last two path segments (`owner/name`), else
 *       the root folder's name; lowercased;
 *     - the path is the topology file's path relative to the root, with `/`;
 *     - the hash is the first 8 hex digits of SHA-256 of `<repository>:<path>`;
 *     - the readable part is the repository with every run of other
 *       characters than [a-z0-9] made one `-`, cut to 54 characters.
 *     e.g. `acme/images` and `infra/topology.yml` -> `acme-images-<8 hex>`.
 *
 * A GitHub run and a local CLI run of the same clone agree when the clone's
 * `origin` points at the GitHub repository (any URL form: https, ssh, scp).
 * Without such a remote, set `namespace:`.
 *
 * Node built-ins only: this module imports nothing of ours.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gitRoot } from './paths.js';

/** GCP's limit on a label value. */
const MAX = 63;
const HASH_LENGTH = 8;

export type OwnerSource = 'namespace' | 'GITHUB_REPOSITORY' | 'git remote' | 'folder name';

export interface Owner {
  /** The `ib-owner` value. */
  value: string;
  /** Where the repository part came from (or `namespace`). */
  from: OwnerSource;
  /** The repository as used (lowercase `owner/name`, or a folder name); not with a namespace. */
  repository?: string;
  /** The topology file relative to the repository root, with `/`; not with a namespace. */
  path?: string;
}

/** The owner of the images of the topology in `file` (absolute), see the module comment. */
export function topologyOwner(
  topology: { file: string; namespace?: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
): Owner {
  if (topology.namespace) return { value: topology.namespace, from: 'namespace' };
  const file = path.resolve(topology.file);
  const git = gitRoot(path.dirname(file));
  // Without a repository, the topology's own folder: the owner never depends on where the command runs.
  const root = { dir: git ?? path.dirname(file), gitDir: git ? gitDirOf(path.join(git, '.git')) : undefined };
  const relative = path.relative(root.dir, file).split(path.sep).join('/');
  const fromEnv = env.GITHUB_REPOSITORY?.trim();
  const remote = fromEnv ? undefined : root.gitDir && remoteRepository(root.gitDir);
  const repository = (fromEnv || remote || path.basename(root.dir)).toLowerCase();
  const from: OwnerSource = fromEnv ? 'GITHUB_REPOSITORY' : remote ? 'git remote' : 'folder name';
  return { value: ownerValue(repository, relative), from, repository, path: relative };
}

/** `<readable repository>-<hash of repository and path>`, label-safe and at most 63 characters. */
export function ownerValue(repository: string, relativePath: string): string {
  const hash = createHash('sha256').update(`${repository}:${relativePath}`).digest('hex').slice(0, HASH_LENGTH);
  const readable =
    repository
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, MAX - HASH_LENGTH - 1)
      .replace(/^-+|-+$/g, '') || 'topology';
  return `${readable}-${hash}`;
}

/** `.git` is the git folder, or (worktrees, submodules) a file `gitdir: <path>`. */
function gitDirOf(dotGit: string): string | undefined {
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
    return match ? path.resolve(path.dirname(dotGit), match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The `owner/name` of the origin remote (or the first remote), from the git config. */
function remoteRepository(gitDir: string): string | undefined {
  const config = readText(path.join(commonDir(gitDir), 'config'));
  if (config === undefined) return undefined;
  const urls = new Map<string, string>();
  let remote: string | undefined;
  for (const line of config.split(/\r?\n/)) {
    const section = /^\s*\[\s*([^\]\s]+)(?:\s+"([^"]*)")?\s*\]/.exec(line);
    if (section) {
      remote = section[1].toLowerCase() === 'remote' ? section[2] : undefined;
      continue;
    }
    const url = /^\s*url\s*=\s*(.+?)\s*$/i.exec(line);
    if (remote !== undefined && url && !urls.has(remote)) urls.set(remote, url[1].replace(/^"(.*)"$/, '$1'));
  }
  const url = urls.get('origin') ?? [...urls.values()][0];
  return url === undefined ? undefined : repositoryOfUrl(url);
}

/** A worktree's git folder names the shared one in `commondir`. */
function commonDir(gitDir: string): string {
  const common = readText(path.join(gitDir, 'commondir'))?.trim();
  return common ? path.resolve(gitDir, common) : gitDir;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The last two path segments of a remote URL, without `.git`:
 * `https://github.com/acme/images.git`, `git@github.com:acme/images.git` and
 * `ssh://git@github.com:22/acme/images` all give `acme/images`. Credentials
 * in the URL are never part of it.
 */
export function repositoryOfUrl(url: string): string | undefined {
  const withoutHost = /^[a-z][a-z0-9+.-]*:\/\//i.test(url)
    ? url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '')
    : url.replace(/^[^/:]+:(?!\/)/, '');
  const segments = withoutHost
    .replace(/\.git\/?$/i, '')
    .split(/[/\\]/)
    .filter((s) => s.length > 0);
  return segments.length > 0 ? segments.slice(-2).join('/') : undefined;
}
