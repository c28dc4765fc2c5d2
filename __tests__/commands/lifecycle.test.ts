/**
 * lifecycle on the local store for real, and against the EC2, GCP and Azure
 * fakes: promotion to gold, native deprecation of the previous gold, keep N,
 * retirement, in-use protection, delete only when asked, dry-run, drift.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandDeps } from '../../src/commands/clouds.js';
import { runLifecycle } from '../../src/commands/lifecycle.js';
import { fingerprinted } from '../../src/plan/images.js';
import { writeResult } from '../../src/commands/results.js';
import { parseInputs, type Inputs } from '../../src/io/inputs.js';
import type { FingerprintedImage } from '../../src/plan/types.js';
import { azureImageDefinition, createAzureProvider } from '../../src/providers/azure/index.js';
import { staticTokenCredential } from '../../src/providers/azure/client.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { imageTags, type Channel, type ImageRecord, type Verdict } from '../../src/images/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { startAwsHarness, type AwsHarness } from '../fakes/aws/harness.js';
import { startAzureFake, type AzureFake } from '../fakes/azure/server.js';
import { useGcpFake } from '../fakes/gcp/harness.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const PLAYBOOK = '- name: Play\n  hosts: all\n  tasks: []\n';
const SOURCES = `sources:
  debian12:
    aws: { owner: "136693071363", name: "debian-12-amd64-*" }
    gcp: { project: debian-cloud, family: debian-12 }
    azure: { publisher: Debian, offer: debian-12, sku: 12-gen2, version: latest }
    local: { suite: bookworm }
`;

/** base is verified with the bundled verify playbook; ctrl with its own. */
function topologyDir(cloudHead: string, regions: Record<string, string[]>, lifecycle = 'keep: 2, retired: [old]'): string {
  const region = (name: string, recipes: string[]) =>
    `      ${name}: { instances: [ ${recipes.map((r) => `{ name: n-${r}, image: ${r}, os: debian12 }`).join(', ')} ] }`;
  return writeTree({
    'topology.yml': `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
  ctrl: { playbooks: [playbooks/provision.yml], verify: playbooks/verify.yml }
${SOURCES}clouds:
  - ${cloudHead}
    regions:
${Object.entries(regions)
  .map(([r, recipes]) => region(r, recipes))
  .join('\n')}
lifecycle: { ${lifecycle} }
`,
    'playbooks/provision.yml': PLAYBOOK,
    'playbooks/verify.yml': PLAYBOOK,
  });
}

async function fingerprints(dir: string): Promise<Record<string, FingerprintedImage>> {
  const images = fingerprinted(await loadTopology(path.join(dir, 'topology.yml')), { clouds: [], images: [] });
  return Object.fromEntries(images.map((i) => [i.image, i]));
}

function inputs(dir: string, extra: Record<string, string> = {}): Inputs {
  const values: Record<string, string> = {
    command: 'lifecycle',
    topology: path.join(dir, 'topology.yml'),
    results: path.join(dir, 'results'),
    ...extra,
  };
  return parseInputs((name) => values[name] ?? '');
}

const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();
const fast: CommandDeps = { sleep: async () => undefined };

