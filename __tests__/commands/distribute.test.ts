/**
 * distribute against the EC2, GCP and Azure fakes (real SDKs on 127.0.0.1)
 * and the local store: fan-out, per-region limits, idempotent re-runs after
 * a crash at any point, throttling, partial failure, dry-run.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runDistribute } from '../../src/commands/distribute.js';
import type { CommandDeps } from '../../src/commands/clouds.js';
import { fingerprinted } from '../../src/plan/images.js';
import { writeResult, type BuildResult } from '../../src/commands/results.js';
import { parseInputs, type Inputs } from '../../src/io/inputs.js';
import { createAzureProvider, azureImageDefinition } from '../../src/providers/azure/index.js';
import { staticTokenCredential } from '../../src/providers/azure/client.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { imageTags, type Verdict } from '../../src/images/index.js';
import { type Provider } from '../../src/providers/provider.js';
import { loadTopology } from '../../src/topology/index.js';
import type { FingerprintedImage } from '../../src/plan/types.js';
import { startAwsHarness, type AwsHarness } from '../fakes/aws/harness.js';
import { createAwsProvider } from '../../src/providers/aws/index.js';
import type { Ec2FakeOptions } from '../fakes/aws/server.js';
import { startAzureFake, type AzureFake } from '../fakes/azure/server.js';
import { useGcpFake } from '../fakes/gcp/harness.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const PLAYBOOK = '- name: Provision\n  hosts: all\n  tasks: []\n';
const SOURCES = `sources:
  debian12:
    aws: { owner: "136693071363", name: "debian-12-amd64-*" }
    gcp: { project: debian-cloud, family: debian-12 }
    azure: { publisher: Debian, offer: debian-12, sku: 12-gen2, version: latest }
    local: { suite: bookworm }
`;
const SHARE_ACCOUNT = '111122223333';

function topologyFile(cloud: string, recipes = ['base']): string {
  const images = recipes.map((r) => `  ${r}: { playbooks: [playbooks/provision.yml] }`).join('\n');
  return writeTree({
    'topology.yml': `version: 1\nimages:\n${images}\n${SOURCES}clouds:\n${cloud}lifecycle: { keep: 2 }\n`,
    'playbooks/provision.yml': PLAYBOOK,
  });
}

function cloudYaml(head: string, regions: string[], recipes = ['base']): string {
  const instances = recipes.map((r) => `{ name: n-${r}, image: ${r}, os: debian12 }`).join(', ');
  return `  - ${head}\n    regions:\n${regions.map((r) => `      ${r}: { instances: [ ${instances} ] }`).join('\n')}\n`;
}

async function imagesOf(dir: string): Promise<FingerprintedImage[]> {
  return fingerprinted(await loadTopology(path.join(dir, 'topology.yml')), { clouds: [], images: [] });
}

function inputs(dir: string, extra: Record<string, string> = {}): Inputs {
  const values: Record<string, string> = {
    command: 'distribute',
    topology: path.join(dir, 'topology.yml'),
    results: path.join(dir, 'results'),
    ...extra,
  };
  return parseInputs((name) => values[name] ?? '');
}

/** Forwards every call to `p`; `hook` runs around each one (counting, crashing). */
function wrap(p: Provider, hook: (op: string, args: unknown[], call: () => Promise<unknown>) => Promise<unknown>): Provider {
  const through =
    <T>(op: string, fn: (...a: never[]) => Promise<T>) =>
    (...args: unknown[]) =>
      hook(op, args, () => (fn as (...a: unknown[]) => Promise<T>).apply(p, args)) as Promise<T>;
  return {
    provider: p.provider,
    cloud: p.cloud,
    scope: p.scope,
    inventory: through('inventory', p.inventory),
    copy: through('copy', p.copy),
    tag: through('tag', p.tag),
    share: through('share', p.share),
    deprecate: through('deprecate', p.deprecate),
    remove: through('remove', p.remove),
    inUse: through('inUse', p.inUse),
  };
}

const MUTATING = [
  'CopyImage',
  'CreateTags',
  'ModifyImageAttribute',
  'ModifySnapshotAttribute',
  'EnableImageDeprecation',
  'DeregisterImage',
  'DeleteSnapshot',
];
const fast: CommandDeps = { sleep: async () => undefined };

