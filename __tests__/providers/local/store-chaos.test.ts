/**
 * The local store under lifecycle --delete, over 1,000 seeded stores broken at
 * random the ways a real store gets broken: folders copied by hand into
 * another region, metadata naming another folder, dates that are no dates,
 * metadata that is no record, images of other tools, clouds and owners,
 * images in use (a marker, a process holding the disk open through another
 * path, a process working in the folder, a process naming the disk relative
 * to its working folder), and debris of killed runs.
 *
 * Each store is built from a plan the test keeps (the truth), and what must
 * stay and what must go is worked out from that truth with the lifecycle
 * rules written out here once more, independently of lifecycle/decide.ts:
 * per line (recipe, os) and region folder, the gold (newest promotable image,
 * else the newest gold), the newest `keep`, anything in use, pending or
 * undated stays; in a retired line only in-use, pending and undated images
 * stay; what is not an image of this topology is never touched. Asserted
 * after every run: no promised folder lost, every due folder removed, dead
 * runs' debris collected and live runs' debris left.
 *
 * A failing seed replays alone: CHAOS_SEED=<n>.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runLifecycle } from '../../../src/commands/lifecycle.js';
import { fingerprinted } from '../../../src/plan/images.js';
import { parseInputs } from '../../../src/io/inputs.js';
import { loadTopology } from '../../../src/topology/index.js';
import { imageTags, type Channel, type ImageState, type Verdict } from '../../../src/images/index.js';
import { recorder } from '../../helpers/reporter.js';
import { removeTempDirs, tempDir, writeTree } from '../../helpers/tree.js';

/**
 * Where the stores are built: in memory (/dev/shm) where there is one, since
 * a thousand stores made and removed on a busy disk take minutes; the store
 * code does the same there (rename, lstat, rm, /proc).
 */
const ROOT = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/ib-chaos-') : tempDir('ib-chaos-');
afterAll(() => {
  rmSync(ROOT, { recursive: true, force: true });
  removeTempDirs();
});

const RUNS = Number(process.env.CHAOS_RUNS ?? 1_000);
const ONLY = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : undefined;
const REGIONS = ['rack1', 'rack2'] as const;
const LINES = ['base', 'ctrl', 'old'] as const; // base: no verify playbook; old: retired
const PLAYBOOK = '- name: Play\n  hosts: all\n  tasks: []\n';
const GARBAGE_DATES = ['1717236000000', 'yesterday', '', '2026-02-30T00:00:00.000Z', '2026-01-05T10:00:00', '2026-13-01'];
/** Above this machine's pid_max (at most 2^22 on Linux): never a live process, still read as a pid. */
const DEAD_PID = 4_194_304;

type Kind =
  | 'hand copy'
  | 'metadata names another folder'
  | 'garbage date'
  | 'bad metadata'
  | 'foreign'
  | 'other cloud'
  | 'other owner'
  | 'marker'
  | 'fd through another path'
  | 'working folder'
  | 'relative command line'
  | 'debris';

/** One folder of the store as the test made it. */
interface Truth {
  region: string;
  folder: string;
  /** An image of this topology lifecycle must list and decide about. */
  listed: boolean;
  line?: string;
  fingerprint?: string;
  state?: ImageState;
  channel?: Channel;
  verified?: Verdict;
  /** Creation time, undefined when the date is garbage. */
  time?: number;
  inUse: boolean;
}

/** mulberry32: a tiny seeded PRNG, so every failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function topology(keep: number): string {
  const instances = '{ name: n-base, image: base, os: debian12 }, { name: n-ctrl, image: ctrl, os: debian12 }';
  return `version: 1
images:
  base: { playbooks: [playbooks/provision.yml], verify: false }
  ctrl: { playbooks: [playbooks/provision.yml], verify: playbooks/verify.yml }
sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    store: store
    regions:
${REGIONS.map((r) => `      ${r}: { instances: [ ${instances} ] }`).join('\n')}
lifecycle: { keep: ${keep}, retired: [old] }
`;
}

/** The folders lifecycle must leave, worked out from the truth (see the file comment). */
function promised(truths: Truth[], keep: number, current: Record<string, string>): Set<Truth> {
  const stay = new Set(truths.filter((t) => !t.listed || t.inUse || t.state === 'pending' || t.time === undefined));
  for (const region of REGIONS) {
    for (const line of LINES) {
      if (line === 'old') continue; // retired: nothing is protected for being gold or new
      const dated = truths
        .filter((t) => t.listed && t.region === region && t.line === line && t.time !== undefined)
        .sort((a, b) => (b.time as number) - (a.time as number));
      const promotable = (t: Truth) =>
        t.fingerprint === current[line] &&
        t.state === 'available' &&
        // base says verify: false, so its unverified images may become gold; ctrl's never
        (t.verified === 'passed' || (line === 'base' && t.verified === 'unverified'));
      const gold = dated.find(promotable) ?? dated.find((t) => t.channel === 'gold');
      if (gold) stay.add(gold);
      for (const t of dated.slice(0, keep)) stay.add(t);
    }
  }
  return stay;
}