describe('lifecycle on the local store', () => {
  async function setup() {
    const dir = topologyDir('name: lab\n    provider: local\n    store: store', { rack1: ['base', 'ctrl'], rack2: ['base', 'ctrl'] });
    writeTree({ 'build/image.qcow2': 'disk' }, dir);
    const fp = await fingerprints(dir);
    const cloud = (await loadTopology(path.join(dir, 'topology.yml'))).clouds[0];
    const store = new LocalProvider(cloud, { baseDir: dir });
    const add = (region: string, name: string, image: string, fingerprint: string, d: number, channel: Channel, verified: Verdict) =>
      store.add(
        {
          name,
          cloud: 'lab',
          region,
          fingerprint,
          image,
          os: 'debian12',
          state: 'available',
          channel,
          verified,
          createdAt: day(d),
          tags: imageTags({ fingerprint, image, os: 'debian12', cloud: 'lab', owner: fp.base.owner, channel, verified }),
        },
        { 'image.qcow2': path.join(dir, 'build/image.qcow2') },
      );
    await add('rack1', 'b1', 'base', 'f-old', 1, 'gold', 'passed');
    await add('rack1', 'b2', 'base', 'f-old', 2, 'candidate', 'passed');
    await add('rack1', 'b3', 'base', 'f-old', 3, 'candidate', 'unverified');
    await add('rack1', 'b4', 'base', fp.base.fingerprint, 4, 'candidate', 'passed');
    await add('rack2', 'b4', 'base', fp.base.fingerprint, 4, 'candidate', 'passed');
    await add('rack1', 'c0', 'ctrl', 'f-old', 1, 'gold', 'passed');
    await add('rack1', 'c1', 'ctrl', fp.ctrl.fingerprint, 2, 'candidate', 'unverified');
    await add('rack1', 'o1', 'old', 'f-x', 1, 'gold', 'passed');
    await add('rack2', 'o2', 'old', 'f-x', 2, 'candidate', 'passed');
    mkdirSync(path.join(store.imageDir('rack1', 'b2'), 'in-use'));
    writeFileSync(path.join(store.imageDir('rack1', 'b2'), 'in-use', 'vm-7'), '');
    return { dir, fp, store };
  }
  const metadata = (store: LocalProvider) =>
    ['rack1', 'rack2']
      .flatMap((r) =>
        readdirSync(store.regionDir(r)).map((n) => `${r}/${n}: ${readFileSync(path.join(store.imageDir(r, n), 'metadata.json'), 'utf8')}`),
      )
      .sort();
  const byName = async (store: LocalProvider, region: string) =>
    Object.fromEntries((await store.inventory(region)).map((r) => [r.name, r])) as Record<string, ImageRecord>;

  it('dry-run changes nothing at all, and says what it would do', async () => {
    const { dir, store } = await setup();
    const before = metadata(store);
    const reporter = recorder();
    const out = await runLifecycle(inputs(dir, { 'dry-run': 'true', delete: 'true' }), reporter, fast);
    expect(metadata(store)).toEqual(before);
    expect(out).toMatchObject({ promoted: 0, outdated: 0, removed: 0 });
    const said = reporter.infos.filter((l) => l.startsWith('dry-run:')).join('\n');
    expect(said).toMatch(/lab\/base\/debian12 in rack1: would promote b4 \(rack1\/b4\) to gold/);
    expect(said).toMatch(/would mark b1 \(rack1\/b1\) outdated and deprecate it, replaced by b4/);
    expect(said).toMatch(/would remove b1 \(rack1\/b1\): beyond-keep/);
    expect(said).toMatch(/lab\/old\/debian12 in rack2: would remove o2 \(rack2\/o2\): retired/);
    expect(said).not.toMatch(/would remove b2/);
    expect(reporter.texts[0]).toMatch(/^dry run, nothing changed/);
  });

  it('promotes, marks outdated and reports removals without delete; removes them with delete, never what is in use', async () => {
    const { dir, fp, store } = await setup();
    await writeResult(path.join(dir, 'results'), {
      version: 1,
      cloud: 'lab',
      provider: 'local',
      image: 'ctrl',
      os: 'debian12',
      fingerprint: fp.ctrl.fingerprint,
      name: 'c1',
      region: 'rack1',
      regions: ['rack1', 'rack2'],
      imageId: 'rack1/c1',
      builtAt: day(2),
      durationSeconds: 1,
      packerVersion: '1.6.6',
      verified: 'passed',
    });
    const reporter = recorder();
    const first = await runLifecycle(inputs(dir), reporter, fast);
    expect(first).toMatchObject({ promoted: 3, outdated: 2, removed: 0 });
    expect(reporter.outputs).toMatchObject({ 'promoted-count': '3', 'removed-count': '0', 'failed-count': '0' });
    const rack1 = await byName(store, 'rack1');
    expect(rack1.b4).toMatchObject({ channel: 'gold' });
    expect(rack1.c1).toMatchObject({ channel: 'gold', verified: 'passed' });
    expect(rack1.b1).toMatchObject({ channel: 'outdated', state: 'deprecated', tags: expect.objectContaining({ 'ib-replacement': 'b4' }) });
    expect(rack1.c0).toMatchObject({ channel: 'outdated', state: 'deprecated', tags: expect.objectContaining({ 'ib-replacement': 'c1' }) });
    expect((await byName(store, 'rack2')).b4.channel).toBe('gold');
    expect(Object.keys(rack1).sort()).toEqual(['b1', 'b2', 'b3', 'b4', 'c0', 'c1', 'o1']);
    expect(reporter.texts[0]).toMatch(/3 promotions, 2 outdated, 3 images to remove \(delete is off: nothing removed\)/);
    expect(reporter.texts[0]).toMatch(/Drift: 3 up to date, 0 outdated, 1 missing/);
    expect(reporter.markdowns[0]).toMatch(/\| lab \| rack2 \| ctrl \| debian12 \| ❌ missing \|/);

    const second = await runLifecycle(inputs(dir, { delete: 'true' }), recorder(), fast);
    expect(second).toMatchObject({ promoted: 0, outdated: 0, removed: 3 });
    expect(Object.keys(await byName(store, 'rack1')).sort()).toEqual(['b2', 'b3', 'b4', 'c0', 'c1']);
    expect(Object.keys(await byName(store, 'rack2')).sort()).toEqual(['b4']);
    expect(existsSync(store.imageDir('rack1', 'b1'))).toBe(false);
    const kept = second.lines.find((l) => l.location.image === 'base' && l.location.regions[0] === 'rack1');
    expect(kept?.decision.kept.map((k) => [k.record.name, k.reason])).toEqual([
      ['b4', 'gold'],
      ['b3', 'newest'],
      ['b2', 'in-use'],
    ]);
    expect(kept?.usage['rack1/b2']).toEqual(['marker:vm-7']);
  });
});