let aws: AwsHarness | undefined;
afterEach(async () => {
  await aws?.close();
  aws = undefined;
});
afterAll(removeTempDirs);

/**
 * One AWS cloud over `regions`, an image of each recipe in the first region,
 * tagged `verified` (default passed: an earlier run verified it).
 */
async function awsSetup(
  regions: string[],
  options: { recipes?: string[]; fake?: Ec2FakeOptions; share?: boolean; verified?: Verdict } = {},
) {
  const recipes = options.recipes ?? ['base'];
  const share = options.share ? `\n    share: { accounts: ["${SHARE_ACCOUNT}"] }` : '';
  const dir = topologyFile(
    cloudYaml(`name: aws-prod\n    provider: aws\n    account: "123456789012"\n    build_region: ${regions[0]}${share}`, regions, recipes),
    recipes,
  );
  const images = await imagesOf(dir);
  aws = await startAwsHarness({ fake: options.fake });
  const h = aws;
  const sources = images.map((i) =>
    h.fake.state.seedImage({
      region: regions[0],
      name: i.name,
      tags: imageTags({
        fingerprint: i.fingerprint,
        image: i.image,
        os: i.os,
        cloud: 'aws-prod',
        owner: i.owner,
        verified: options.verified ?? 'passed',
      }),
    }),
  );
  return {
    dir,
    images,
    h,
    sources,
    deps: (provider: Provider = h.provider): CommandDeps => ({ ...fast, providerFor: async () => provider }),
  };
}

/** Live (not deregistered) AMIs with this fingerprint in a region of the fake. */
const copiesIn = (h: AwsHarness, region: string, fingerprint: string) =>
  [...h.fake.state.region(region).images.values()].filter((i) => i.tags['ib-fingerprint'] === fingerprint && i.state !== 'deregistered');

const result = (image: FingerprintedImage, imageId: string, verified: BuildResult['verified']): BuildResult => ({
  version: 1,
  cloud: image.cloud,
  provider: image.provider,
  image: image.image,
  os: image.os,
  fingerprint: image.fingerprint,
  name: image.name,
  region: image.buildRegion,
  regions: image.regions,
  imageId,
  builtAt: '2026-01-01T00:00:00.000Z',
  durationSeconds: 1,
  packerVersion: '1.6.6',
  verified,
});

