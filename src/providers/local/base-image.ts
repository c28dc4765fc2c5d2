/**
 * The local provider's base image: bootstrap a minimal Debian, make it boot
 * under QEMU by direct kernel boot and accept Packer's SSH login (prepare.ts),
 * then `mkfs.ext4 -d` + `qemu-img convert` (no loop devices, no bootloader).
 * As root with debootstrap and chroot; otherwise with mmdebstrap in a user
 * namespace (rootless.ts). Cached by its inputs under <store>/.base/; built in
 * a hidden folder and renamed into place, so a failed or cancelled build
 * leaves nothing behind: the folder is removed after unmounting what
 * debootstrap left mounted in it, or cleared in the user namespace when its
 * files belong to subordinate ids (staging.ts, mounts.ts), also on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../util/canonical.js';
import { sha256 } from '../../util/hash.js';
import { runProcess } from '../../util/process.js';
import { prepareScript } from './prepare.js';
import { chooseBuildMode, type BuildMode, type ModeDeps } from './rootless.js';
import { removeTree, Staging, type RunOutput, type StagingDeps } from './staging.js';

/**
 * Bump when the preparation below changes: it is part of the cache key. How
 * the image was built (root or not) is not: both ways give the same packages
 * and preparation, so an image built once as root serves later rootless
 * builds. Measured on bookworm, they differ only where nothing reads it:
 * debootstrap leaves device nodes in /dev (the initramfs mounts devtmpfs over
 * it) and the empty transitional package lsb-base, and fills /etc/machine-id,
 * which mmdebstrap empties (systemd makes one at boot).
 */
export const BASE_RECIPE_VERSION = '1';
export const BASE_PACKAGES = ['systemd-sysv', 'udev', 'openssh-server', 'linux-image-amd64', 'python3', 'iproute2', 'ca-certificates'];
/**
 * Merged /usr as debootstrap sets it up (directory links and the usr-is-merged
 * package) where the suite has that package; without the hook apt picks
 * usrmerge, which brings perl (mmdebstrap's manual, MERGED-/USR).
 */
const MERGED_USR_HOOK = '/usr/share/mmdebstrap/hooks/maybe-merged-usr';
const DISK_SIZE = '4G';

export interface BaseImage {
  dir: string;
  disk: string;
  kernel: string;
  initrd: string;
  user: string;
  password: string;
}

export interface BaseImageOptions {
  storeRoot: string;
  suite: string;
  mirror: string;
  /** The suite's Release digest the plan resolved (resolve.ts): part of the cache key, so a new Release makes a new base image. */
  release?: string;
  log?: (line: string) => void;
}

export function baseImageDir(options: Pick<BaseImageOptions, 'storeRoot' | 'suite' | 'mirror' | 'release'>): string {
  const { suite, mirror, release } = options;
  const key = sha256(canonicalJson({ suite, mirror, packages: BASE_PACKAGES, v: BASE_RECIPE_VERSION, ...(release ? { release } : {}) }));
  return path.join(options.storeRoot, '.base', `${options.suite}-${key.slice(0, 16)}`);
}

/** Test seams: the bootstrap commands, the build mode (or what chooses it), and the staging folder's (signals, mounts). */
export interface BaseImageDeps extends StagingDeps, ModeDeps {
  debootstrap?: string;
  mmdebstrap?: string;
  mode?: BuildMode;
}

