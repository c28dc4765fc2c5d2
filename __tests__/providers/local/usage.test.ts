/**
 * Who uses a local image folder, against real processes of this machine:
 * children that hold a file open, name it relatively, sit in the folder, or
 * name a qcow2 overlay whose backing chain reaches the image (real qemu-img).
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawn, execFileSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageScanner } from '../../../src/providers/local/usage.js';
import { describeWith } from '../../helpers/tools.js';
import { removeTempDirs, tempDir } from '../../helpers/tree.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(removeTempDirs);

/** A child that lives until killed, visible in /proc once this resolves (libuv returns from spawn after exec). */
function child(args: string[], options: { cwd?: string; stdio?: StdioOptions } = {}): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', ...args], { stdio: 'ignore', ...options });
  children.push(proc);
  return new Promise((resolve, reject) => {
    proc.once('spawn', () => resolve(proc));
    proc.once('error', reject);
  });
}

function store() {
  const root = tempDir();
  const image = path.join(root, 'store', 'rack1', 'ib-a');
  mkdirSync(image, { recursive: true });
  writeFileSync(path.join(image, 'image.qcow2'), 'disk');
  return { root, image, disk: path.join(image, 'image.qcow2') };
}

describe('UsageScanner', () => {
  it('sees nothing when nothing uses the folder, and markers when there are', async () => {
    const { image } = store();
    expect(await new UsageScanner().usersOf(image)).toEqual([]);
    mkdirSync(path.join(image, 'in-use'));
    writeFileSync(path.join(image, 'in-use', 'vm-1'), '');
    expect(await new UsageScanner().usersOf(image)).toEqual(['marker:vm-1']);
  });

  it('sees a process holding a file of the folder open, whatever path it opened it by', async () => {
    const { root, image, disk } = store();
    const scanner = new UsageScanner();
    expect(await scanner.usersOf(image)).toEqual([]);
    // opened through a link outside the store: the fd names the real file
    symlinkSync(disk, path.join(root, 'elsewhere.qcow2'));
    const fd = openSync(path.join(root, 'elsewhere.qcow2'), 'r');
    let holder: ChildProcess;
    try {
      holder = await child([], { stdio: [fd, 'ignore', 'ignore'] });
    } finally {
      closeSync(fd);
    }
    // a process started after the last check is always read, however recent that check
    expect(await scanner.usersOf(image)).toEqual([`process:${holder.pid}`]);
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await scanner.usersOf(image)).toEqual([]);
  });

  it('sees a process naming a file of the folder relative to its working folder, and one working in the folder', async () => {
    const { root, image } = store();
    const naming = await child(['store/rack1/ib-a/image.qcow2'], { cwd: root });
    expect(await new UsageScanner().usersOf(image)).toEqual([`process:${naming.pid}`]);
    naming.kill('SIGKILL');
    const inside = await child([], { cwd: image });
    expect(await new UsageScanner().usersOf(image)).toContain(`process:${inside.pid} (working folder)`);
  });
});

describeWith(['qemu-img'], 'UsageScanner with qemu-img', () => {
  const qemuImg = (...args: string[]) => execFileSync('qemu-img', args, { stdio: 'pipe' });

  it('sees a process booting an overlay (two levels, relative backing paths) whose chain reaches the image', async () => {
    const { root, image, disk } = store();
    writeFileSync(disk, ''); // a real qcow2 disk in its place
    qemuImg('create', '-q', '-f', 'qcow2', disk, '1M');
    const work = path.join(root, 'work', 'verify');
    mkdirSync(work, { recursive: true });
    // as verify does, but with relative backing paths: resolved against the folder of the file naming them
    qemuImg('create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', '../../store/rack1/ib-a/image.qcow2', path.join(work, 'base.qcow2'));
    qemuImg('create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', 'base.qcow2', path.join(work, 'overlay.qcow2'));
    // QEMU's -drive syntax, the overlay named relative to the process's working folder, and not opened
    const qemu = await child(['-drive', 'file=overlay.qcow2,if=virtio,format=qcow2'], { cwd: work });
    expect(await new UsageScanner().usersOf(image)).toEqual([`process:${qemu.pid} (through ${path.join(work, 'overlay.qcow2')})`]);
    // an overlay of another image does not count
    const other = path.join(root, 'other.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', other, '1M');
    qemu.kill('SIGKILL');
    await child([other]);
    expect(await new UsageScanner().usersOf(image)).toEqual([]);
  });

  it('fails, rather than answer "not in use", when the chain of a named qcow2 cannot be read', async () => {
    const { root, image } = store();
    const broken = path.join(root, 'broken.qcow2');
    writeFileSync(broken, Buffer.concat([Buffer.from([0x51, 0x46, 0x49, 0xfb]), Buffer.alloc(60, 0xff)]));
    await child([broken]);
    await expect(new UsageScanner().usersOf(image)).rejects.toThrow(`qemu-img could not read the backing chain of ${broken}`);
  });
});