describe('distribute on AWS (EC2 fake)', () => {
  const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-south-1', 'eu-north-1', 'sa-east-1', 'ca-central-1', 'ap-northeast-1'];

  it('fans one image out to every region at once, tags and shares each copy, and is a no-op when run again', async () => {
    const { dir, images, h, sources, deps } = await awsSetup(REGIONS, {
      fake: { copyPendingMs: 150 },
      share: true,
      verified: 'unverified',
    });
    await writeResult(path.join(dir, 'results'), result(images[0], sources[0].id, 'passed'));
    let inFlight = 0;
    let most = 0;
    const counting = wrap(h.provider, async (op, _args, call) => {
      if (op !== 'copy') return call();
      most = Math.max(most, ++inFlight);
      try {
        return await call();
      } finally {
        inFlight--;
      }
    });
    const reporter = recorder();
    const out = await runDistribute(inputs(dir), reporter, deps(counting));

    expect(most).toBe(REGIONS.length - 1); // all 7 copies in flight at once, none waited for another
    expect(out.copied).toBe(7);
    expect(reporter.outputs).toMatchObject({ 'copied-count': '7', 'failed-count': '0' });
    for (const region of REGIONS.slice(1)) {
      const [copy, ...more] = copiesIn(h, region, images[0].fingerprint);
      expect(more).toEqual([]);
      expect(copy).toMatchObject({ state: 'available', name: images[0].name, sourceImageId: sources[0].id });
      expect(copy.tags).toMatchObject({
        'ib-channel': 'candidate',
        'ib-verified': 'passed',
        'ib-cloud': 'aws-prod',
        'ib-owner': images[0].owner,
      });
      expect(copy.launchPermission.userIds).toEqual([SHARE_ACCOUNT]);
      for (const snap of copy.snapshotIds)
        expect(h.fake.state.region(region).snapshots.get(snap)?.tags['ib-fingerprint']).toBe(images[0].fingerprint);
    }
    expect(sources[0].tags['ib-verified']).toBe('passed');
    expect(sources[0].launchPermission.userIds).toEqual([SHARE_ACCOUNT]);
    expect(reporter.markdowns[0]).toContain('```mermaid');
    expect(reporter.texts[0]).toMatch(/7 copies made, 0 failures/);

    h.fake.clearCalls();
    const again = await runDistribute(inputs(dir), recorder(), deps());
    expect(again.copied).toBe(0);
    expect(h.fake.count('CopyImage')).toBe(0);
  });

  it('keeps at most copy-limit copies in flight per destination region', async () => {
    const { dir, h, deps } = await awsSetup(['eu-west-1', 'us-east-1'], { recipes: ['base', 'web', 'db', 'cache', 'queue'] });
    let inFlight = 0;
    let most = 0;
    const counting = wrap(h.provider, async (op, _args, call) => {
      if (op !== 'copy') return call();
      most = Math.max(most, ++inFlight);
      try {
        return await call();
      } finally {
        inFlight--;
      }
    });
    const out = await runDistribute(inputs(dir, { 'copy-limit': '2' }), recorder(), deps(counting));
    expect(out.copied).toBe(5);
    expect(most).toBe(2);
  });

  it('finishes a run that crashed at any point, with never a second copy', async () => {
    const regions = ['eu-west-1', 'us-east-1', 'ap-south-1'];
    let crashes = 0;
    let resumed = 0;
    for (let at = 0; at < 30; at++) {
      for (const mode of ['before', 'midway', 'after'] as const) {
        const { dir, images, h, sources, deps } = await awsSetup(regions, { share: true, verified: 'unverified' });
        await writeResult(path.join(dir, 'results'), result(images[0], sources[0].id, 'passed'));
        let calls = 0;
        let dead = false;
        const crashing = wrap(h.provider, async (op, args, call) => {
          if (dead) throw new Error('the process is gone');
          if (op === 'inventory' || op === 'inUse') return call();
          if (calls++ !== at) return call();
          dead = true;
          if (mode === 'before') throw new Error(`crash before ${op}`);
          // midway through a copy: CopyImage was sent, the waiting never happened
          if (mode === 'midway' && op === 'copy') await h.provider.copy(args[0] as never, args[1] as string);
          else await call();
          throw new Error(`crash after ${op}`);
        });
        const first = await runDistribute(inputs(dir), recorder(), deps(crashing)).then(
          () => undefined,
          (e: Error) => e,
        );
        if (!dead) {
          expect(first).toBeUndefined();
          await aws?.close();
          aws = undefined;
          expect(crashes).toBeGreaterThanOrEqual(8 * 3); // retag, 2 copies, 2 tags, 3 shares were all crash points
          expect(resumed).toBeGreaterThan(0); // some re-runs found a copy under way and waited for it
          return;
        }
        expect(first?.message).toMatch(/^distribute: \d+ steps? failed/);
        crashes += 1;
        const rerun = recorder();
        await runDistribute(inputs(dir), rerun, deps());
        if (rerun.infos.some((l) => /waiting for the copy under way/.test(l))) resumed += 1;
        for (const region of regions.slice(1)) {
          const found = copiesIn(h, region, images[0].fingerprint);
          expect({ at, mode, region, copies: found.length }).toEqual({ at, mode, region, copies: 1 });
          expect(found[0].state).toBe('available');
          expect(found[0].tags).toMatchObject({ 'ib-channel': 'candidate', 'ib-verified': 'passed' });
          expect(found[0].launchPermission.userIds).toEqual([SHARE_ACCOUNT]);
        }
        expect(sources[0].launchPermission.userIds).toEqual([SHARE_ACCOUNT]);
        expect(sources[0].tags['ib-verified']).toBe('passed');
        h.fake.clearCalls();
        expect((await runDistribute(inputs(dir), recorder(), deps())).copied).toBe(0);
        expect(h.fake.count('CopyImage')).toBe(0);
        await aws?.close();
        aws = undefined;
      }
    }
    throw new Error('the crash points never ran out');
  });

  it('retries a throttled region and waits when the concurrent copy limit is reached', async () => {
    const { dir, h, deps } = await awsSetup(['eu-west-1', 'us-east-1', 'ap-south-1'], {
      recipes: ['base', 'web', 'db'],
      fake: { maxConcurrentCopies: 1 },
    });
    h.fake.failNext('CopyImage', { code: 'RequestLimitExceeded', region: 'ap-south-1', times: 2 });
    const reporter = recorder();
    const out = await runDistribute(inputs(dir, { 'copy-limit': '3' }), reporter, {
      ...deps(),
      sleep: () => new Promise((r) => setTimeout(r, 10)),
    });
    expect(out.copied).toBe(6);
    expect(h.fake.calls.filter((c) => c.action === 'CopyImage' && c.error === 'RequestLimitExceeded')).toHaveLength(2);
    expect(h.logs.some((l) => /RequestLimitExceeded in ap-south-1, retry 1/.test(l))).toBe(true);
    expect(h.fake.calls.some((c) => c.action === 'CopyImage' && c.error === 'ResourceLimitExceeded')).toBe(true);
    expect(reporter.infos.some((l) => /copy limit reached in .*, retry 1/.test(l))).toBe(true);
  });

  it('reports a failed region and completes the others; a re-run copies only what is missing', async () => {
    const regions = ['eu-west-1', 'us-east-1', 'ap-south-1', 'eu-north-1'];
    const { dir, images, h, deps } = await awsSetup(regions);
    h.fake.failNext('CopyImage', { code: 'UnauthorizedOperation', region: 'ap-south-1' });
    h.fake.failNext('DescribeImages', { code: 'OptInRequired', region: 'eu-north-1' });
    const reporter = recorder();
    const error = (await runDistribute(inputs(dir), reporter, deps()).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^distribute: 3 steps failed, the rest completed/);
    expect(error.message).toContain('eu-north-1 (inventory)');
    expect(error.message).toMatch(/ap-south-1 \S+ \(copy\): copy failed: .*UnauthorizedOperation/);
    expect(error.message).toMatch(/eu-north-1 \S+ \(copy\): not copied: the inventory of this region failed/);
    expect(reporter.outputs).toMatchObject({ 'copied-count': '1', 'failed-count': '3' });
    expect(copiesIn(h, 'us-east-1', images[0].fingerprint)).toHaveLength(1);
    expect(copiesIn(h, 'ap-south-1', images[0].fingerprint)).toHaveLength(0);
    expect(reporter.texts[0]).toMatch(/Failures:/);

    h.fake.clearCalls();
    const again = await runDistribute(inputs(dir), recorder(), deps());
    expect(again.copied).toBe(2);
    expect(
      h.fake.calls
        .filter((c) => c.action === 'CopyImage')
        .map((c) => c.region)
        .sort(),
    ).toEqual(['ap-south-1', 'eu-north-1']);
  });

  it('does not distribute an image that failed verification, and reports it', async () => {
    const { dir, images, h, sources, deps } = await awsSetup(['eu-west-1', 'us-east-1'], { verified: 'unverified' });
    await writeResult(path.join(dir, 'results'), result(images[0], sources[0].id, 'failed'));
    const reporter = recorder();
    const out = await runDistribute(inputs(dir), reporter, deps());
    expect(out.copied).toBe(0);
    expect(h.fake.count('CopyImage')).toBe(0);
    expect(reporter.warnings.join('\n')).toMatch(/failed verification: not distributed/);
    expect(reporter.texts[0]).toMatch(/Not distributed:[\s\S]*failed verification/);
  });

  it('holds back an image whose verify step did not pass: nothing copied, tagged or shared, and says why everywhere', async () => {
    const { dir, images, h, sources, deps } = await awsSetup(['eu-west-1', 'us-east-1'], { share: true, verified: 'unverified' });
    const why =
      `not verified: the verify step did not pass for ${images[0].name} (${sources[0].id} in eu-west-1, ib-verified=unverified); ` +
      'run verify, or set verify: false on the recipe "base" to opt out';
    for (const dryRun of ['true', 'false']) {
      const reporter = recorder();
      const out = await runDistribute(inputs(dir, { 'dry-run': dryRun }), reporter, deps());
      expect(out.copied).toBe(0);
      expect(out.distribution.images[0]).toMatchObject({ status: 'held', reason: why, copies: [] });
      expect(reporter.warnings).toEqual([`aws-prod/${images[0].name}: ${why}`]);
      expect(reporter.infos.filter((l) => /would (copy|tag|share)/.test(l))).toEqual([]);
      expect(reporter.texts[0]).toMatch(/1 image, 1 not distributed \(1 held back: not verified\)/);
      expect(reporter.texts[0]).toMatch(
        new RegExp(`Not distributed:\\n[\\s\\S]*${images[0].name}\\s+not verified: the verify step did not pass`),
      );
      expect(reporter.markdowns[0]).toContain(`| aws-prod | ${images[0].name} | ${why} |`);
      expect(reporter.markdowns[0]).toMatch(/\| aws-prod \| base \| debian12 \| held \| unverified \|/);
    }
    for (const action of MUTATING) expect({ action, calls: h.fake.count(action) }).toEqual({ action, calls: 0 });
    expect(copiesIn(h, 'us-east-1', images[0].fingerprint)).toEqual([]);
    expect(sources[0].launchPermission.userIds).toEqual([]);
    expect(sources[0].tags['ib-verified']).toBe('unverified');
  });

  it('copies an image that passed verification in an earlier run (its tag), with no result in this run', async () => {
    const { dir, images, h, deps } = await awsSetup(['eu-west-1', 'us-east-1']);
    const out = await runDistribute(inputs(dir), recorder(), deps());
    expect(out.copied).toBe(1);
    expect(copiesIn(h, 'us-east-1', images[0].fingerprint)[0].tags).toMatchObject({ 'ib-verified': 'passed', 'ib-channel': 'candidate' });
  });

  it('copies an unverified image when its recipe says verify: false', async () => {
    const { dir, images, h, deps } = await awsSetup(['eu-west-1', 'us-east-1'], { verified: 'unverified' });
    const file = path.join(dir, 'topology.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'base: { playbooks: [playbooks/provision.yml] }',
        'base: { playbooks: [playbooks/provision.yml], verify: false }',
      ),
    );
    const reporter = recorder();
    const out = await runDistribute(inputs(dir), reporter, deps());
    expect(out.copied).toBe(1);
    expect(reporter.warnings).toEqual([]);
    expect(copiesIn(h, 'us-east-1', images[0].fingerprint)[0].tags).toMatchObject({ 'ib-verified': 'unverified' });
  });

  it('dry-run prints what it would copy, tag and share and calls nothing that changes a thing', async () => {
    const { dir, images, h, sources, deps } = await awsSetup(['eu-west-1', 'us-east-1', 'ap-south-1'], {
      share: true,
      verified: 'unverified',
    });
    await writeResult(path.join(dir, 'results'), result(images[0], sources[0].id, 'passed'));
    const reporter = recorder();
    const out = await runDistribute(inputs(dir, { 'dry-run': 'true' }), reporter, deps());
    expect(out.copied).toBe(0);
    for (const action of MUTATING) expect({ action, calls: h.fake.count(action) }).toEqual({ action, calls: 0 });
    const said = reporter.infos.filter((l) => l.startsWith('dry-run: ')).join('\n');
    expect(said).toMatch(new RegExp(`would copy ${images[0].name} \\(${sources[0].id}\\) of aws-prod from eu-west-1 to ap-south-1`));
    expect(said).toMatch(
      /would tag the copy in us-east-1 \(and its snapshots, where it has any\) with .*ib-channel=candidate.*ib-verified=passed/,
    );
    expect(said).toMatch(new RegExp(`would share aws-prod eu-west-1 ${sources[0].id} with ${SHARE_ACCOUNT}`));
    expect(said).toMatch(new RegExp(`would tag aws-prod eu-west-1 ${sources[0].id} with ib-verified=passed`));
    expect(reporter.texts[0]).toMatch(/dry run: 2 copies would be made, nothing changed/);
  });
});