export async function ensureBaseImage(options: BaseImageOptions, deps: BaseImageDeps = {}): Promise<BaseImage> {
  const dir = baseImageDir(options);
  if (existsSync(path.join(dir, 'credentials.json'))) return readBase(dir);
  // Throws, before anything is touched, when neither way can build here.
  const mode = deps.mode ?? (await chooseBuildMode(path.dirname(dir), deps));
  const stagingDeps: StagingDeps = {
    ...deps,
    log: deps.log ?? options.log,
    clear: mode.kind === 'rootless' ? clearAsRoot(mode) : undefined,
  };
  const staging = new Staging(`${dir}.staging-${process.pid}`, stagingDeps);
  // What an earlier run with this pid left, mounts included.
  await staging.remove();
  await fs.mkdir(staging.dir, { recursive: true });
  const release = staging.guard();
  try {
    const rootfs = path.join(staging.dir, 'rootfs');
    const [tool, command, args] = bootstrapCommand(mode, options, rootfs, deps);
    options.log?.(`$ ${command} ${args.join(' ')}`);
    const bootstrap = await staging.run(command, args, { onLine: options.log });
    if (bootstrap.code !== 0) throw new Error(await bootstrapFailure(tool, options, rootfs, bootstrap));
    const password = randomBytes(18).toString('base64url');
    const [sh, prepare] = mode.wrap('sh', ['-c', prepareScript(), 'prepare', rootfs]);
    await step(staging, options, sh, prepare, { input: `root:${password}\n`, shown: `sh -c <preparation, prepare.ts> prepare ${rootfs}` });
    // /boot and the kernel and initrd in it are readable by all (0755, 0644), also when the tree belongs to subordinate ids.
    const boot = await fs.readdir(path.join(rootfs, 'boot'));
    const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
    const initrd = boot.find((f) => f.startsWith('initrd.img-'));
    if (!kernel || !initrd) throw new Error(`${tool} of ${options.suite} installed no kernel/initrd in /boot`);
    await fs.copyFile(path.join(rootfs, 'boot', kernel), path.join(staging.dir, 'vmlinuz'));
    await fs.copyFile(path.join(rootfs, 'boot', initrd), path.join(staging.dir, 'initrd.img'));
    // The disk file is the user's own: made here, only written by mkfs.ext4 (which must read the tree as root does).
    const raw = path.join(staging.dir, 'root.raw');
    await step(staging, options, 'truncate', ['-s', DISK_SIZE, raw]);
    await step(staging, options, ...mode.wrap('mkfs.ext4', ['-q', '-F', '-L', 'root', '-d', rootfs, raw]));
    await step(staging, options, 'qemu-img', ['convert', '-O', 'qcow2', raw, path.join(staging.dir, 'base.qcow2')]);
    await fs.rm(raw);
    await removeTree(rootfs, stagingDeps);
    await fs.writeFile(path.join(staging.dir, 'credentials.json'), JSON.stringify({ user: 'root', password }) + '\n', { mode: 0o600 });
    await fs.rename(staging.dir, dir);
    return readBase(dir);
  } catch (error) {
    await staging.remove().catch((cleanup: unknown) => options.log?.((cleanup as Error).message));
    throw error;
  } finally {
    release();
  }
}

/** The tool's name, and the command line that bootstraps the tree in this mode. */
function bootstrapCommand(mode: BuildMode, options: BaseImageOptions, rootfs: string, deps: BaseImageDeps): [string, string, string[]] {
  const common = ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, options.suite, rootfs, options.mirror];
  if (mode.kind === 'root') return ['debootstrap', deps.debootstrap ?? 'debootstrap', common];
  return ['mmdebstrap', ...mode.wrap(deps.mmdebstrap ?? 'mmdebstrap', ['--mode=unshare', `--hook-dir=${MERGED_USR_HOOK}`, ...common])];
}

/** Removes a folder's contents as root of the user namespace: the tree's files belong to subordinate ids. */
function clearAsRoot(mode: BuildMode): (dir: string) => Promise<void> {
  return async (dir) => {
    const [command, args] = mode.wrap('rm', ['-rf', '--one-file-system', '--', dir]);
    const result = await runProcess(command, args);
    if (result.code !== 0) throw new Error(`could not remove ${dir} (exit ${result.code}): ${result.tail.join(' ').trim()}`);
  };
}

/** The last lines of debootstrap's own log, `<target>/debootstrap/debootstrap.log` (undefined when it wrote none). */
export async function debootstrapLogTail(rootfs: string, lines = 20): Promise<string[] | undefined> {
  const text = await fs.readFile(path.join(rootfs, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines);
}

/** Why the bootstrap failed: the end of debootstrap's log (its output only says "see the log"), else of the output. */
async function bootstrapFailure(tool: string, options: BaseImageOptions, rootfs: string, run: RunOutput): Promise<string> {
  const log = tool === 'debootstrap' ? await debootstrapLogTail(rootfs) : undefined;
  const cause = log?.length
    ? `the end of its log (${path.join(rootfs, 'debootstrap', 'debootstrap.log')}):\n${log.join('\n')}`
    : `the end of its output:\n${run.tail.slice(-15).join('\n')}`;
  return `${tool} of ${options.suite} from ${options.mirror} failed (exit ${run.code}); ${cause}`;
}

async function readBase(dir: string): Promise<BaseImage> {
  const { user, password } = JSON.parse(await fs.readFile(path.join(dir, 'credentials.json'), 'utf8')) as {
    user: string;
    password: string;
  };
  return {
    dir,
    user,
    password,
    disk: path.join(dir, 'base.qcow2'),
    kernel: path.join(dir, 'vmlinuz'),
    initrd: path.join(dir, 'initrd.img'),
  };
}

/** Runs one step; `shown` stands for a command line too long (or too secret) to log. */
async function step(
  staging: Staging,
  options: BaseImageOptions,
  command: string,
  args: string[],
  extra: { input?: string; shown?: string } = {},
): Promise<void> {
  const shown = extra.shown ?? `${command} ${args.join(' ')}`;
  options.log?.(`$ ${shown}`);
  const result = await staging.run(command, args, { input: extra.input, onLine: (l) => options.log?.(l) });
  if (result.code !== 0) throw new Error(`${shown} failed (exit ${result.code}):\n${result.tail.slice(-15).join('\n')}`);
}