let aws: AwsHarness | undefined;
afterEach(async () => {
  await aws?.close();
  aws = undefined;
});
afterAll(removeTempDirs);

describe('lifecycle on AWS (EC2 fake)', () => {
  it('promotes, deprecates the old gold with its replacement, removes it with its snapshots, keeps what runs', async () => {
    const dir = topologyDir('name: aws-prod\n    provider: aws\n    account: "123456789012"', { 'eu-west-1': ['base'] }, 'keep: 1');
    const fp = await fingerprints(dir);
    aws = await startAwsHarness();
    const h = aws;
    const seed = (name: string, fingerprint: string, d: number, channel: Channel, verified: Verdict) =>
      h.fake.state.seedImage({
        region: 'eu-west-1',
        name,
        creationDate: day(d),
        tags: imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: 'aws-prod', owner: fp.base.owner, channel, verified }),
      });
    const gold = seed('g', 'f-old', 1, 'gold', 'passed');
    const running = seed('a', 'f-old', 2, 'candidate', 'passed');
    const next = seed('n', fp.base.fingerprint, 3, 'candidate', 'passed');
    h.fake.state.seedInstance({ region: 'eu-west-1', imageId: running.id });
    const deps: CommandDeps = { ...fast, providerFor: async () => h.provider };

    const dry = await runLifecycle(inputs(dir, { 'dry-run': 'true', delete: 'true' }), recorder(), deps);
    expect(dry.lines[0].decision.remove.map((x) => x.record.id)).toEqual([gold.id]);
    for (const action of ['CreateTags', 'EnableImageDeprecation', 'DeregisterImage', 'DeleteSnapshot'])
      expect(h.fake.count(action)).toBe(0);

    const out = await runLifecycle(inputs(dir, { delete: 'true' }), recorder(), deps);
    expect(out).toMatchObject({ promoted: 1, outdated: 1, removed: 1 });
    expect(next.tags['ib-channel']).toBe('gold');
    expect(h.fake.count('EnableImageDeprecation')).toBe(1);
    expect(h.fake.calls.find((c) => c.action === 'CreateTags' && c.params['Tag.1.Key'] === 'ib-replacement')?.params['Tag.1.Value']).toBe(
      next.id,
    );
    const region = h.fake.state.region('eu-west-1');
    expect(region.images.has(gold.id)).toBe(false);
    for (const snap of gold.snapshotIds) expect(region.snapshots.has(snap)).toBe(false);
    expect(region.images.has(running.id)).toBe(true);
    expect(out.lines[0].usage[running.id]).toEqual([expect.stringMatching(/^instance\/i-/)]);
    expect(out.drift).toEqual([expect.objectContaining({ region: 'eu-west-1', image: 'base', status: 'up to date' })]);
  });
  it('reports a failed region and completes the others; a failed promotion leaves that line alone', async () => {
    const dir = topologyDir(
      'name: aws-prod\n    provider: aws\n    account: "123456789012"',
      { 'eu-west-1': ['base'], 'us-east-1': ['base'] },
      'keep: 1',
    );
    const fp = await fingerprints(dir);
    aws = await startAwsHarness();
    const h = aws;
    const seed = (region: string, name: string, fingerprint: string, d: number, channel: Channel) =>
      h.fake.state.seedImage({
        region,
        name,
        creationDate: day(d),
        tags: imageTags({
          fingerprint,
          image: 'base',
          os: 'debian12',
          cloud: 'aws-prod',
          owner: fp.base.owner,
          channel,
          verified: 'passed',
        }),
      });
    const olds = ['eu-west-1', 'us-east-1'].map((r) => seed(r, 'g', 'f-old', 1, 'gold'));
    const news = ['eu-west-1', 'us-east-1'].map((r) => seed(r, 'n', fp.base.fingerprint, 2, 'candidate'));
    h.fake.failNext('CreateTags', { code: 'UnauthorizedOperation', region: 'us-east-1' });
    const reporter = recorder();
    const error = (await runLifecycle(inputs(dir, { delete: 'true' }), reporter, { ...fast, providerFor: async () => h.provider }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toMatch(/^lifecycle: 1 step failed, the rest completed[\s\S]*us-east-1 n \(tag\): .*UnauthorizedOperation/);
    expect(reporter.outputs).toMatchObject({ 'promoted-count': '1', 'removed-count': '1', 'failed-count': '1' });
    expect(news.map((n) => n.tags['ib-channel'])).toEqual(['gold', 'candidate']);
    expect(h.fake.state.region('eu-west-1').images.has(olds[0].id)).toBe(false);
    expect(olds[1].tags['ib-channel']).toBe('gold'); // still the gold of us-east-1: not outdated, not removed
    expect(h.fake.state.region('us-east-1').images.has(olds[1].id)).toBe(true);
    expect(h.fake.count('EnableImageDeprecation', 'us-east-1')).toBe(0);
  });
});