describe('distribute on GCP (global images)', () => {
  const gcp = useGcpFake();

  it('copies nothing, labels the verdict and shares the image once; dry-run changes nothing', async () => {
    const dir = topologyFile(
      cloudYaml('name: gcp-prod\n    provider: gcp\n    project: test-project\n    share: { accounts: ["group:team@example.com"] }', [
        'europe-west1',
        'us-east1',
        'asia-south1',
      ]),
    );
    const topology = await loadTopology(path.join(dir, 'topology.yml'));
    const [image] = await imagesOf(dir);
    gcp.seedManaged(image.name, { 'ib-fingerprint': image.fingerprint, 'ib-cloud': 'gcp-prod', 'ib-owner': image.owner });
    await writeResult(path.join(dir, 'results'), result(image, image.name, 'passed'));
    const deps: CommandDeps = { ...fast, providerFor: async (cloud) => gcp.provider({}, 'fake-access-token', cloud) };
    expect(topology.clouds[0].share.accounts).toEqual(['group:team@example.com']);

    const dry = recorder();
    await runDistribute(inputs(dir, { 'dry-run': 'true' }), dry, deps);
    expect(['images.setLabels', 'images.setIamPolicy', 'images.insert'].map((op) => gcp.fake.calls.count(op))).toEqual([0, 0, 0]);

    const reporter = recorder();
    const out = await runDistribute(inputs(dir), reporter, deps);
    expect(out.copied).toBe(0);
    expect(gcp.fake.calls.count('images.list')).toBe(2); // one listing per run serves every region
    expect(gcp.fake.calls.count('images.setLabels')).toBe(1);
    expect(gcp.fake.calls.count('images.setIamPolicy')).toBe(1);
    expect(gcp.fake.state.image('test-project', image.name)?.labels['ib-verified']).toBe('passed');
    expect(gcp.fake.state.policy('test-project', image.name)?.bindings).toEqual([
      { role: 'roles/compute.imageUser', members: ['group:team@example.com'] },
    ]);
    expect(reporter.texts[0]).toMatch(/global/);
  });
});