describe('the local store under lifecycle --delete, broken at random', () => {
  it(`keeps every promised image and removes what is due, over ${ONLY === undefined ? RUNS : 1} seeded runs`, async () => {
    const dir = writeTree({ 'playbooks/provision.yml': PLAYBOOK, 'playbooks/verify.yml': PLAYBOOK, 'topology.yml': topology(2) }, ROOT);
    const images = fingerprinted(await loadTopology(path.join(dir, 'topology.yml')), { clouds: [], images: [] });
    const current = Object.fromEntries(images.filter((i) => i.os === 'debian12').map((i) => [i.image, i.fingerprint]));
    const owner = images[0].owner;
    const store = path.join(dir, 'store');
    const outside = path.join(dir, 'outside');
    const inputs = parseInputs(
      (name) =>
        ({ command: 'lifecycle', topology: path.join(dir, 'topology.yml'), results: path.join(dir, 'results'), delete: 'true' })[name] ??
        '',
    );
    const exercised = Object.fromEntries(
      (
        [
          'hand copy',
          'metadata names another folder',
          'garbage date',
          'bad metadata',
          'foreign',
          'other cloud',
          'other owner',
          'marker',
          'fd through another path',
          'working folder',
          'relative command line',
          'debris',
        ] as Kind[]
      ).map((k) => [k, 0]),
    ) as Record<Kind, number>;
    let removedTotal = 0;
    let keptTotal = 0;
    const started = performance.now();

    for (let seed = ONLY ?? 1; seed <= (ONLY ?? RUNS); seed++) {
      const where = `seed ${seed}`;
      const rnd = prng(seed);
      const int = (n: number) => Math.floor(rnd() * n);
      const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
      const chance = (p: number) => rnd() < p;
      const keep = 1 + int(3);
      writeFileSync(path.join(dir, 'topology.yml'), topology(keep));
      rmSync(store, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
      mkdirSync(outside, { recursive: true });

      const truths: Truth[] = [];
      const children: ChildProcess[] = [];
      const untouchable = new Map<string, string>(); // metadata files that must not change: folder -> text
      const folderOf = (t: Truth) => path.join(store, t.region, t.folder);
      const write = (t: Truth, metadata: unknown) => {
        mkdirSync(folderOf(t), { recursive: true });
        writeFileSync(path.join(folderOf(t), 'image.qcow2'), 'disk');
        const text = typeof metadata === 'string' ? metadata : JSON.stringify(metadata, null, 2);
        writeFileSync(path.join(folderOf(t), 'metadata.json'), text);
        if (!t.listed) untouchable.set(folderOf(t), text);
      };
      const record = (t: Truth, createdAt: string, tags = {}) => ({
        id: `${t.region}/${t.folder}`,
        name: t.folder,
        cloud: 'lab',
        region: t.region,
        fingerprint: t.fingerprint,
        image: t.line,
        os: 'debian12',
        state: t.state,
        channel: t.channel,
        verified: t.verified,
        createdAt,
        tags: {
          ...imageTags({
            fingerprint: t.fingerprint as string,
            image: t.line as string,
            os: 'debian12',
            cloud: 'lab',
            owner,
            channel: t.channel,
            verified: t.verified,
          }),
          ...tags,
        },
      });

      // The store: 0-4 images per line and region, every creation time distinct.
      const hours = [...Array(40).keys()].sort(() => rnd() - 0.5);
      let n = 0;
      for (const region of REGIONS) {
        for (const line of LINES) {
          for (let i = int(5); i > 0; i--) {
            const t: Truth = {
              region,
              folder: `ib-${line}-${n}`,
              listed: true,
              line,
              fingerprint: chance(0.5) ? (current[line] ?? 'f-none') : `f-old-${int(3)}`,
              state: pick(['available', 'available', 'available', 'available', 'pending', 'deprecated'] as const),
              channel: pick(['candidate', 'candidate', 'candidate', 'gold', 'outdated'] as const),
              verified: pick(['passed', 'passed', 'unverified', 'failed'] as const),
              time: Date.UTC(2026, 0, 1) + hours[n] * 3600_000,
              inUse: false,
            };
            n += 1;
            truths.push(t);
          }
        }
      }
      const mine = () => truths.filter((t) => t.listed);
      const dates = new Map<Truth, string>(mine().map((t) => [t, new Date(t.time as number).toISOString()]));
      for (const t of mine()) write(t, record(t, dates.get(t) as string));

      // Garbage dates: kept, never gold, never counted.
      for (const t of mine()) {
        if (!chance(0.06)) continue;
        exercised['garbage date'] += 1;
        t.time = undefined;
        write(t, record(t, pick(GARBAGE_DATES)));
      }
      // Metadata that is no record: the folder is skipped, its image never touched.
      for (const t of mine()) {
        if (!chance(0.04)) continue;
        exercised['bad metadata'] += 1;
        t.listed = false;
        const full = record(t, dates.get(t) as string);
        write(
          t,
          pick(['null', '{}', '{"trunc', '[]', JSON.stringify({ ...full, createdAt: undefined }), JSON.stringify({ ...full, state: 42 })]),
        );
      }
      // Metadata naming another folder (often the gold's): identity stays the folder's.
      if (mine().length >= 2 && chance(0.3)) {
        exercised['metadata names another folder'] += 1;
        const [t, other] = [pick(mine()), pick(mine())];
        const text = readFileSync(path.join(folderOf(t), 'metadata.json'), 'utf8');
        write(t, { ...JSON.parse(text), name: other.folder, id: `${other.region}/${other.folder}`, region: other.region });
      }
      // Folders copied by hand into the other region (metadata still naming the first).
      for (let k = 0; k < 2; k++) {
        const from = mine().filter((t) => !t.folder.startsWith('hand'));
        if (from.length === 0 || !chance(0.3)) continue;
        exercised['hand copy'] += 1;
        const t = pick(from);
        const copy: Truth = { ...t, region: t.region === 'rack1' ? 'rack2' : 'rack1', folder: `hand-copy-${k}`, inUse: false };
        mkdirSync(path.join(store, copy.region), { recursive: true });
        cpSync(folderOf(t), folderOf(copy), { recursive: true });
        copy.inUse = existsSync(path.join(folderOf(copy), 'in-use'));
        truths.push(copy);
      }
      // Images lifecycle must never see as its own.
      const stranger = (kind: Kind, tags: Record<string, string>, p: number, fields: Record<string, string> = {}) => {
        if (!chance(p)) return;
        exercised[kind] += 1;
        const t: Truth = {
          region: pick(REGIONS),
          folder: `stranger-${truths.length}`,
          listed: false,
          line: 'base',
          fingerprint: 'f-old-0',
          state: 'available',
          channel: 'candidate',
          verified: 'passed',
          inUse: false,
        };
        truths.push(t);
        write(t, { ...record(t, '2020-01-01T00:00:00.000Z', tags), ...fields });
      };
      stranger('foreign', { 'image-builder': 'false' }, 0.3);
      // another cloud's image; half of them with a record field still naming this cloud (a contradiction: skipped)
      stranger('other cloud', { 'ib-cloud': 'lab-2' }, 0.3, chance(0.5) ? { cloud: 'lab-2' } : {});
      stranger('other owner', { 'ib-owner': 'someone-else' }, 0.3);

      // In use, four ways.
      const candidates = () => mine().filter((t) => !t.inUse);
      const use = (kind: Kind, p: number, how: (t: Truth) => void) => {
        const free = candidates();
        if (free.length === 0 || !chance(p)) return;
        const t = pick(free);
        exercised[kind] += 1;
        t.inUse = true;
        how(t);
      };
      const sleeper = (options: { cwd?: string; stdin?: number; args?: string[] }) => {
        const child = options.args
          ? spawn('sh', ['-c', 'sleep 600; :', 'sh', ...options.args], { cwd: options.cwd, stdio: 'ignore', detached: true })
          : spawn('sleep', ['600'], { cwd: options.cwd, stdio: [options.stdin ?? 'ignore', 'ignore', 'ignore'], detached: true });
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          child.once('spawn', () => resolve());
          child.once('error', reject);
        });
      };
      use('marker', 0.25, (t) => {
        mkdirSync(path.join(folderOf(t), 'in-use'), { recursive: true });
        writeFileSync(path.join(folderOf(t), 'in-use', 'vm-1'), '');
      });
      const waits: Promise<void>[] = [];
      use('fd through another path', 0.15, (t) => {
        // opened by a relative path through a folder outside the store, as an overlay names its backing file
        const fd = openSync(path.relative(process.cwd(), path.join(outside, '..', 'store', t.region, t.folder, 'image.qcow2')), 'r');
        waits.push(sleeper({ stdin: fd }).finally(() => closeSync(fd)));
      });
      use('working folder', 0.08, (t) => waits.push(sleeper({ cwd: folderOf(t) })));
      use('relative command line', 0.08, (t) => waits.push(sleeper({ cwd: store, args: [`${t.region}/${t.folder}/image.qcow2`] })));
      await Promise.all(waits);

      // Debris: a dead run's (removed), a running one's (left).
      const debris: { path: string; gone: boolean }[] = [];
      if (chance(0.3)) {
        exercised.debris += 1;
        const region = pick(REGIONS);
        mkdirSync(path.join(store, region), { recursive: true });
        for (const [name, gone] of [
          [`.staging-ib-x-${DEAD_PID}-1717236000000`, true],
          [`.removing-ib-y-${DEAD_PID}-1717236000000`, true],
          [`.staging-ib-z-${process.pid}-1717236000000`, false],
        ] as const) {
          const p = path.join(store, region, name);
          mkdirSync(p);
          writeFileSync(path.join(p, 'image.qcow2'), 'partial');
          const old = new Date(Date.now() - 3600_000);
          utimesSync(path.join(p, 'image.qcow2'), old, old);
          utimesSync(p, old, old);
          debris.push({ path: p, gone });
        }
      }

      const stay = promised(truths, keep, current);
      let error: unknown;
      let usage: Record<string, string[]> = {};
      try {
        const out = await runLifecycle(inputs, recorder(), { sleep: async () => undefined });
        usage = Object.assign({}, ...out.lines.map((l) => l.usage));
      } catch (e) {
        error = e;
      } finally {
        // gone before the next run, whose folders have the same paths
        await Promise.all(
          children.map((child) => {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            process.kill(-(child.pid as number), 'SIGKILL');
            return exited;
          }),
        );
      }
      expect({ where, error: (error as Error | undefined)?.message }).toEqual({ where, error: undefined });
      const lost = [...stay].filter((t) => !existsSync(folderOf(t))).map((t) => `${t.region}/${t.folder}`);
      const due = truths.filter((t) => !stay.has(t));
      // each with what lifecycle found using it, if anything
      const notRemoved = due
        .filter((t) => existsSync(folderOf(t)))
        .map((t) => `${t.region}/${t.folder} ${usage[`${t.region}/${t.folder}`] ?? ''}`);
      expect({ where, lost, notRemoved }).toEqual({ where, lost: [], notRemoved: [] });
      for (const [folder, text] of untouchable) {
        expect({ where, folder, text: readFileSync(path.join(folder, 'metadata.json'), 'utf8') }).toEqual({ where, folder, text });
      }
      for (const d of debris)
        expect({ where, debris: d.path, exists: existsSync(d.path) }).toEqual({ where, debris: d.path, exists: !d.gone });
      expect({ where, lock: existsSync(path.join(store, '.lock')) }).toEqual({ where, lock: false });
      removedTotal += due.length;
      keptTotal += stay.size;
    }

    const seconds = (performance.now() - started) / 1000;
    console.log(
      `store chaos: ${ONLY === undefined ? RUNS : 1} runs in ${seconds.toFixed(1)} s; ${removedTotal} folders removed as due, ` +
        `${keptTotal} kept as promised; corruptions: ${JSON.stringify(exercised)}`,
    );
    if (ONLY === undefined && RUNS >= 1_000) {
      // the generator reaches every corruption, and lifecycle had real work to do
      for (const [kind, count] of Object.entries(exercised)) expect({ kind, enough: count >= 50 }).toEqual({ kind, enough: true });
      expect(removedTotal).toBeGreaterThan(1_000);
    }
  }, 180_000);
});
