/**
 * Debris of killed runs in the local store: what is removed (owner gone, or
 * older than a day), what is left (owner alive, written a moment ago, a link,
 * an image), and that the store's lock and a first add collect it.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alive, collectDebris, debrisOwner } from '../../../src/providers/local/debris.js';
import { LocalProvider } from '../../../src/providers/local/store.js';
import { imageTags } from '../../../src/images/index.js';
import type { Cloud } from '../../../src/topology/model.js';
import { removeTempDirs, tempDir, writeTree } from '../../helpers/tree.js';

afterAll(removeTempDirs);

/** Above this machine's pid_max (at most 2^22 on Linux), so never a live process, but still read as a pid. */
const DEAD_PID = 4_194_304;
const NOW = Date.now();
const MINUTES = 60_000;

/** A debris folder with a file of `bytes` bytes, everything last written `ago` ms before NOW. */
function debris(region: string, name: string, bytes: number, ago: number): string {
  const dir = path.join(region, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'image.qcow2'), Buffer.alloc(bytes));
  const when = new Date(NOW - ago);
  utimesSync(path.join(dir, 'image.qcow2'), when, when);
  utimesSync(dir, when, when);
  return dir;
}

describe('debris of killed runs', () => {
  it('reads the owner from the name', () => {
    expect(debrisOwner('.staging-ib-base-debian12-0123abcd-4242-1717236000000')).toBe(4242);
    expect(debrisOwner('.removing-ib-a-77-1717236000000')).toBe(77);
    expect(debrisOwner('.removing-ib-a-1717236000000')).toBeUndefined(); // an earlier release: no pid
    expect(debrisOwner('.staging-x-99999999-1717236000000')).toBeUndefined(); // no pid is that high
    expect(alive(process.pid)).toBe(true);
    expect(alive(DEAD_PID)).toBe(false);
    expect(alive(0)).toBe(false);
  });

  it('removes what dead runs left, reports each with its size, and leaves the rest', async () => {
    const root = tempDir();
    const rack1 = path.join(root, 'rack1');
    const gone = debris(rack1, `.staging-ib-a-${DEAD_PID}-1717236000000`, 3 * 1024 * 1024, 10 * MINUTES);
    const removing = debris(rack1, `.removing-ib-b-${DEAD_PID}-1717236000000`, 10, 10 * MINUTES);
    const ancient = debris(rack1, `.staging-ib-c-${process.pid}-1717236000000`, 10, 25 * 60 * MINUTES);
    const oldFormat = debris(rack1, '.removing-ib-d-1717236000000', 10, 25 * 60 * MINUTES);
    const running = debris(rack1, `.staging-ib-e-${process.pid}-1717236000000`, 10, 10 * MINUTES);
    const fresh = debris(rack1, `.staging-ib-f-${DEAD_PID}-1717236000000`, 10, 0);
    const youngOldFormat = debris(rack1, '.removing-ib-g-1717236000000', 10, 10 * MINUTES);
    const image = debris(rack1, 'ib-h', 10, 25 * 60 * MINUTES);
    const outside = writeTree({ 'keep.txt': 'precious' });
    const link = path.join(rack1, `.staging-ib-i-${DEAD_PID}-1717236000000`);
    symlinkSync(outside, link);
    const base = debris(root, '.base', 10, 25 * 60 * MINUTES);
    const logs: string[] = [];

    const out = await collectDebris(root, { log: (m) => logs.push(m), now: NOW });

    expect(out.removed.map((r) => [r.path, r.bytes])).toEqual([
      [removing, 10],
      [oldFormat, 10],
      [gone, 3 * 1024 * 1024],
      [ancient, 10],
    ]);
    for (const p of [gone, removing, ancient, oldFormat]) expect(existsSync(p)).toBe(false);
    for (const p of [running, fresh, youngOldFormat, image, link, base, path.join(outside, 'keep.txt')]) expect(existsSync(p)).toBe(true);
    expect(logs).toEqual([
      `local store: removed ${removing} (10 bytes), left by process ${DEAD_PID}, which is gone`,
      `local store: removed ${oldFormat} (10 bytes), left by a run that ended more than 24 h ago`,
      `local store: removed ${gone} (3.0 MiB), left by process ${DEAD_PID}, which is gone`,
      `local store: removed ${ancient} (10 bytes), left by a run that ended more than 24 h ago`,
      `local store: left ${link} in place: not a real folder (a link or a file): not followed`,
    ]);
    expect(Object.fromEntries(out.kept.map((k) => [path.basename(k.path), k.reason]))).toMatchObject({
      [path.basename(running)]: `process ${process.pid} that made it is still running`,
      [path.basename(fresh)]: `written to less than a minute ago (process ${DEAD_PID} looks gone)`,
      [path.basename(youngOldFormat)]: 'no owner in its name and younger than a day',
    });
  });

  describe('through the provider', () => {
    const cloud: Cloud = {
      name: 'lab',
      provider: 'local',
      store: 'store',
      build_region: 'rack1',
      regions: { rack1: { instances: [] } },
      share: { accounts: [], public: false },
    };

    it('are collected when the store is locked, and before a first add when it is free', async () => {
      const dir = writeTree({ 'build/image.qcow2': 'disk' });
      const logs: string[] = [];
      const provider = new LocalProvider(cloud, { baseDir: dir, log: (m) => logs.push(m) });
      const first = debris(provider.regionDir('rack1'), `.staging-ib-a-${DEAD_PID}-1717236000000`, 5, 10 * MINUTES);
      const release = await provider.lock('lifecycle');
      expect(existsSync(first)).toBe(false);
      expect(logs).toEqual([`local store: removed ${first} (5 bytes), left by process ${DEAD_PID}, which is gone`]);
      await release();

      const builder = new LocalProvider(cloud, { baseDir: dir, log: (m) => logs.push(m) });
      const second = debris(provider.regionDir('rack1'), `.removing-ib-b-${DEAD_PID}-1717236000000`, 5, 10 * MINUTES);
      const fp = 'fp1';
      await builder.add(
        {
          name: 'ib-c',
          cloud: 'lab',
          region: 'rack1',
          fingerprint: fp,
          image: 'base',
          os: 'debian12',
          state: 'available',
          channel: 'candidate',
          verified: 'unverified',
          createdAt: '2026-01-01T00:00:00.000Z',
          tags: imageTags({ fingerprint: fp, image: 'base', os: 'debian12', cloud: 'lab' }),
        },
        { 'image.qcow2': path.join(dir, 'build/image.qcow2') },
      );
      expect(existsSync(second)).toBe(false);
      expect(readdirSync(provider.regionDir('rack1'))).toEqual(['ib-c']);
      expect(readdirSync(provider.root)).toEqual(['rack1']); // the lock taken for the collection is gone
    });
  });
});
