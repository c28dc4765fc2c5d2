/**
 * The base image build when the bootstrap fails or cannot run (src/providers/local/base-image.ts),
 * with a stand-in for debootstrap (a shell script writing its log as
 * debootstrap does, into <target>/debootstrap/debootstrap.log) or for
 * mmdebstrap, and root, the build mode and mounts injected: no real
 * bootstrap, no root, no user namespace, no network.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BASE_PACKAGES, baseImageDir, debootstrapLogTail, ensureBaseImage } from '../../../src/providers/local/base-image.js';
import type { BuildMode } from '../../../src/providers/local/rootless.js';
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

  it('without root and without user namespaces: names what is missing and the other ways, before touching anything', async () => {
    const { options, debootstrap } = setup();
    const error = (await ensureBaseImage(options, {
      debootstrap,
      isRoot: () => false,
      userName: () => 'runner',
      readText: (file) => ({ '/proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n' })[file],
      onPath: () => true,
      runTool: async () => ({ code: 0, tail: ['--map-users=<outeruid>,<inneruid>,<count>'] }),
    }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^building the local base image needs root, or user namespaces for mmdebstrap --mode=unshare, and here:\n/,
    );
    expect(error.message).toContain('/etc/subuid gives user runner no range of 65536 ids');
    expect(error.message).toContain('kernel.apparmor_restrict_unprivileged_userns is 1');
    expect(error.message).toContain(`build the base image once as root (it is kept in ${path.join(options.storeRoot, '.base')} and reused`);
    expect(existsSync(path.join(options.storeRoot, '.base'))).toBe(false);
  });

  it('rootless, mmdebstrap failing: the end of its output, and the folder cleared in the namespace before its removal', async () => {
    const { root, options } = setup();
    const mmdebstrap = path.join(root, 'bin/mmdebstrap');
    writeFileSync(mmdebstrap, '#!/bin/sh\nfor a; do t="$p"; p="$a"; done\nmkdir -p "$t/etc"\necho "E: cannot open /etc/subuid"\nexit 1\n', {
      mode: 0o755,
    });
    // The namespace stand-in runs each command as it is, and records what it ran.
    const wrapped: string[][] = [];
    const mode: BuildMode = {
      kind: 'rootless',
      wrap: (command, args) => {
        wrapped.push([command, ...args]);
        return [command, args];
      },
    };
    const staging = `${baseImageDir(options)}.staging-${process.pid}`;
    const error = (await ensureBaseImage(options, { mode, mmdebstrap, readMountinfo: async () => '' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'mmdebstrap of bookworm from http://127.0.0.1:9/debian failed (exit 1); the end of its output:\nE: cannot open /etc/subuid',
    );
    expect(wrapped).toEqual([
      ['rm', '-rf', '--one-file-system', '--', staging], // an earlier run's leftovers
      [
        mmdebstrap,
        '--mode=unshare',
        '--hook-dir=/usr/share/mmdebstrap/hooks/maybe-merged-usr',
        '--variant=minbase',
        `--include=${BASE_PACKAGES.join(',')}`,
        'bookworm',
        `${staging}/rootfs`,
        'http://127.0.0.1:9/debian',
      ],
      ['rm', '-rf', '--one-file-system', '--', staging],
    ]);
    expect(existsSync(staging)).toBe(false);
  });

  it('reads the last lines of the log, and nothing when debootstrap wrote none', async () => {
    const rootfs = writeTree({ 'debootstrap/debootstrap.log': 'a\n\nb\nc\n' });
    expect(await debootstrapLogTail(rootfs, 2)).toEqual(['b', 'c']);
    expect(await debootstrapLogTail(path.join(rootfs, 'nope'))).toBeUndefined();
  });
});
