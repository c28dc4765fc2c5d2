/** Removing a folder that may hold mounts (src/providers/local/mounts.ts), without root: mountinfo and stat are injected. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { parseMountinfo, removeStaging, removeWithinDevice, unmountBelow, unmountOrder } from '../../../src/providers/local/mounts.js';
import { removeTempDirs, tempDir, writeTree } from '../../helpers/tree.js';

afterAll(removeTempDirs);

const STAGING = '/srv/store/.base/bookworm-0123.staging-42';
/** Lines as the kernel writes them (proc_pid_mountinfo(5)): what debootstrap stopped midway leaves, and the host's own. */
const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
  `101 22 0:21 / ${STAGING}/rootfs/proc rw,relatime - proc proc rw`,
  `102 22 0:50 / ${STAGING}/rootfs/sys rw,relatime shared:7 master:3 - sysfs sysfs rw`,
  `103 102 0:51 / ${STAGING}/rootfs/sys/fs/cgroup rw - cgroup2 cgroup2 rw`,
  `104 22 0:5 / ${STAGING}/rootfs/dev/pts rw - devpts devpts rw,gid=5`,
  `105 22 0:21 / ${STAGING}/rootfs/proc rw - proc proc rw`,
  `106 22 8:1 /home/with\\040space ${STAGING}/rootfs/mnt/with\\040space rw - ext4 /dev/sda1 rw`,
  `107 22 0:60 / ${STAGING}-other/rootfs/proc rw - proc proc rw`,
  'garbage line',
].join('\n');

describe('mountinfo', () => {
  it('reads mount points (unescaped) and file-system types, skipping lines that do not fit', () => {
    const mounts = parseMountinfo(MOUNTINFO);
    expect(mounts).toHaveLength(9);
    expect(mounts[2]).toEqual({ id: 101, mountPoint: `${STAGING}/rootfs/proc`, fsType: 'proc' });
    expect(mounts[3]).toMatchObject({ mountPoint: `${STAGING}/rootfs/sys`, fsType: 'sysfs' }); // optional fields skipped
    expect(mounts[7].mountPoint).toBe(`${STAGING}/rootfs/mnt/with space`);
  });

  it('orders what is below the folder deepest first, an upper stacked mount before the lower, nothing outside it', () => {
    expect(unmountOrder(parseMountinfo(MOUNTINFO), STAGING)).toEqual([
      `${STAGING}/rootfs/sys/fs/cgroup`,
      `${STAGING}/rootfs/mnt/with space`,
      `${STAGING}/rootfs/dev/pts`,
      `${STAGING}/rootfs/proc`, // 105, mounted over 101
      `${STAGING}/rootfs/sys`,
      `${STAGING}/rootfs/proc`,
    ]);
    expect(unmountOrder(parseMountinfo(MOUNTINFO), '/srv/store/.base')).toContain(`${STAGING}-other/rootfs/proc`);
  });
});

describe('unmounting', () => {
  it('as root: umount deepest first, umount -l when umount fails; answers what stays mounted', async () => {
    const dir = tempDir();
    let text = [
      `201 22 0:21 / ${dir}/rootfs/proc rw - proc proc rw`,
      `202 22 0:50 / ${dir}/rootfs/proc/sys/fs/binfmt_misc rw - binfmt_misc binfmt_misc rw`,
    ].join('\n');
    const calls: string[][] = [];
    const left = await unmountBelow(dir, {
      isRoot: () => true,
      readMountinfo: async () => text,
      umount: async (args) => {
        calls.push(args);
        if (args[0] === '-l') text = '';
        return args[0] === '-l' ? 0 : 32; // busy: only the lazy unmount works
      },
    });
    expect(calls).toEqual([
      [`${dir}/rootfs/proc/sys/fs/binfmt_misc`],
      ['-l', `${dir}/rootfs/proc/sys/fs/binfmt_misc`],
      [`${dir}/rootfs/proc`],
      ['-l', `${dir}/rootfs/proc`],
    ]);
    expect(left).toEqual([]);
  });

  it('without root: unmounts nothing, and removal refuses, deleting nothing', async () => {
    const dir = writeTree({ 'rootfs/etc/hostname': 'x\n' });
    const deps = {
      isRoot: () => false,
      readMountinfo: async () => `301 22 0:21 / ${dir}/rootfs/proc rw - proc proc rw`,
      umount: async () => {
        throw new Error('must not run');
      },
    };
    await expect(removeStaging(dir, deps)).rejects.toThrow(
      new RegExp(`still has file systems mounted in it \\(${dir}/rootfs/proc\\), so it was not removed: unmount them as root`),
    );
    expect(existsSync(path.join(dir, 'rootfs/etc/hostname'))).toBe(true);
  });
});

describe('removal on one file system', () => {
  it('never descends into a directory on another device, and keeps the directories that hold it', async () => {
    const dir = writeTree({ 'rootfs/etc/hostname': 'x\n', 'rootfs/proc/self/status': 'host process', 'rootfs/tmp/a': 'a', 'top.txt': 't' });
    const foreign = path.join(dir, 'rootfs/proc');
    const lstat = async (p: string) => {
      const real = await fs.lstat(p);
      return { dev: p === foreign || p.startsWith(`${foreign}/`) ? real.dev + 1 : real.dev, isDirectory: () => real.isDirectory() };
    };
    const left = await removeWithinDevice(dir, { lstat });
    expect(left).toEqual([foreign]);
    expect(existsSync(path.join(dir, 'rootfs/proc/self/status'))).toBe(true); // untouched
    expect(existsSync(path.join(dir, 'rootfs/etc'))).toBe(false);
    expect(existsSync(path.join(dir, 'rootfs/tmp'))).toBe(false);
    expect(existsSync(path.join(dir, 'top.txt'))).toBe(false);
    expect(existsSync(path.join(dir, 'rootfs'))).toBe(true); // holds the foreign directory

    await expect(removeStaging(dir, { readMountinfo: async () => '', lstat })).rejects.toThrow(
      new RegExp(`was removed except ${foreign}: another file system is there`),
    );
  });

  it('removes the whole folder when nothing is mounted and one device holds it; a missing folder is fine', async () => {
    const dir = writeTree({ 'a/b/c.txt': 'c', 'd.txt': 'd' });
    await fs.symlink('/etc', path.join(dir, 'a/link-to-etc'));
    await removeStaging(dir, { readMountinfo: async () => '' });
    expect(existsSync(dir)).toBe(false);
    expect(existsSync('/etc/hostname') || existsSync('/etc/passwd')).toBe(true); // a symbolic link is removed, not followed
    await expect(removeStaging(dir, { readMountinfo: async () => '' })).resolves.toBeUndefined();
  });
});