describe('distribute on Azure (gallery replication)', () => {
  let fake: AzureFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('replicates the version to the missing regions once; a re-run changes nothing', async () => {
    fake = await startAzureFake({ replicationPolls: 1 });
    const dir = topologyFile(
      cloudYaml(
        'name: azure-prod\n    provider: azure\n    subscription: 00000000-0000-0000-0000-000000000001\n    resource_group: images-rg\n    gallery: image_builder',
        ['westeurope', 'eastus', 'northeurope'],
      ),
    );
    const [image] = await imagesOf(dir);
    fake.seedVersion({
      definition: azureImageDefinition('base', 'debian12'),
      version: '2026.101.1',
      regions: ['westeurope'],
      tags: imageTags({
        fingerprint: image.fingerprint,
        image: 'base',
        os: 'debian12',
        cloud: 'azure-prod',
        owner: image.owner,
        verified: 'passed',
      }),
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
    const out = await runDistribute(inputs(dir), recorder(), deps);
    expect(out.copied).toBe(2);
    const version = fake.version(azureImageDefinition('base', 'debian12'), '2026.101.1');
    expect(version?.regions.map((r) => r.name).sort()).toEqual(['eastus', 'northeurope', 'westeurope']);
    const updates = fake.count('GalleryImageVersions_Update');
    expect((await runDistribute(inputs(dir), recorder(), deps)).copied).toBe(0);
    expect(fake.count('GalleryImageVersions_Update')).toBe(updates);
  });
});

describe('distribute on the local store', () => {
  it('copies between store regions for real, as candidates, once', async () => {
    const dir = topologyFile(cloudYaml('name: lab\n    provider: local\n    store: store', ['rack1', 'rack2', 'rack3']));
    writeTree({ 'build/image.qcow2': 'disk' }, dir);
    const [image] = await imagesOf(dir);
    const cloud = (await loadTopology(path.join(dir, 'topology.yml'))).clouds[0];
    const store = new LocalProvider(cloud, { baseDir: dir });
    await store.add(
      {
        name: image.name,
        cloud: 'lab',
        region: 'rack1',
        fingerprint: image.fingerprint,
        image: 'base',
        os: 'debian12',
        state: 'available',
        channel: 'gold',
        verified: 'passed',
        createdAt: '2026-01-01T00:00:00.000Z',
        tags: imageTags({
          fingerprint: image.fingerprint,
          image: 'base',
          os: 'debian12',
          cloud: 'lab',
          owner: image.owner,
          channel: 'gold',
          verified: 'passed',
        }),
      },
      { 'image.qcow2': path.join(dir, 'build/image.qcow2') },
    );
    const out = await runDistribute(inputs(dir), recorder(), fast);
    expect(out.copied).toBe(2);
    for (const region of ['rack2', 'rack3']) {
      const [copy, ...more] = await store.inventory(region);
      expect(more).toEqual([]);
      expect(copy).toMatchObject({ fingerprint: image.fingerprint, channel: 'candidate', verified: 'passed', state: 'available' });
    }
    expect((await runDistribute(inputs(dir), recorder(), fast)).copied).toBe(0);
  });
});

describe('distribute when a copy stays pending (EC2 fake)', () => {
  it('reports progress every 30 s, gives up at copy-timeout saying the copy goes on, and a re-run waits for it', async () => {
    // copyPendingPolls: Infinity keeps every new copy `pending` until the test settles it (fakes/aws/state.ts).
    const { dir, images, h } = await awsSetup(['eu-west-1', 'us-east-1'], { fake: { copyPendingPolls: Infinity } });
    let now = Date.parse('2026-01-01T00:00:00Z');
    // The provider's clock moves only when it sleeps: two hours of waiting take no time.
    const deps: CommandDeps = {
      ...fast,
      providerFor: (cloud) =>
        createAwsProvider(
          cloud,
          {
            baseDir: dir,
            env: { AWS_ENDPOINT_URL_EC2: h.fake.url, AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret' },
            sleep: async (ms) => void (now += ms),
          },
          { pollIntervalMs: 15_000, now: () => new Date(now) },
        ),
    };
    const reporter = recorder();
    const error = (await runDistribute(inputs(dir, { 'copy-timeout': '2' }), reporter, deps).catch((e: unknown) => e)) as Error;

    const pendingMessage =
      `the copy of ${images[0].name} into us-east-1 is still pending after 2 min; ` +
      'it continues in the cloud; run distribute again to wait for it';
    expect(error.message).toMatch(/^distribute: 1 step failed/);
    expect(error.message).toContain(pendingMessage);
    expect(error.message).not.toMatch(/copy failed/);
    const progress = reporter.infos.filter((l) => l.includes('copy into us-east-1 still pending'));
    expect(progress.map((l) => /after (.*) \(copy-timeout 2 min\)$/.exec(l)?.[1])).toEqual(['30 s', '1 min', '1 min 30 s', '2 min']);
    expect(progress[0]).toMatch(new RegExp(`^aws-prod/${images[0].name}: copy into us-east-1 still pending after 30 s`));
    expect(reporter.outputs).toMatchObject({ 'copied-count': '0', 'failed-count': '1' });
    expect(h.fake.count('CopyImage')).toBe(1);
    const [pending, ...more] = copiesIn(h, 'us-east-1', images[0].fingerprint);
    expect(more).toEqual([]);
    expect(pending.state).toBe('pending'); // giving up cancelled nothing

    // The copy is still pending when the next run takes its inventory and finishes at the look after
    // (pendingPolls: one more pending answer): the run waits for it instead of copying again.
    pending.pendingPolls = 1;
    h.fake.clearCalls();
    const rerun = recorder();
    const out = await runDistribute(inputs(dir, { 'copy-timeout': '2' }), rerun, deps);
    expect(out.copied).toBe(1);
    // Waiting goes through copy(): its CopyImage carries the same ClientToken, so EC2 answers the copy under way.
    expect(h.fake.calls.filter((c) => c.action === 'CopyImage').map((c) => c.error)).toEqual([undefined]);
    expect(rerun.infos.some((l) => /waiting for the copy under way eu-west-1 -> us-east-1/.test(l))).toBe(true);
    expect(copiesIn(h, 'us-east-1', images[0].fingerprint)).toEqual([expect.objectContaining({ id: pending.id, state: 'available' })]);
  });

  it('reads copy-timeout in minutes, 120 by default', () => {
    const dir = topologyFile(cloudYaml('name: lab\n    provider: local\n    store: store', ['rack1']));
    expect(inputs(dir).copyTimeoutMinutes).toBe(120);
    expect(inputs(dir, { 'copy-timeout': '15' }).copyTimeoutMinutes).toBe(15);
    expect(() => inputs(dir, { 'copy-timeout': '0' })).toThrow(/input "copy-timeout" is "0": write a whole number from 1 to 1440/);
  });
});
