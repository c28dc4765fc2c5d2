/**
 * Building the base image without root. Unprivileged, each step that needs
 * root's rights over the tree runs in a user namespace where the user's
 * subordinate ids (/etc/subuid, /etc/subgid) stand for root and the image's
 * system users, so the tree gets its real owners (root:root, root:shadow...)
 * without any privilege on the host. `mmdebstrap --mode=unshare` bootstraps
 * it (debootstrap needs real root: it creates device nodes and mounts /proc),
 * then the preparation, `mkfs.ext4 -d` and the removal of the tree run in the
 * same namespace.
 *
 * The namespace is made by util-linux `unshare` (2.38 or later: --map-users,
 * --setuid), not by mmdebstrap's own, because it also maps the user's own id:
 * root in the namespace may then open the user's files, so the store may lie
 * below a folder closed to others (a home folder) and the disk image is
 * written into the user's staging folder. mmdebstrap's own namespace maps the
 * subordinate ids only; measured under a 0700 home, it stops with "cannot
 * create <store>: Permission denied". Inside ours mmdebstrap runs as root,
 * and in unshare mode as root it unshares no user namespace again (its
 * manual, MODES).
 *
 * Not a tarball: mmdebstrap can write one, but `mkfs.ext4 -d` reads tar files
 * only from e2fsprogs 1.47.1 on (Debian 12 and Ubuntu 24.04 have 1.47.0).
 * Run in the namespace, mkfs.ext4 -d reads the owners as root there sees
 * them: /etc/shadow lands in the image as uid 0, gid 42 (shadow).
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../../util/process.js';

export interface IdRange {
  start: number;
  count: number;
}

/** How the steps that need root's rights over the tree run. */
export interface BuildMode {
  /** root: debootstrap and chroot directly; rootless: mmdebstrap and the rest in a user namespace. */
  kind: 'root' | 'rootless';
  /** The command line that runs `command` with those rights. */
  wrap(command: string, args: string[]): [string, string[]];
}

export const ROOT_MODE: BuildMode = { kind: 'root', wrap: (command, args) => [command, args] };

/** Ids a Debian system's users and groups need, nobody (65534) included. */
export const MIN_SUBORDINATE_IDS = 65536;

/**
 * The subordinate range of `user` in /etc/subuid or /etc/subgid text: its
 * first line (`name:start:count`), matched by name as mmdebstrap reads it.
 */
export function subordinateRange(text: string, user: string): IdRange | undefined {
  for (const line of text.split('\n')) {
    const [name, start, count] = line.trim().split(':');
    if (name !== user) continue;
    if (!/^\d+$/.test(start ?? '') || !/^\d+$/.test(count ?? '')) return undefined;
    return { start: Number(start), count: Number(count) };
  }
  return undefined;
}

/**
 * unshare's options: the subordinate ranges from id 0 on, the user's own ids
 * just above them (right after the range, unshare 2.38 cuts the range's last
 * id), and the command run as root of the namespace.
 */
export function unshareArgs(uid: IdRange, gid: IdRange): string[] {
  return [
    `--map-users=${uid.start},0,${uid.count}`,
    `--map-groups=${gid.start},0,${gid.count}`,
    `--map-user=${uid.count + 1}`,
    `--map-group=${gid.count + 1}`,
    '--setuid=0',
    '--setgid=0',
  ];
}

/** The sysctls that turn unprivileged user namespaces off, as they are set here, with the setting that allows them. */
const SWITCHES = [
  { file: '/proc/sys/kernel/unprivileged_userns_clone', off: '0', allow: 'kernel.unprivileged_userns_clone=1' },
  { file: '/proc/sys/user/max_user_namespaces', off: '0', allow: 'user.max_user_namespaces=15000' },
  { file: '/proc/sys/kernel/apparmor_restrict_unprivileged_userns', off: '1', allow: 'kernel.apparmor_restrict_unprivileged_userns=0' },
];

export function userNamespaceSwitches(read: (file: string) => string | undefined): string[] {
  return SWITCHES.filter((s) => read(s.file)?.trim() === s.off).map((s) => {
    const name = s.allow.split('=')[0];
    return `${name} is ${s.off}, which turns user namespaces off for users (allow them: sudo sysctl -w ${s.allow})`;
  });
}

/** Test seams: who runs, what the files say, which tools are there, and running them. */
export interface ModeDeps {
  isRoot?: () => boolean;
  userName?: () => string;
  readText?: (file: string) => string | undefined;
  onPath?: (tool: string) => boolean;
  runTool?: (command: string, args: string[]) => Promise<{ code: number; tail: string[] }>;
}

const TOOLS: [tool: string, pkg: string][] = [
  ['mmdebstrap', 'mmdebstrap'],
  ['unshare', 'util-linux'],
  ['newuidmap', 'uidmap'],
  ['newgidmap', 'uidmap'],
];

/**
 * Root builds as root. Others build in a user namespace when one can be made
 * (tried: a mount in a fresh one, which AppArmor's restriction denies); else
 * the error lists everything missing, and the other ways.
 */
export async function chooseBuildMode(baseDir: string, deps: ModeDeps = {}): Promise<BuildMode> {
  if ((deps.isRoot ?? (() => process.getuid?.() === 0))()) return ROOT_MODE;
  const read = deps.readText ?? readText;
  const run = deps.runTool ?? ((command: string, args: string[]) => runProcess(command, args, { tail: 200 }));
  const user = (deps.userName ?? (() => os.userInfo().username))();
  const problems: string[] = [];
  const missing = TOOLS.filter(([tool]) => !(deps.onPath ?? onPath)(tool));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map(([, pkg]) => pkg))];
    problems.push(`${missing.map(([tool]) => tool).join(', ')} not installed (apt-get install ${packages.join(' ')})`);
  } else if (!/--map-users/.test((await run('unshare', ['--help'])).tail.join('\n'))) {
    problems.push('unshare has no --map-users: it needs util-linux 2.38 or later');
  }
  const ranges = (['uid', 'gid'] as const).map((kind) => {
    const file = `/etc/sub${kind}`;
    const range = subordinateRange(read(file) ?? '', user);
    if (!range || range.count < MIN_SUBORDINATE_IDS) {
      const had = range ? ` (it has ${range.count})` : '';
      problems.push(
        `${file} gives user ${user} no range of ${MIN_SUBORDINATE_IDS} ids${had}: add one no other user has, ` +
          `e.g. sudo usermod --add-sub${kind}s 100000-165535 ${user}`,
      );
    }
    return range;
  });
  const [uid, gid] = ranges;
  if (problems.length === 0 && uid && gid) {
    const probe = await run('unshare', [...unshareArgs(uid, gid), '--mount', '--', 'mount', '-t', 'tmpfs', 'probe', '/tmp']);
    if (probe.code === 0)
      return { kind: 'rootless', wrap: (command, args) => ['unshare', [...unshareArgs(uid, gid), '--', command, ...args]] };
    problems.push(`a user namespace with root's rights could not be made: ${probe.tail.join(' ').trim() || `exit ${probe.code}`}`);
  }
  problems.push(...userNamespaceSwitches(read));
  throw new Error(
    `building the local base image needs root, or user namespaces for mmdebstrap --mode=unshare, and here:\n` +
      problems.map((p) => `  - ${p}\n`).join('') +
      `Fix that, or build the base image once as root (it is kept in ${baseDir} and reused by later builds), ` +
      'or give the local source an `image:` to start from.',
  );
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(path.join(dir, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