describe('lifecycle touches only its own images (EC2 fake, one account)', () => {
  const CLOUD = 'name: aws-prod\n    provider: aws\n    account: "123456789012"';
  /** A topology of cloud aws-prod in eu-west-1 whose top level starts with `head` (namespace, adopt). */
  const owned = (head: string, lifecycle = 'keep: 1') => {
    const dir = topologyDir(CLOUD, { 'eu-west-1': ['base'] }, lifecycle);
    const file = path.join(dir, 'topology.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('version: 1\n', `version: 1\n${head}`));
    return dir;
  };
  const seeder = (h: AwsHarness) => (name: string, tags: Record<string, string>, d: number) =>
    h.fake.state.seedImage({ region: 'eu-west-1', name, creationDate: day(d), tags });
  const tags = (fingerprint: string, owner: string | undefined, channel: Channel) =>
    imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: 'aws-prod', owner, channel, verified: 'passed' });
  const held = (h: AwsHarness) => [...h.fake.state.region('eu-west-1').images.keys()];
  const deps = (h: AwsHarness): CommandDeps => ({ ...fast, providerFor: async () => h.provider });

  it('never lists or removes an AMI tagged by hand (image-builder, ib-recipe and ib-os, no ib-cloud)', async () => {
    const dir = owned('namespace: team-a\n');
    const fp = await fingerprints(dir);
    aws = await startAwsHarness();
    const seed = seeder(aws);
    const ours = seed('ours', tags(fp.base.fingerprint, 'team-a', 'gold'), 2);
    const byHand = seed('by-hand', { 'image-builder': 'true', 'ib-recipe': 'base', 'ib-os': 'debian12' }, 1);
    const out = await runLifecycle(inputs(dir, { delete: 'true' }), recorder(), deps(aws));
    expect(out.lines.flatMap((l) => l.location.records.map((r) => r.id))).toEqual([ours.id]);
    expect(out.removed).toBe(0);
    expect(held(aws)).toContain(byHand.id);
    expect(byHand.tags).toEqual({ 'image-builder': 'true', 'ib-recipe': 'base', 'ib-os': 'debian12' });
  });

  it("two topologies naming a cloud alike in one account never prune each other's images", async () => {
    const dirA = owned('namespace: team-a\n');
    const dirB = owned('namespace: team-b\n');
    const [a, b] = [await fingerprints(dirA), await fingerprints(dirB)];
    expect([a.base.owner, b.base.owner]).toEqual(['team-a', 'team-b']);
    // The owner is not content: the same recipe has the same fingerprint in both.
    expect(a.base.fingerprint).toBe(b.base.fingerprint);
    aws = await startAwsHarness();
    const seed = seeder(aws);
    const image = (owner: string) => ({
      old: seed(`${owner}-old`, tags('f-old', owner, 'gold'), 1),
      mid: seed(`${owner}-mid`, tags('f-old', owner, 'candidate'), 2),
      next: seed(`${owner}-new`, tags(a.base.fingerprint, owner, 'candidate'), 3),
    });
    const [ofA, ofB] = [image('team-a'), image('team-b')];
    const before = JSON.stringify([ofB.old.tags, ofB.mid.tags, ofB.next.tags]);

    const outA = await runLifecycle(inputs(dirA, { delete: 'true' }), recorder(), deps(aws));
    expect(outA).toMatchObject({ promoted: 1, removed: 2 });
    expect(held(aws).sort()).toEqual([ofA.next.id, ofB.old.id, ofB.mid.id, ofB.next.id].sort());
    expect(JSON.stringify([ofB.old.tags, ofB.mid.tags, ofB.next.tags])).toBe(before);

    const outB = await runLifecycle(inputs(dirB, { delete: 'true' }), recorder(), deps(aws));
    expect(outB).toMatchObject({ promoted: 1, removed: 2 });
    expect(held(aws).sort()).toEqual([ofA.next.id, ofB.next.id].sort());
    expect([ofA.next.tags['ib-channel'], ofB.next.tags['ib-channel']]).toEqual(['gold', 'gold']);
  });

  it('leaves images without an owner alone until the topology adopts their cloud, then adopts and tags them in one run', async () => {
    const dir = owned('namespace: team-a\n', 'keep: 2');
    const fp = await fingerprints(dir);
    aws = await startAwsHarness();
    const seed = seeder(aws);
    const old = seed('old', tags('f-old', undefined, 'gold'), 1);
    const next = seed('next', tags(fp.base.fingerprint, undefined, 'candidate'), 2);
    const stranger = seed('stranger', tags('f-old', 'team-b', 'candidate'), 3);

    const alone = recorder();
    const before = await runLifecycle(inputs(dir, { delete: 'true' }), alone, deps(aws));
    expect(before).toMatchObject({ lines: [], promoted: 0, removed: 0, adopted: 0 });
    expect(aws.fake.count('CreateTags')).toBe(0);
    expect(alone.warnings.join('\n')).toMatch(
      /cloud "aws-prod": 1 image of other owners left alone; 2 images without an ib-owner tag left alone.*adopt/,
    );

    const adopting = owned('namespace: team-a\nadopt: [aws-prod]\n', 'keep: 2');
    const dry = recorder();
    await runLifecycle(inputs(adopting, { 'dry-run': 'true' }), dry, deps(aws));
    expect(dry.infos).toEqual(
      expect.arrayContaining([
        `dry-run: aws-prod/base/debian12 in eu-west-1: would adopt old (${old.id}): tag ib-owner=team-a`,
        `dry-run: aws-prod/base/debian12 in eu-west-1: would adopt next (${next.id}): tag ib-owner=team-a`,
      ]),
    );
    expect(aws.fake.count('CreateTags')).toBe(0);

    const out = await runLifecycle(inputs(adopting, { delete: 'true' }), recorder(), deps(aws));
    expect(out).toMatchObject({ adopted: 2, promoted: 1, outdated: 1 });
    expect([old.tags['ib-owner'], next.tags['ib-owner']]).toEqual(['team-a', 'team-a']);
    expect([old.tags['ib-channel'], next.tags['ib-channel']]).toEqual(['outdated', 'gold']);
    expect(stranger.tags).toMatchObject({ 'ib-owner': 'team-b', 'ib-channel': 'candidate' });
    expect(held(aws)).toContain(stranger.id);

    // Adopted for good: without adopt, the next run counts them as its own and adopts nothing more.
    const after = await runLifecycle(inputs(dir), recorder(), deps(aws));
    expect(after.adopted).toBe(0);
    expect(after.lines.flatMap((l) => l.location.records.map((r) => r.id)).sort()).toEqual([old.id, next.id].sort());
  });
});

