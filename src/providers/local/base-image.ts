/**
 * The local provider's base image: debootstrap a minimal Debian, make it boot
 * under QEMU by direct kernel boot and accept Packer's SSH login, then
 * `mkfs.ext4 -d` + `qemu-img convert` (no loop devices, no bootloader).
 * Cached by its inputs under <store>/.base/; built in a hidden folder and
 * renamed into place, so a failed or cancelled build leaves nothing behind:
 * the folder is removed after unmounting what debootstrap left mounted in it
 * (staging.ts, mounts.ts), also on SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../util/canonical.js';
import { sha256 } from '../../util/hash.js';
import { removeStaging } from './mounts.js';
import { Staging, type RunOutput, type StagingDeps } from './staging.js';

/** Bump when the preparation below changes: it is part of the cache key. */
export const BASE_RECIPE_VERSION = '1';
export const BASE_PACKAGES = ['systemd-sysv', 'udev', 'openssh-server', 'linux-image-amd64', 'python3', 'iproute2', 'ca-certificates'];
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
  log?: (line: string) => void;
}

export function baseImageDir(options: Pick<BaseImageOptions, 'storeRoot' | 'suite' | 'mirror'>): string {
  const key = sha256(canonicalJson({ suite: options.suite, mirror: options.mirror, packages: BASE_PACKAGES, v: BASE_RECIPE_VERSION }));
  return path.join(options.storeRoot, '.base', `${options.suite}-${key.slice(0, 16)}`);
}

/** Test seams: the debootstrap command, who counts as root, and the staging folder's (signals, mounts). */
export interface BaseImageDeps extends StagingDeps {
  debootstrap?: string;
}

export async function ensureBaseImage(options: BaseImageOptions, deps: BaseImageDeps = {}): Promise<BaseImage> {
  const dir = baseImageDir(options);
  if (existsSync(path.join(dir, 'credentials.json'))) return readBase(dir);
  if (!(deps.isRoot ?? (() => process.getuid?.() === 0))()) {
    throw new Error('building the local base image needs root (debootstrap and chroot): run as root, e.g. with sudo');
  }
  const staging = new Staging(`${dir}.staging-${process.pid}`, { ...deps, log: deps.log ?? options.log });
  // What an earlier run with this pid left, mounts included.
  await staging.remove();
  await fs.mkdir(staging.dir, { recursive: true });
  const release = staging.guard();
  try {
    const rootfs = path.join(staging.dir, 'rootfs');
    const args = ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, options.suite, rootfs, options.mirror];
    options.log?.(`$ debootstrap ${args.join(' ')}`);
    const debootstrap = await staging.run(deps.debootstrap ?? 'debootstrap', args, { onLine: options.log });
    if (debootstrap.code !== 0) throw new Error(await debootstrapFailure(options, rootfs, debootstrap));
    const password = randomBytes(18).toString('base64url');
    await prepareRootfs(staging, rootfs, password, options);
    const boot = await fs.readdir(path.join(rootfs, 'boot'));
    const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
    const initrd = boot.find((f) => f.startsWith('initrd.img-'));
    if (!kernel || !initrd) throw new Error(`debootstrap of ${options.suite} installed no kernel/initrd in /boot`);
    await fs.copyFile(path.join(rootfs, 'boot', kernel), path.join(staging.dir, 'vmlinuz'));
    await fs.copyFile(path.join(rootfs, 'boot', initrd), path.join(staging.dir, 'initrd.img'));
    const raw = path.join(staging.dir, 'root.raw');
    await step(staging, options, 'truncate', ['-s', DISK_SIZE, raw]);
    await step(staging, options, 'mkfs.ext4', ['-q', '-F', '-L', 'root', '-d', rootfs, raw]);
    await step(staging, options, 'qemu-img', ['convert', '-O', 'qcow2', raw, path.join(staging.dir, 'base.qcow2')]);
    await fs.rm(raw);
    await removeStaging(rootfs, { ...deps, log: options.log });
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

/** The last lines of debootstrap's own log, `<target>/debootstrap/debootstrap.log` (undefined when it wrote none). */
export async function debootstrapLogTail(rootfs: string, lines = 20): Promise<string[] | undefined> {
  const text = await fs.readFile(path.join(rootfs, 'debootstrap', 'debootstrap.log'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines);
}

/** Why debootstrap failed: the end of its log (its output only says "see the log"), else of its output. */
async function debootstrapFailure(options: BaseImageOptions, rootfs: string, run: RunOutput): Promise<string> {
  const log = await debootstrapLogTail(rootfs);
  const cause = log?.length
    ? `the end of its log (${path.join(rootfs, 'debootstrap', 'debootstrap.log')}):\n${log.join('\n')}`
    : `the end of its output:\n${run.tail.slice(-15).join('\n')}`;
  return `debootstrap of ${options.suite} from ${options.mirror} failed (exit ${run.code}); ${cause}`;
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

/** Boots under QEMU with DHCP, root login by password for Packer, fstab for /dev/vda. */
async function prepareRootfs(staging: Staging, rootfs: string, password: string, options: BaseImageOptions): Promise<void> {
  const write = async (rel: string, text: string) => {
    const file = path.join(rootfs, rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
  };
  const chpasswd = await staging.run('chroot', [rootfs, 'chpasswd'], { input: `root:${password}\n` });
  if (chpasswd.code !== 0) throw new Error(`chroot chpasswd failed (exit ${chpasswd.code}): ${chpasswd.tail.join(' ').trim()}`);
  await write('etc/ssh/sshd_config.d/10-image-builder.conf', 'PermitRootLogin yes\nPasswordAuthentication yes\nUseDNS no\n');
  await write('etc/hostname', 'image-builder\n');
  await write('etc/hosts', '127.0.0.1 localhost\n127.0.1.1 image-builder\n');
  await write('etc/fstab', '/dev/vda / ext4 rw,errors=remount-ro 0 1\n');
  await write('etc/systemd/network/20-wired.network', '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n');
  const wants = path.join(rootfs, 'etc/systemd/system/multi-user.target.wants');
  await fs.mkdir(wants, { recursive: true });
  await fs.rm(path.join(wants, 'systemd-networkd.service'), { force: true });
  await fs.symlink('/lib/systemd/system/systemd-networkd.service', path.join(wants, 'systemd-networkd.service'));
  await fs.rm(path.join(rootfs, 'etc/resolv.conf'), { force: true });
  await write('etc/resolv.conf', 'nameserver 10.0.2.3\n');
  await step(staging, options, 'chroot', [rootfs, 'apt-get', 'clean']);
  for (const rel of ['var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale']) {
    await fs.rm(path.join(rootfs, rel), { recursive: true, force: true });
    await fs.mkdir(path.join(rootfs, rel), { recursive: true });
  }
}

async function step(staging: Staging, options: BaseImageOptions, command: string, args: string[]): Promise<void> {
  options.log?.(`$ ${command} ${args.join(' ')}`);
  const result = await staging.run(command, args, { onLine: (l) => options.log?.(l) });
  if (result.code !== 0) throw new Error(`${command} failed (exit ${result.code}):\n${result.tail.slice(-15).join('\n')}`);
}
