/**
 * The preparation of the base image's tree (src/providers/local/prepare.ts),
 * run for real by `sh` on a small tree, with a stand-in `chroot` on PATH that
 * records its arguments and what it read on stdin: no root needed.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { BASE_FILES, EMPTIED, prepareScript, shellQuote } from '../../../src/providers/local/prepare.js';
import { removeTempDirs, writeTree } from '../../helpers/tree.js';

afterAll(removeTempDirs);

const FAKE_CHROOT = `#!/bin/sh
echo "$*" >> "$CHROOT_LOG"
[ "$2" = chpasswd ] && cat >> "$CHROOT_LOG.stdin"
exit 0
`;

function run(tree: string, input: string, bin: string) {
  const log = path.join(bin, 'chroot.log');
  const result = spawnSync('sh', ['-c', prepareScript(), 'prepare', tree], {
    input,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, CHROOT_LOG: log },
    encoding: 'utf8',
  });
  return { ...result, log };
}

describe('preparing the tree', () => {
  it('sets the password through chroot chpasswd from stdin, writes the files, enables networkd, empties caches', () => {
    const tree = writeTree({
      'etc/hostname': 'debootstrap-host\n',
      'usr/share/doc/bash/copyright': 'x',
      'usr/share/locale/de/LC_MESSAGES/x.mo': 'x',
      'var/lib/apt/lists/deb_Packages': 'x',
      'etc/systemd/system/multi-user.target.wants/systemd-networkd.service': 'a file in the way',
    });
    symlinkSync('../run/systemd/resolve/stub-resolv.conf', path.join(tree, 'etc/resolv.conf'));
    const bin = writeTree({ chroot: FAKE_CHROOT });
    chmodSync(path.join(bin, 'chroot'), 0o755);

    const result = run(tree, 'root:s3cret\n', bin);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(readFileSync(result.log, 'utf8')).toBe(`${tree} chpasswd\n${tree} apt-get clean\n`);
    expect(readFileSync(`${result.log}.stdin`, 'utf8')).toBe('root:s3cret\n');
    for (const [rel, text] of Object.entries(BASE_FILES)) {
      expect(readFileSync(path.join(tree, rel), 'utf8')).toBe(text);
      expect(lstatSync(path.join(tree, rel)).isFile()).toBe(true); // resolv.conf: the link replaced, not written through
      expect(statSync(path.join(tree, rel)).mode & 0o777).toBe(0o644);
    }
    expect(existsSync(path.join(tree, 'run'))).toBe(false);
    expect(readlinkSync(path.join(tree, 'etc/systemd/system/multi-user.target.wants/systemd-networkd.service'))).toBe(
      '/lib/systemd/system/systemd-networkd.service',
    );
    for (const rel of EMPTIED) expect(readdirSync(path.join(tree, rel))).toEqual([]);
  });

  it('stops at the first failing command', () => {
    const tree = writeTree({ 'etc/hostname': 'debootstrap-host\n' });
    const bin = writeTree({ chroot: '#!/bin/sh\necho "chpasswd: PAM: Authentication token manipulation error" >&2\nexit 1\n' });
    chmodSync(path.join(bin, 'chroot'), 0o755);
    const result = run(tree, 'root:x\n', bin);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Authentication token manipulation error');
    expect(readFileSync(path.join(tree, 'etc/hostname'), 'utf8')).toBe('debootstrap-host\n');
  });

  it('quotes any text for the shell', () => {
    const text = `it's "x" $HOME \`id\` \\ \n`;
    expect(spawnSync('sh', ['-c', `printf %s ${shellQuote(text)}`], { encoding: 'utf8' }).stdout).toBe(text);
  });
});