describe('lifecycle on GCP (global images)', () => {
  const gcp = useGcpFake();

  it('decides once for all regions: one promotion, one deprecation naming the replacement', async () => {
    const dir = topologyDir('name: gcp-prod\n    provider: gcp\n    project: test-project', {
      'europe-west1': ['base'],
      'us-east1': ['base'],
    });
    const fp = await fingerprints(dir);
    const owner = fp.base.owner;
    gcp.seedManaged('ib-base-old', {
      'ib-fingerprint': 'f-old',
      'ib-cloud': 'gcp-prod',
      'ib-owner': owner,
      'ib-channel': 'gold',
      'ib-verified': 'passed',
    });
    gcp.seedManaged('ib-base-new', {
      'ib-fingerprint': fp.base.fingerprint,
      'ib-cloud': 'gcp-prod',
      'ib-owner': owner,
      'ib-verified': 'passed',
    });
    const deps: CommandDeps = { ...fast, providerFor: async (cloud) => gcp.provider({}, 'fake-access-token', cloud) };
    const out = await runLifecycle(inputs(dir), recorder(), deps);
    expect(out.lines.map((l) => l.location.regions)).toEqual([['europe-west1', 'us-east1']]);
    expect(out).toMatchObject({ promoted: 1, outdated: 1 });
    expect(gcp.fake.calls.count('images.deprecate')).toBe(1);
    expect(gcp.fake.state.image('test-project', 'ib-base-new')?.labels['ib-channel']).toBe('gold');
    expect(gcp.fake.state.image('test-project', 'ib-base-old')?.deprecated).toMatchObject({
      state: 'DEPRECATED',
      replacement: expect.stringMatching(/global\/images\/ib-base-new$/),
    });
    expect(out.drift.map((d) => [d.region, d.status])).toEqual([
      ['europe-west1', 'up to date'],
      ['us-east1', 'up to date'],
    ]);
  });
});

