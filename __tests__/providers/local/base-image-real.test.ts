/**
 * A real base image build (src/providers/local/base-image.ts) in the mode this
 * user gets: without root, mmdebstrap and mkfs.ext4 in a user namespace (the
 * path of runners that are not root, as GitHub's hosted ones); as root,
 * debootstrap and chroot. Checked on the disk it wrote: owners and modes as
 * root made them, the preparation's files, merged /usr as debootstrap makes
 * it, the credentials; then it boots the image as Packer does (direct kernel
 * boot, KVM when usable, else TCG) and logs in as root over SSH with the
 * password.
 *
 * It downloads about 200 MB of Debian packages from this machine's apt mirror
 * (mirror.ts) and takes minutes, so it runs only when asked for:
 *   IMAGE_BUILDER_REAL_BASE_IMAGE=1 npx jest __tests__/providers/local/base-image-real.test.ts
 * For the rootless path, as a user who is not root and has subordinate ids
 * (e.g. runuser -u <user> -- env IMAGE_BUILDER_REAL_BASE_IMAGE=1 npx jest ...).
 * Otherwise, or when neither way can build here, it is skipped, saying why.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensureBaseImage, type BaseImage } from '../../../src/providers/local/base-image.js';
import { kvmUsable } from '../../../src/providers/local/build.js';
import { debianMirror } from '../../../src/providers/local/mirror.js';
import { BASE_FILES } from '../../../src/providers/local/prepare.js';
import { chooseBuildMode, type BuildMode } from '../../../src/providers/local/rootless.js';
import { removeTempDirs, tempDir } from '../../helpers/tree.js';

afterAll(removeTempDirs);

/** The mode a build gets here, or why none runs. */
async function chosen(): Promise<{ mode?: BuildMode; reason?: string }> {
  if (process.env.IMAGE_BUILDER_REAL_BASE_IMAGE !== '1')
    return { reason: 'set IMAGE_BUILDER_REAL_BASE_IMAGE=1 to build one (downloads Debian packages)' };
  try {
    return { mode: await chooseBuildMode('<store>/.base') };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

const { mode, reason } = await chosen();
if (reason) console.warn(`Skipping the real base image build: ${reason}`);
const rootless = mode?.kind === 'rootless';

/** debugfs on the raw disk, read-only. */
function debugfs(raw: string, request: string): string {
  return execFileSync('debugfs', ['-R', request, raw], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Kind, owner, group and permission bits of a path in the image (debugfs stat). */
function inode(raw: string, file: string): { type: string; user: number; group: number; mode: number } {
  const text = debugfs(raw, `stat ${file}`);
  const kind = /Type:\s+(\w+)\s+Mode:\s+(\d+)/.exec(text);
  const ids = /User:\s+(\d+)\s+Group:\s+(\d+)/.exec(text);
  if (!kind || !ids) throw new Error(`debugfs stat ${file}: ${text}`);
  return { type: kind[1], user: Number(ids[1]), group: Number(ids[2]), mode: parseInt(kind[2], 8) };
}

/** A TCP port free on 127.0.0.1 now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Boots an overlay on the image and runs `id -u` over SSH as root with the password; answers its output. */
async function bootAndLogin(base: BaseImage, work: string): Promise<string> {
  const overlay = path.join(work, 'overlay.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base.disk, overlay]);
  const port = await freePort();
  // As the qemu source boots it (src/packer/sources/qemu.ts, build.ts): direct kernel boot, virtio disk and network, KVM only when usable.
  const qemu = spawn(
    'qemu-system-x86_64',
    [
      ...['-machine', `accel=${kvmUsable() ? 'kvm' : 'tcg'}`, '-m', '1024', '-smp', '2', '-display', 'none'],
      ...['-serial', `file:${path.join(work, 'serial.log')}`],
      ...['-kernel', base.kernel, '-initrd', base.initrd, '-append', 'root=/dev/vda rw console=ttyS0'],
      ...['-drive', `file=${overlay},if=virtio,format=qcow2`],
      ...['-netdev', `user,id=n0,hostfwd=tcp:127.0.0.1:${port}-:22`, '-device', 'virtio-net,netdev=n0'],
    ],
    { stdio: 'ignore' },
  );
  const ssh = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=5', '-p', String(port)];
  try {
    const deadline = Date.now() + 10 * 60_000;
    while (Date.now() < deadline && qemu.exitCode === null) {
      // sshpass -e: the password from SSHPASS, never in argv.
      const login = spawnSync('sshpass', ['-e', 'ssh', ...ssh, 'root@127.0.0.1', 'id', '-u'], {
        env: { ...process.env, SSHPASS: base.password },
        encoding: 'utf8',
        timeout: 30_000,
      });
      if (login.status === 0) return login.stdout.trim();
      await new Promise((r) => setTimeout(r, 5000));
    }
    throw new Error(
      `no SSH login (qemu exit ${qemu.exitCode}); the serial console:\n${readFileSync(path.join(work, 'serial.log'), 'utf8').slice(-3000)}`,
    );
  } finally {
    qemu.kill('SIGKILL');
  }
}

(mode ? describe : describe.skip)(`a real base image, built ${rootless ? 'without root' : 'as root'}`, () => {
  it(
    "builds a disk whose files belong to root and the system users, prepared, that boots and takes root's SSH login",
    async () => {
      // A store in a folder closed to others (0700, as a home folder can be): root of the namespace still reaches it.
      const store = tempDir('ib-base-');
      expect(statSync(store).mode & 0o777).toBe(0o700);
      const lines: string[] = [];
      const started = Date.now();
      const base = await ensureBaseImage({
        storeRoot: store,
        suite: 'bookworm',
        mirror: debianMirror(undefined, {}),
        log: (l) => void lines.push(l),
      });
      const buildMs = Date.now() - started;
      console.log(`base image built ${rootless ? 'without root' : 'as root'} in ${(buildMs / 1000).toFixed(1)} s`);

      expect(lines.some((l) => l.startsWith(rootless ? '$ unshare --map-users=' : '$ debootstrap '))).toBe(true);
      expect(readdirSync(path.join(store, '.base'))).toEqual([path.basename(base.dir)]); // no staging folder left
      expect(readdirSync(base.dir).sort()).toEqual(['base.qcow2', 'credentials.json', 'initrd.img', 'vmlinuz']);
      for (const f of readdirSync(base.dir)) expect(statSync(path.join(base.dir, f)).uid).toBe(process.getuid?.());
      expect(statSync(path.join(base.dir, 'credentials.json')).mode & 0o777).toBe(0o600);
      expect(base.user).toBe('root');
      expect(base.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(readFileSync(base.kernel).subarray(0x202, 0x206).toString('latin1')).toBe('HdrS'); // a bzImage
      expect(statSync(base.initrd).size).toBeGreaterThan(1_000_000);

      const raw = path.join(tempDir('ib-base-disk-'), 'root.raw');
      execFileSync('qemu-img', ['convert', '-O', 'raw', base.disk, raw]);
      expect(inode(raw, '/etc/shadow')).toEqual({ type: 'regular', user: 0, group: 42, mode: 0o640 }); // root:shadow
      expect(inode(raw, '/usr/bin/passwd')).toEqual({ type: 'regular', user: 0, group: 0, mode: 0o4755 }); // setuid root
      expect(inode(raw, '/root')).toEqual({ type: 'directory', user: 0, group: 0, mode: 0o700 });
      expect(inode(raw, '/etc/hostname')).toEqual({ type: 'regular', user: 0, group: 0, mode: 0o644 });
      for (const [rel, text] of Object.entries(BASE_FILES)) expect(debugfs(raw, `cat /${rel}`)).toBe(text);
      expect(debugfs(raw, 'cat /etc/shadow')).toMatch(/^root:\$[^:]+:/m); // a password, set by chpasswd
      expect(inode(raw, '/bin').type).toBe('symlink'); // merged /usr: a link
      const installed = debugfs(raw, 'cat /var/lib/dpkg/status');
      expect(installed).toMatch(/^Package: usr-is-merged$/m);
      expect(installed).not.toMatch(/^Package: usrmerge$/m);
      // Emptied: `ls -p` prints /inode/mode/uid/gid/name/size/ per entry.
      const docs = debugfs(raw, 'ls -p /usr/share/doc')
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('/')[5]);
      expect(docs).toEqual(['.', '..']);

      const booting = Date.now();
      expect(await bootAndLogin(base, tempDir('ib-base-boot-'))).toBe('0');
      console.log(`booted and logged in over SSH in ${((Date.now() - booting) / 1000).toFixed(1)} s`);
    },
    30 * 60_000,
  );
});
