/**
 * The staging folder of the base image build (src/providers/local/staging.ts):
 * a cancelled job's SIGINT stops the running command (a real `sleep` here),
 * removes the folder and raises the signal again. Signals come from a stand-in
 * emitter, so the test process itself is never signalled.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { Staging } from '../../../src/providers/local/staging.js';
import { removeTempDirs, writeTree } from '../../helpers/tree.js';

afterAll(removeTempDirs);

const noMounts = { readMountinfo: async () => '' };

describe('staging', () => {
  it('on SIGINT: stops the running command, removes the folder, then raises SIGINT again with its handlers gone', async () => {
    const dir = writeTree({ 'rootfs/etc/hostname': 'x\n', 'rootfs/debootstrap/debootstrap.log': 'I: Retrieving Packages\n' });
    const signals = new EventEmitter();
    const raised: NodeJS.Signals[] = [];
    let reraised!: () => void;
    const done = new Promise<void>((resolve) => (reraised = resolve));
    const staging = new Staging(dir, {
      ...noMounts,
      signals,
      raise: (signal) => {
        raised.push(signal);
        reraised();
      },
    });
    const release = staging.guard();
    expect(signals.listenerCount('SIGINT')).toBe(1);
    expect(signals.listenerCount('SIGTERM')).toBe(1);

    const started = Date.now();
    const running = staging.run('sleep', ['30']);
    await new Promise((r) => setTimeout(r, 100)); // let it start
    signals.emit('SIGINT', 'SIGINT');
    signals.emit('SIGTERM', 'SIGTERM'); // the runner's second signal, while cleaning up: ignored
    const result = await running;
    await done;

    expect(result.code).toBe(128); // ended by the signal, not after 30 s
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(dir)).toBe(false);
    expect(raised).toEqual(['SIGINT']);
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    release(); // the build's own release afterwards changes nothing
    await expect(staging.run('true', [])).rejects.toThrow(/not started: the build was cancelled \(SIGINT\)/);
  });

  it('without a signal: the handlers go when released, and nothing is removed', async () => {
    const dir = writeTree({ 'keep.txt': 'k' });
    const signals = new EventEmitter();
    const staging = new Staging(dir, { ...noMounts, signals, raise: () => undefined });
    const release = staging.guard();
    expect((await staging.run('sh', ['-c', 'echo one; echo two >&2; exit 3'])).tail.sort()).toEqual(['one', 'two']);
    expect((await staging.run('cat', [], { input: 'piped\n' })).tail).toEqual(['piped']);
    release();
    expect(signals.listenerCount('SIGINT')).toBe(0);
    expect(existsSync(path.join(dir, 'keep.txt'))).toBe(true);
  });

  it("on SIGTERM with `clear` (a rootless build's tree): clears the folder first, then removes what is left", async () => {
    const dir = writeTree({ 'rootfs/etc/shadow': 'root:x:1::::::\n' });
    const signals = new EventEmitter();
    const cleared: { folder: string; treeThere: boolean }[] = [];
    let raised!: () => void;
    const done = new Promise<void>((resolve) => (raised = resolve));
    const staging = new Staging(dir, {
      ...noMounts,
      signals,
      raise: () => raised(),
      // What the namespace's `rm -rf` does; here the files are this user's own.
      clear: async (folder) => {
        cleared.push({ folder, treeThere: existsSync(path.join(folder, 'rootfs/etc/shadow')) });
        await fs.rm(path.join(folder, 'rootfs'), { recursive: true });
      },
    });
    staging.guard();
    signals.emit('SIGTERM', 'SIGTERM');
    await done;
    expect(cleared).toEqual([{ folder: dir, treeThere: true }]); // cleared before anything else removed
    expect(existsSync(dir)).toBe(false);
  });

  it('kills a command that ignores the signal once the grace period is over', async () => {
    const dir = writeTree({ 'a.txt': 'a' });
    const staging = new Staging(dir, { ...noMounts, graceMs: 200 });
    const running = staging.run('sh', ['-c', 'trap "" INT; sleep 30']);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await staging.stop('SIGINT');
    expect((await running).code).toBe(128);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