describe('lifecycle on Azure (gallery versions)', () => {
  let fake: AzureFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('promotes the new version and deprecates the old one: end of life and excluded from latest', async () => {
    fake = await startAzureFake();
    const dir = topologyDir(
      'name: azure-prod\n    provider: azure\n    subscription: 00000000-0000-0000-0000-000000000001\n    resource_group: images-rg',
      { westeurope: ['base'], eastus: ['base'] },
    );
    const fp = await fingerprints(dir);
    const definition = azureImageDefinition('base', 'debian12');
    const tags = (fingerprint: string, channel: Channel, builtAt: string) =>
      imageTags({
        fingerprint,
        image: 'base',
        os: 'debian12',
        cloud: 'azure-prod',
        owner: fp.base.owner,
        channel,
        verified: 'passed',
        builtAt,
      });
    fake.seedVersion({
      definition,
      version: '2026.101.1',
      regions: ['westeurope', 'eastus'],
      tags: tags('f-old', 'gold', day(1)),
      publishedDate: day(1),
    });
    fake.seedVersion({
      definition,
      version: '2026.102.1',
      regions: ['westeurope', 'eastus'],
      tags: tags(fp.base.fingerprint, 'candidate', day(2)),
      publishedDate: day(2),
    });
    const f = fake;
    const deps: CommandDeps = {
      ...fast,
      providerFor: async (cloud) =>
        createAzureProvider(
          cloud,
          {
            baseDir: dir,
            env: { IMAGE_BUILDER_AZURE_ENDPOINT: f.url },
            sleep: async () => undefined,
          },
          {
            credential: staticTokenCredential('fake-token'),
            ca: f.ca,
            pollIntervalMs: 1,
            retry: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 2 },
          },
        ),
    };
    const out = await runLifecycle(inputs(dir), recorder(), deps);
    expect(out.lines).toHaveLength(1); // one version spans both regions: one decision
    expect(out).toMatchObject({ promoted: 1, outdated: 1, removed: 0 });
    const old = fake.version(definition, '2026.101.1');
    expect(old?.endOfLifeDate).toBeDefined();
    expect(old?.tags).toMatchObject({ 'ib-channel': 'outdated', 'ib-replacement': expect.stringContaining('2026.102.1') });
    expect(old?.regions.every((r) => (r as { excludeFromLatest?: boolean }).excludeFromLatest !== false)).toBe(true);
    expect(fake.version(definition, '2026.102.1')?.tags['ib-channel']).toBe('gold');
  });
});
