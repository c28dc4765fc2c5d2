/**
 * The base image build when debootstrap fails (src/providers/local/base-image.ts),
 * with a stand-in for debootstrap (a shell script writing its log as
 * debootstrap does, into <target>/debootstrap/debootstrap.log) and root and
 * mounts injected: no real debootstrap, no root, no network.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { baseImageDir, debootstrapLogTail, ensureBaseImage } from '../../../src/providers/local/base-image.js';
import { removeTempDirs, writeTree } from '../../helpers/tree.js';

afterAll(removeTempDirs);

/** Fails the way debootstrap does: its log in the target, "see the log" on its output. Arguments: options, suite, target, mirror. */
const FAKE_DEBOOTSTRAP = `#!/bin/sh
target="$4"
mkdir -p "$target/debootstrap" "$target/proc"
i=1
while [ $i -le 30 ]; do echo "I: Retrieving package $i" >> "$target/debootstrap/debootstrap.log"; i=$((i+1)); done
echo "E: Couldn't download packages: openssh-server (mirror says 404)" >> "$target/debootstrap/debootstrap.log"
echo "W: Failure trying to run: chroot $target mount -t proc proc /proc"
echo "W: See $target/debootstrap/debootstrap.log for details"
exit 1
`;

function setup() {
  const root = writeTree({ 'bin/debootstrap': FAKE_DEBOOTSTRAP, 'store/.keep': '' });
  chmodSync(path.join(root, 'bin/debootstrap'), 0o755);
  const options = { storeRoot: path.join(root, 'store'), suite: 'bookworm', mirror: 'http://127.0.0.1:9/debian' };
  return { root, options, debootstrap: path.join(root, 'bin/debootstrap') };
}

describe('base image', () => {
  it('debootstrap failing: the error shows the end of its own log, and the staging folder is gone, mounts first', async () => {
    const { options, debootstrap } = setup();
    const staging = `${baseImageDir(options)}.staging-${process.pid}`;
    // debootstrap stopped midway: /proc of the target still mounted (as root, the build unmounts it).
    let mounted = true;
    const umounts: string[][] = [];
    const logs: string[] = [];
    const error = (await ensureBaseImage(
      { ...options, log: (l) => void logs.push(l) },
      {
        debootstrap,
        isRoot: () => true,
        readMountinfo: async () => (mounted ? `501 22 0:21 / ${staging}/rootfs/proc rw - proc proc rw` : ''),
        umount: async (args) => {
          umounts.push(args);
          mounted = false;
          return 0;
        },
      },
    ).catch((e: unknown) => e)) as Error;

    expect(error.message).toMatch(
      new RegExp(
        `^debootstrap of bookworm from http://127\\.0\\.0\\.1:9/debian failed \\(exit 1\\); the end of its log \\(${staging}/rootfs/debootstrap/debootstrap\\.log\\):\\n`,
      ),
    );
    expect(error.message).toMatch(/E: Couldn't download packages: openssh-server \(mirror says 404\)$/);
    expect(error.message).toContain('I: Retrieving package 12');
    expect(error.message).not.toContain('I: Retrieving package 11\n'); // the last 20 lines only
    expect(umounts).toEqual([[`${staging}/rootfs/proc`]]);
    expect(existsSync(staging)).toBe(false);
    expect(readdirSync(path.join(options.storeRoot, '.base'))).toEqual([]);
    expect(logs).toContain(`unmounting ${staging}/rootfs/proc`);
  });

  it('refuses without root, before touching anything', async () => {
    const { options, debootstrap } = setup();
    await expect(ensureBaseImage(options, { debootstrap, isRoot: () => false })).rejects.toThrow(/needs root .*run as root/);
    expect(existsSync(path.join(options.storeRoot, '.base'))).toBe(false);
  });

  it('reads the last lines of the log, and nothing when debootstrap wrote none', async () => {
    const rootfs = writeTree({ 'debootstrap/debootstrap.log': 'a\n\nb\nc\n' });
    expect(await debootstrapLogTail(rootfs, 2)).toEqual(['b', 'c']);
    expect(await debootstrapLogTail(path.join(rootfs, 'nope'))).toBeUndefined();
  });
});
