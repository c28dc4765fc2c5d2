/**
 * The local store's lock: taken and released, shared within a process,
 * waited for while another live process holds it (then a clear message
 * naming the holder), taken over from a dead one.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE, LOCK_WAIT_ENV, lockStore, lockWaitMs, type Holder } from '../../../src/providers/local/lock.js';
import { removeTempDirs, tempDir } from '../../helpers/tree.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(removeTempDirs);

/** A live process other than this one, to name as a holder. */
function otherProcess(): Promise<number> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', reject);
  });
}

const holderFile = (root: string, holder: Partial<Holder>) =>
  writeFileSync(
    path.join(root, LOCK_FILE),
    JSON.stringify({ host: os.hostname(), command: 'distribute', since: '2026-01-01T00:00:00.000Z', token: 'theirs', ...holder }),
  );

describe('the local store lock', () => {
  it('is a file naming its holder while held, gone once released', async () => {
    const root = tempDir();
    const release = await lockStore({ root, command: 'lifecycle', log: () => undefined });
    const held = JSON.parse(readFileSync(path.join(root, LOCK_FILE), 'utf8')) as Holder;
    expect(held).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'lifecycle', token: expect.any(String) });
    expect(Date.parse(held.since)).not.toBeNaN();
    await release();
    await release(); // twice is once
    expect(readdirSync(root)).toEqual([]);
  });

  it('is shared within one process: two clouds on one store do not wait for each other', async () => {
    const root = tempDir();
    const [a, b] = await Promise.all([
      lockStore({ root, command: 'lifecycle', log: () => undefined }),
      lockStore({ root, command: 'lifecycle', log: () => undefined }),
    ]);
    await a();
    expect(existsSync(path.join(root, LOCK_FILE))).toBe(true);
    await b();
    expect(existsSync(path.join(root, LOCK_FILE))).toBe(false);
  });

  it('waits for a live holder, saying so, and stops with a message naming it', async () => {
    const root = tempDir();
    const pid = await otherProcess();
    holderFile(root, { pid });
    const logs: string[] = [];
    const error = (await lockStore({ root, command: 'lifecycle', log: (m) => logs.push(m), waitMs: 300 }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toBe(
      `local store ${root} is locked by pid ${pid} (distribute, since 2026-01-01T00:00:00.000Z), still after 300 ms: ` +
        `let that run finish and run lifecycle again; if that process is gone (another machine, a container), delete ${path.join(root, LOCK_FILE)}`,
    );
    expect(logs).toEqual([
      `local store ${root} is locked by pid ${pid} (distribute, since 2026-01-01T00:00:00.000Z): waiting up to 300 ms for it`,
    ]);
    expect(JSON.parse(readFileSync(path.join(root, LOCK_FILE), 'utf8'))).toMatchObject({ pid, token: 'theirs' });
  });

  it('takes the lock once the holder lets it go', async () => {
    const root = tempDir();
    holderFile(root, { pid: await otherProcess() });
    const taking = lockStore({ root, command: 'lifecycle', log: () => undefined, waitMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    rmSync(path.join(root, LOCK_FILE));
    const release = await taking;
    expect(JSON.parse(readFileSync(path.join(root, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await release();
  });

  it('takes over a lock whose holder is dead, or left unreadable long ago, with a message', async () => {
    const root = tempDir();
    holderFile(root, { pid: 4_194_304 });
    const logs: string[] = [];
    const release = await lockStore({ root, command: 'lifecycle', log: (m) => logs.push(m), waitMs: 0 });
    expect(logs).toEqual([
      'local store: took over the lock of pid 4194304 (distribute, since 2026-01-01T00:00:00.000Z), which is no longer running',
    ]);
    await release();

    writeFileSync(path.join(root, LOCK_FILE), '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(path.join(root, LOCK_FILE), old, old);
    const again = await lockStore({ root, command: 'lifecycle', log: (m) => logs.push(m), waitMs: 0 });
    expect(logs[1]).toBe(
      `local store: removed the unreadable lock file ${path.join(root, LOCK_FILE)} (left by a run killed while taking it)`,
    );
    await again();
    expect(readdirSync(root)).toEqual([]);
  });

  it('never takes over a lock held on another machine: its pid means nothing here', async () => {
    const root = tempDir();
    holderFile(root, { pid: 4_194_304, host: 'build-7' });
    await expect(lockStore({ root, command: 'distribute', log: () => undefined, waitMs: 0 })).rejects.toThrow(
      `is locked by pid 4194304 on build-7 (distribute, since 2026-01-01T00:00:00.000Z)`,
    );
  });

  it('waits 10 minutes unless IMAGE_BUILDER_LOCK_WAIT_SECONDS says otherwise', () => {
    expect(lockWaitMs({})).toBe(600_000);
    expect(lockWaitMs({ [LOCK_WAIT_ENV]: '2.5' })).toBe(2_500);
    expect(lockWaitMs({ [LOCK_WAIT_ENV]: 'soon' })).toBe(600_000);
  });
});
