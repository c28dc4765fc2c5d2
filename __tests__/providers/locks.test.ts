/**
 * lockAll, as distribute and lifecycle take their clouds' locks: in order,
 * all released, none left behind on failure; and the two commands on a local
 * store another run holds: they stop naming the holder and change nothing,
 * take over a dead run's lock, and a dry run takes no lock at all.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostLockDir, lockAll } from '../../src/providers/locks.js';
import type { Provider } from '../../src/providers/provider.js';
import type { CommandDeps } from '../../src/commands/clouds.js';
import { runDistribute } from '../../src/commands/distribute.js';
import { runLifecycle } from '../../src/commands/lifecycle.js';
import { fingerprinted } from '../../src/plan/images.js';
import { parseInputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { LOCK_FILE, LOCK_WAIT_ENV } from '../../src/providers/local/lock.js';
import { imageTags, type ImageRecord } from '../../src/images/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(removeTempDirs);

/** A process that stays alive while a test holds a lock in its name. */
function liveProcess(): Promise<number> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', reject);
  });
}

describe('lockAll', () => {
  const fake = (name: string, log: string[], fail?: 'lock' | 'release'): Provider =>
    ({
      cloud: { name },
      lock: async (command: string) => {
        if (fail === 'lock') throw new Error(`${name} is locked`);
        log.push(`lock ${name} for ${command}`);
        return async () => {
          log.push(`release ${name}`);
          if (fail === 'release') throw new Error(`${name} release failed`);
        };
      },
    }) as unknown as Provider;
  const lockless = { cloud: { name: 'aws' } } as unknown as Provider;

  it('takes every lock in cloud-name order and releases them all, last first', async () => {
    const log: string[] = [];
    const release = await lockAll([fake('zeta', log), lockless, fake('alpha', log)], 'lifecycle');
    expect(log).toEqual(['lock alpha for lifecycle', 'lock zeta for lifecycle']);
    await release();
    expect(log.slice(2)).toEqual(['release zeta', 'release alpha']);
  });

  it('releases what it took when a later lock fails, and every lock when one release fails', async () => {
    const log: string[] = [];
    await expect(lockAll([fake('a', log), fake('b', log, 'lock')], 'distribute')).rejects.toThrow('b is locked');
    expect(log).toEqual(['lock a for distribute', 'release a']);
    const release = await lockAll([fake('c', log, 'release'), fake('d', log)], 'distribute');
    await expect(release()).rejects.toThrow('c release failed');
    expect(log.slice(2)).toEqual(['lock c for distribute', 'lock d for distribute', 'release d', 'release c']);
  });
});

describe('distribute and lifecycle on a local store another run holds', () => {
  const PLAYBOOK = '- name: Play\n  hosts: all\n  tasks: []\n';

  async function setup() {
    const dir = writeTree({
      'topology.yml': `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    store: store
    regions:
      rack1: { instances: [ { name: n-base, image: base, os: debian12 } ] }
      rack2: { instances: [ { name: n-base, image: base, os: debian12 } ] }
lifecycle: { keep: 1 }
`,
      'playbooks/provision.yml': PLAYBOOK,
      'build/image.qcow2': 'disk',
    });
    const topology = await loadTopology(path.join(dir, 'topology.yml'));
    const [image] = fingerprinted(topology, { clouds: [], images: [] });
    const store = new LocalProvider(topology.clouds[0], { baseDir: dir });
    const add = (name: string, fingerprint: string, day: number): Promise<ImageRecord> =>
      store.add(
        {
          name,
          cloud: 'lab',
          region: 'rack1',
          fingerprint,
          image: 'base',
          os: 'debian12',
          state: 'available',
          channel: 'candidate',
          verified: 'passed',
          createdAt: new Date(Date.UTC(2026, 0, day)).toISOString(),
          tags: imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: 'lab', owner: image.owner, verified: 'passed' }),
        },
        { 'image.qcow2': path.join(dir, 'build/image.qcow2') },
      );
    await add('ib-old', 'f-old', 1);
    await add(image.name, image.fingerprint, 2);
    const inputs = (command: string, extra: Record<string, string> = {}) => {
      const values: Record<string, string> = {
        command,
        topology: path.join(dir, 'topology.yml'),
        results: path.join(dir, 'results'),
        ...extra,
      };
      return parseInputs((name) => values[name] ?? '');
    };
    const lockFile = path.join(store.root, LOCK_FILE);
    const holder = (pid: number) =>
      writeFileSync(
        lockFile,
        JSON.stringify({ pid, host: os.hostname(), command: 'lifecycle', since: '2026-01-01T00:00:00.000Z', token: 'theirs' }),
      );
    const folders = () => ['rack1', 'rack2'].map((r) => (existsSync(store.regionDir(r)) ? readdirSync(store.regionDir(r)).sort() : []));
    return { store, image, inputs, lockFile, holder, folders };
  }

  /** The wait for another run: none, so the tests do not wait. */
  const deps: CommandDeps = { sleep: async () => undefined, context: { env: { [LOCK_WAIT_ENV]: '0' } } };

  it('stop with a message naming the holder, and change nothing', async () => {
    const { image, inputs, lockFile, holder, folders } = await setup();
    const pid = await liveProcess();
    holder(pid);
    const before = folders();
    const holderText = `is locked by pid ${pid} (lifecycle, since 2026-01-01T00:00:00.000Z)`;
    await expect(runLifecycle(inputs('lifecycle', { delete: 'true' }), recorder(), deps)).rejects.toThrow(holderText);
    await expect(runDistribute(inputs('distribute'), recorder(), deps)).rejects.toThrow(holderText);
    expect(folders()).toEqual(before);
    expect(before).toEqual([['ib-old', image.name].sort(), []]);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid, token: 'theirs' });
    // a dry run changes nothing, so it takes no lock and runs
    const dry = recorder();
    await runLifecycle(inputs('lifecycle', { delete: 'true', 'dry-run': 'true' }), dry, deps);
    expect(dry.infos.join('\n')).toMatch(/would remove ib-old/);
  });

  it("take over a dead run's lock, saying so, do their work and leave no lock behind", async () => {
    const { image, inputs, lockFile, holder, folders } = await setup();
    holder(4_194_304);
    const reporter = recorder();
    const out = await runDistribute(inputs('distribute'), reporter, deps);
    expect(out.copied).toBe(1);
    expect(reporter.infos).toContain(
      'local store: took over the lock of pid 4194304 (lifecycle, since 2026-01-01T00:00:00.000Z), which is no longer running',
    );
    expect(existsSync(lockFile)).toBe(false);
    const removed = await runLifecycle(inputs('lifecycle', { delete: 'true' }), recorder(), deps);
    expect(removed.removed).toBe(1);
    expect(folders()).toEqual([[image.name], [image.name]]);
    expect(existsSync(lockFile)).toBe(false);
  });
});

describe('host lock of a cloud without a lock of its own (AWS, GCP, Azure)', () => {
  const cloud = { name: 'aws-prod', provider: 'aws', account: '111122223333' } as unknown as Provider['cloud'];
  const provider = { cloud } as unknown as Provider;

  it('is one file per provider, account and cloud in IMAGE_BUILDER_LOCK_DIR, taken and released', async () => {
    const env = { IMAGE_BUILDER_LOCK_DIR: writeTree({}), [LOCK_WAIT_ENV]: '0' };
    const dir = hostLockDir(cloud, env);
    expect(path.basename(dir)).toBe('aws--111122223333--aws-prod');
    const release = await lockAll([provider], 'distribute', { env });
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, command: 'distribute' });
    await release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('a second run on this host stops naming the holder, for the same cloud only', async () => {
    const env = { IMAGE_BUILDER_LOCK_DIR: writeTree({}), [LOCK_WAIT_ENV]: '0' };
    const pid = await liveProcess();
    const dir = hostLockDir(cloud, env);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    writeFileSync(
      path.join(dir, LOCK_FILE),
      JSON.stringify({ pid, host: os.hostname(), command: 'lifecycle', since: '2026-01-01T00:00:00.000Z', token: 'theirs' }),
    );
    await expect(lockAll([provider], 'distribute', { env, sleep: async () => undefined })).rejects.toThrow(
      `cloud "aws-prod" (this host's lock ${dir}) is locked by pid ${pid} (lifecycle, since 2026-01-01T00:00:00.000Z)`,
    );
    const other = { cloud: { ...cloud, account: '444455556666' } } as unknown as Provider;
    const release = await lockAll([other], 'distribute', { env });
    await release();
  });
});
