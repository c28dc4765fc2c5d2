/**
 * plan across aws, gcp, azure and local at once: the real runPlan and the real
 * createProvider, configured only through the environment and inputs, against
 * the EC2, Compute and ARM fakes on 127.0.0.1 and a local store in a temp dir.
 *
 * List calls counted here are HTTP requests the fakes receive; every fake
 * pages at its cloud's usual maximum (AWS 500 per DescribeImages, GCP 500,
 * Azure 500), so up to 200 images each listing is one page:
 * - AWS: one DescribeImages per region of the cloud;
 * - GCP: one images.list per project (images are global);
 * - Azure: one gallery listing per gallery, cached by the provider and shared
 *   by every region: GalleryImages_ListByGallery + one
 *   GalleryImageVersions_ListByGalleryImage per image definition +
 *   Images_ListByResourceGroup;
 * - local: one inventory call (a directory read) per region.
 * Besides, every (cloud, source) resolves once, in the cloud's build region
 * (AWS DescribeImages by owner and name, GCP images.getFromFamily, Azure
 * VirtualMachineImages List, the local suite's Release file on a Debian
 * mirror fake), at the same time as the listings.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPlan } from '../../src/commands/plan.js';
import { fingerprinted } from '../../src/plan/images.js';
import { parseInputs, type Inputs } from '../../src/io/inputs.js';
import { createProvider } from '../../src/providers/index.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { azureImageDefinition } from '../../src/providers/azure/index.js';
import { azureCredential } from '../../src/providers/azure/client.js';
import { caFromEnv, tokenFromEnv } from '../../src/providers/azure/endpoint-token.js';
import { imageTags } from '../../src/images/index.js';
import { type Provider } from '../../src/providers/provider.js';
import { loadTopology } from '../../src/topology/index.js';
import type { FingerprintedImage } from '../../src/plan/types.js';
import { startEc2Fake, type Ec2Fake } from '../fakes/aws/server.js';
import { startGcpFake, type GcpFake } from '../fakes/gcp/server.js';
import { startAzureFake, type AzureFake } from '../fakes/azure/server.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, tempDir } from '../helpers/tree.js';
import { startDebianMirror, type DebianMirror } from '../fakes/debian/mirror.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/multicloud');
const AZURE_TOKEN = 'fake-azure-token-7f3a';
const GCP_TOKEN = 'fake-gcp-token-91bc';

const ENV_KEYS = [
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_PROFILE',
  'IMAGE_BUILDER_GCP_ENDPOINT',
  'IMAGE_BUILDER_AZURE_ENDPOINT',
  'IMAGE_BUILDER_AZURE_ACCESS_TOKEN',
  'IMAGE_BUILDER_AZURE_CA_FILE',
  'IMAGE_BUILDER_DEBIAN_MIRROR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
] as const;
const saved = ENV_KEYS.map((k) => process.env[k]);
afterAll(() =>
  ENV_KEYS.forEach((k, i) => {
    if (saved[i] === undefined) delete process.env[k];
    else process.env[k] = saved[i];
  }),
);

let ec2: Ec2Fake;
let gcp: GcpFake;
let azure: AzureFake;
let mirror: DebianMirror;
let dir: string;
let inputs: Inputs;

beforeAll(async () => {
  [ec2, gcp, azure, mirror] = await Promise.all([
    startEc2Fake({ account: '123456789012' }),
    startGcpFake({ pageSize: 500 }),
    startAzureFake({ pageSize: 500, token: AZURE_TOKEN }),
    startDebianMirror(),
  ]);
  const ca = path.join(tempDir('ib-ca-'), 'fake-ca.pem');
  writeFileSync(ca, azure.ca);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_EC2: ec2.url,
    AWS_ACCESS_KEY_ID: 'AKIDFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    IMAGE_BUILDER_GCP_ENDPOINT: gcp.url,
    IMAGE_BUILDER_AZURE_ENDPOINT: azure.url,
    IMAGE_BUILDER_AZURE_ACCESS_TOKEN: AZURE_TOKEN,
    IMAGE_BUILDER_AZURE_CA_FILE: ca,
    IMAGE_BUILDER_DEBIAN_MIRROR: mirror.url,
    // Anything not aimed at the fakes fails at once instead of reaching the internet.
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  });
  delete process.env.AWS_PROFILE;
});
afterAll(async () => Promise.all([ec2.close(), gcp.close(), azure.close(), mirror.close()]));
afterAll(removeTempDirs);

beforeEach(() => {
  dir = tempDir('ib-multicloud-');
  cpSync(FIXTURE, dir, { recursive: true });
  inputs = parseInputs(
    (name) =>
      (
        ({
          topology: path.join(dir, 'topology.yml'),
          'plan-file': path.join(dir, 'plan.json'),
          'gcp-access-token': GCP_TOKEN,
        }) as Record<string, string>
      )[name] ?? '',
  );
});
afterEach(() => {
  ec2.state.regions.clear();
  gcp.state.images.clear();
  azure.state.galleries.get('image_builder')?.definitions.clear();
  azure.state.images.clear();
  ec2.clearCalls();
  gcp.calls.reset();
  azure.calls.splice(0);
  mirror.requests.splice(0);
});

async function images(): Promise<Record<string, FingerprintedImage>> {
  const all = fingerprinted(await loadTopology(inputs.topology), inputs);
  return Object.fromEntries(all.map((i) => [`${i.cloud}/${i.image}`, i]));
}

/** The tags of an image this topology made and verified (its owner included, as the inventory requires). */
const tagsOf = (owner: string) => (cloud: string, image: string, fingerprint: string) =>
  imageTags({ fingerprint, image, os: 'debian12', cloud, owner, verified: 'passed' });
let serial = 0;
const oldFp = () => `0ld${(serial++).toString(16).padStart(29, '0')}`;

/**
 * The scene every test plans against (7 images, plus `legacy` ones to retire),
 * and `noise` more images of older fingerprints spread over every cloud.
 * Returns the image ids the plan should name.
 */
async function seed(noise: number) {
  // What debian12 resolves to in each cloud: published before any image here was built.
  ec2.state.publishUpstream({
    region: 'eu-west-1',
    ownerId: '136693071363',
    name: 'debian-12-amd64-20240101-1600',
    creationDate: '2024-01-01T10:00:00Z',
  });
  gcp.state.publishUpstream({
    project: 'debian-cloud',
    family: 'debian-12',
    name: 'debian-12-bookworm-v20240101',
    creationTimestamp: '2024-01-01T02:00:00.000-08:00',
  });
  azure.marketplace.splice(0, azure.marketplace.length, {
    publisher: 'Debian',
    offer: 'debian-12',
    sku: '12-gen2',
    version: '0.20240101.1600',
    hyperVGeneration: 'V2',
  });
  mirror.publish('bookworm', { version: '12.4', date: 'Sat, 06 Jan 2024 10:00:00 UTC' });
  const img = await images();
  const tags = tagsOf(img['aws-prod/base'].owner);
  const awsBase = img['aws-prod/base'];
  const amiBase = ec2.state.seedImage({ region: 'eu-west-1', name: awsBase.name, tags: tags('aws-prod', 'base', awsBase.fingerprint) });
  const amiLegacy = ec2.state.seedImage({
    region: 'us-east-1',
    name: 'ib-legacy-debian12-1',
    tags: tags('aws-prod', 'legacy', 'f'.repeat(32)),
  });
  const gcpBase = img['gcp-prod/base'];
  gcp.seedImage({
    name: gcpBase.name,
    labels: tags('gcp-prod', 'base', gcpBase.fingerprint),
    creationTimestamp: '2025-01-01T00:00:00.000-08:00',
  });
  gcp.seedImage({ name: 'ib-legacy-debian12-1', labels: tags('gcp-prod', 'legacy', 'e'.repeat(32)) });
  const azWorker = img['azure-prod/worker'];
  const workerDef = azureImageDefinition('worker', 'debian12');
  const azId = azure.seedVersion({
    definition: workerDef,
    version: '2025.101.0',
    regions: ['westeurope'],
    tags: tags('azure-prod', 'worker', azWorker.fingerprint),
  });
  const azLegacy = azure.seedVersion({
    definition: azureImageDefinition('legacy', 'debian12'),
    version: '2024.101.0',
    regions: ['westeurope'],
    tags: tags('azure-prod', 'legacy', 'd'.repeat(32)),
  });
  const lab = new LocalProvider((await loadTopology(inputs.topology)).clouds[3], { baseDir: dir });
  const local = (region: string, name: string, image: string, fingerprint: string) =>
    lab.add(
      {
        name,
        cloud: 'lab',
        region,
        fingerprint,
        image,
        os: 'debian12',
        state: 'available',
        channel: 'gold',
        verified: 'passed',
        createdAt: '2025-01-01T00:00:00.000Z',
        tags: tags('lab', image, fingerprint),
      },
      {},
    );
  await local('rack2', img['lab/base'].name, 'base', img['lab/base'].fingerprint);
  await local('rack1', 'ib-legacy-debian12-1', 'legacy', 'c'.repeat(32));

  const awsRegions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
  for (let i = 0; i < noise; i += 1) {
    const fp = oldFp();
    const recipe = i % 2 === 0 ? 'base' : 'worker';
    switch (i % 4) {
      case 0:
        ec2.state.seedImage({ region: awsRegions[i % 3], name: `ib-${recipe}-debian12-${fp}`, tags: tags('aws-prod', recipe, fp) });
        break;
      case 1:
        gcp.seedImage({ name: `ib-${recipe}-debian12-${fp}`, labels: tags('gcp-prod', recipe, fp) });
        break;
      case 2:
        azure.seedVersion({
          definition: workerDef,
          version: `2024.1.${i}`,
          regions: ['westeurope', 'northeurope'],
          tags: tags('azure-prod', 'worker', fp),
        });
        break;
      default:
        await local(i % 8 === 3 ? 'rack1' : 'rack2', `ib-${recipe}-debian12-${fp}`, recipe, fp);
    }
  }
  return { img, amiBase: amiBase.id, amiLegacy: amiLegacy.id, azId, azLegacy };
}

/** The real factory, with a count of inventory() calls per (cloud, region). */
function counted() {
  const asked: string[] = [];
  const providerFor = async (
    cloud: Parameters<typeof createProvider>[0],
    context: Parameters<typeof createProvider>[1],
  ): Promise<Provider> => {
    const provider = await createProvider(cloud, context);
    const inventory = provider.inventory.bind(provider);
    provider.inventory = (region: string) => {
      asked.push(`${cloud.name}/${region}`);
      return inventory(region);
    };
    return provider;
  };
  return { asked, providerFor };
}

const cell = (i: FingerprintedImage) => ({
  cloud: i.cloud,
  provider: i.provider,
  image: i.image,
  os: i.os,
  fingerprint: i.fingerprint,
  name: i.name,
  region: i.buildRegion,
  regions: i.regions,
});
const pick = (i: FingerprintedImage) => ({
  cloud: i.cloud,
  provider: i.provider,
  image: i.image,
  os: i.os,
  fingerprint: i.fingerprint,
  name: i.name,
});

/** List calls (AWS: DescribeImages of this account's tagged images) and resolution calls, per cloud. */
function listCalls() {
  const azureOps = ['GalleryImages_ListByGallery', 'GalleryImageVersions_ListByGalleryImage', 'Images_ListByResourceGroup'];
  const listing = (c: (typeof ec2.calls)[number]) => c.action === 'DescribeImages' && c.params['Filter.1.Name'] === 'tag:image-builder';
  return {
    aws: Object.fromEntries(
      ['eu-west-1', 'us-east-1', 'ap-southeast-2'].map((r) => [r, ec2.calls.filter((c) => listing(c) && c.region === r).length]),
    ),
    awsResolve: ec2.calls.filter((c) => c.action === 'DescribeImages' && !listing(c)).map((c) => c.region),
    awsAll: ec2.calls.length,
    gcp: gcp.calls.count('images.list', 'test-project'),
    gcpResolve: gcp.calls.count('images.getFromFamily'),
    gcpAll: gcp.calls.log.length,
    azure: Object.fromEntries(azureOps.map((op) => [op, azure.count(op)])),
    azureResolve: azure.count('VirtualMachineImages'),
    azureAll: azure.calls.length,
    localResolve: mirror.requests.length,
  };
}

describe('plan against aws, gcp, azure and local at once', () => {
  it('plans the exact builds, copies, retirements and matrix from what each cloud holds', async () => {
    const { img, amiBase, amiLegacy, azId, azLegacy } = await seed(10);
    const reporter = recorder();
    const { outputs, masked } = reporter;
    const { asked, providerFor } = counted();
    const { plan, matrix } = await runPlan(inputs, reporter, { providerFor });

    expect(plan.offline).toBe(false);
    const noInputs =
      /^inputs changed since ib-worker-debian12-0ld\w+: ib-worker-debian12-0ld\w+ records no inputs \(built by an earlier release\), so no detail$/;
    expect(plan.builds).toEqual([
      {
        ...cell(img['aws-prod/worker']),
        resolved: {
          id: expect.stringMatching(/^ami-/),
          name: 'debian-12-amd64-20240101-1600',
          created: '2024-01-01T10:00:00.000Z',
          pinned: false,
        },
        why: 'new line: aws-prod has no worker/debian12 image yet',
      },
      {
        ...cell(img['gcp-prod/worker']),
        resolved: {
          id: 'projects/debian-cloud/global/images/debian-12-bookworm-v20240101',
          name: 'debian-12-bookworm-v20240101',
          created: '2024-01-01T10:00:00.000Z',
          pinned: false,
        },
        why: expect.stringMatching(noInputs),
      },
      {
        ...cell(img['lab/worker']),
        resolved: {
          id: expect.stringMatching(/^sha256:/),
          name: 'bookworm Sat, 06 Jan 2024 10:00:00 UTC',
          created: '2024-01-06T10:00:00.000Z',
          pinned: false,
        },
        why: expect.stringMatching(noInputs),
      },
    ]);
    expect(matrix.include).toEqual(plan.builds);
    expect(plan.copies).toEqual([
      { ...pick(img['aws-prod/base']), from: 'eu-west-1', to: 'ap-southeast-2', afterBuild: false, sourceId: amiBase },
      { ...pick(img['aws-prod/worker']), from: 'eu-west-1', to: 'us-east-1', afterBuild: true },
      { ...pick(img['azure-prod/worker']), from: 'westeurope', to: 'northeurope', afterBuild: false, sourceId: azId },
      { ...pick(img['lab/base']), from: 'rack2', to: 'rack1', afterBuild: false, sourceId: `rack2/${img['lab/base'].name}` },
    ]);
    const retired = { image: 'legacy', os: 'debian12', channel: 'candidate' };
    expect(plan.retirements).toEqual([
      {
        cloud: 'aws-prod',
        provider: 'aws',
        region: 'us-east-1',
        id: amiLegacy,
        name: 'ib-legacy-debian12-1',
        fingerprint: 'f'.repeat(32),
        ...retired,
      },
      {
        cloud: 'azure-prod',
        provider: 'azure',
        region: 'westeurope',
        id: azLegacy,
        name: 'legacy-debian12/2024.101.0',
        fingerprint: 'd'.repeat(32),
        ...retired,
      },
      {
        cloud: 'gcp-prod',
        provider: 'gcp',
        region: 'europe-west1',
        id: 'ib-legacy-debian12-1',
        name: 'ib-legacy-debian12-1',
        fingerprint: 'e'.repeat(32),
        ...retired,
      },
      {
        cloud: 'lab',
        provider: 'local',
        region: 'rack1',
        id: 'rack1/ib-legacy-debian12-1',
        name: 'ib-legacy-debian12-1',
        fingerprint: 'c'.repeat(32),
        channel: 'gold',
        image: 'legacy',
        os: 'debian12',
      },
    ]);
    expect(plan.images.map((i) => [`${i.cloud}/${i.image}`, i.status, i.present])).toEqual([
      ['aws-prod/base', 'copy', ['eu-west-1']],
      ['aws-prod/worker', 'build', []],
      ['gcp-prod/base', 'current', ['europe-west1', 'us-east1']], // global: every region sees it
      ['gcp-prod/worker', 'build', []],
      ['azure-prod/worker', 'copy', ['westeurope']],
      ['lab/base', 'copy', ['rack2']],
      ['lab/worker', 'build', []],
    ]);
    expect(plan.notes).toEqual(['gcp-prod: gcp images are global, nothing to copy between regions']);
    expect(outputs).toMatchObject({
      'has-builds': 'true',
      'build-count': '3',
      'copy-count': '4',
      'retire-count': '4',
      'chunk-count': '1',
      chunks: '[0]',
      matrix: JSON.stringify({ include: plan.builds }),
      providers: '["aws","azure","gcp","local"]',
    });
    // Both configured secrets went through the mask hook before use.
    expect(masked).toEqual(expect.arrayContaining([GCP_TOKEN, AZURE_TOKEN]));
    // The planner asks each region of a regional cloud once, a GCP project once.
    expect(asked.sort()).toEqual([
      'aws-prod/ap-southeast-2',
      'aws-prod/eu-west-1',
      'aws-prod/us-east-1',
      'azure-prod/northeurope',
      'azure-prod/westeurope',
      'gcp-prod/europe-west1',
      'lab/rack1',
      'lab/rack2',
    ]);
  });

  it('makes one list call per (cloud, region) — per project on GCP, per gallery on Azure — whatever the number of images', async () => {
    const counts: ReturnType<typeof listCalls>[] = [];
    for (const noise of [10, 200]) {
      await seed(noise);
      const reporter = recorder();
      const { plan } = await runPlan(inputs, reporter);
      expect(plan.builds.map((b) => `${b.cloud}/${b.image}`)).toEqual(['aws-prod/worker', 'gcp-prod/worker', 'lab/worker']);
      counts.push(listCalls());
      // A fresh scene for the next round (afterEach does the same between tests).
      ec2.state.regions.clear();
      gcp.state.images.clear();
      azure.state.galleries.get('image_builder')?.definitions.clear();
      ec2.clearCalls();
      gcp.calls.reset();
      azure.calls.splice(0);
      mirror.requests.splice(0);
      dir = tempDir('ib-multicloud-');
      cpSync(FIXTURE, dir, { recursive: true });
      inputs = { ...inputs, topology: path.join(dir, 'topology.yml'), planFile: path.join(dir, 'plan.json') };
    }
    // Two image definitions in the gallery (worker-debian12, legacy-debian12).
    // One source (debian12): one resolution per cloud, in its build region.
    const expected = {
      aws: { 'eu-west-1': 1, 'us-east-1': 1, 'ap-southeast-2': 1 },
      awsResolve: ['eu-west-1'],
      awsAll: 4,
      gcp: 1,
      gcpResolve: 1,
      gcpAll: 2,
      azure: { GalleryImages_ListByGallery: 1, GalleryImageVersions_ListByGalleryImage: 2, Images_ListByResourceGroup: 1 },
      azureResolve: 1,
      azureAll: 5,
      localResolve: 1,
    };
    expect(counts).toEqual([expected, expected]);
  });

  it('plans offline without a single call to any fake', async () => {
    await seed(10);
    const reporter = recorder();
    const { outputs } = reporter;
    const { plan } = await runPlan({ ...inputs, offline: true }, reporter);
    expect(plan.builds).toHaveLength(7);
    expect(outputs['copy-count']).toBe('4');
    expect([ec2.calls.length, gcp.calls.log.length, azure.calls.length, mirror.requests.length]).toEqual([0, 0, 0, 0]);
    expect(plan.images.map((i) => i.base.text)).toEqual(
      Array(7).fill('base image not resolved (offline plan: no cloud was asked; the nightly plan resolves it)'),
    );
  });

  it('names the cloud and region when a listing fails', async () => {
    await seed(0);
    ec2.failNext('DescribeImages', { code: 'UnauthorizedOperation', region: 'us-east-1', message: 'not allowed' });
    await expect(runPlan(inputs, recorder())).rejects.toThrow(/inventory of cloud "aws-prod" in us-east-1 failed: .*not allowed/);
  });
});

describe('Azure token and CA from the environment', () => {
  it('uses IMAGE_BUILDER_AZURE_ACCESS_TOKEN as a static credential, masked, before any other source', async () => {
    const masked: string[] = [];
    const env = {
      IMAGE_BUILDER_AZURE_ACCESS_TOKEN: ' tok-1 ',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x',
      AZURE_CLIENT_ID: 'c',
      AZURE_TENANT_ID: 't',
    };
    const { credential, kind } = await azureCredential(env, 'https://login.microsoftonline.com', { mask: (s) => void masked.push(s) });
    expect(kind).toBe('access-token');
    expect((await credential.getToken('https://management.azure.com/.default'))?.token).toBe('tok-1');
    expect(masked).toEqual(['tok-1']);
    expect(tokenFromEnv({ X: '  ' }, 'X')).toBeUndefined();
  });

  it('adds the CA file to the built-in roots, and says what to do with a bad file', async () => {
    const root = tempDir('ib-ca-');
    writeFileSync(path.join(root, 'ca.pem'), azure.ca);
    writeFileSync(path.join(root, 'junk.pem'), 'not a certificate');
    const ca = await caFromEnv({ CA: path.join(root, 'ca.pem') }, 'CA');
    expect(ca?.at(-1)).toBe(azure.ca);
    expect(ca!.length).toBeGreaterThan(100);
    expect(await caFromEnv({}, 'CA')).toBeUndefined();
    await expect(caFromEnv({ CA: path.join(root, 'none.pem') }, 'CA')).rejects.toThrow(
      /CA=".*none.pem" cannot be read \(ENOENT\): name a PEM file/,
    );
    await expect(caFromEnv({ CA: path.join(root, 'junk.pem') }, 'CA')).rejects.toThrow(/holds no PEM certificate/);
  });

  it('refuses the fake without its CA (the file is what makes TLS work)', async () => {
    await seed(0);
    const withoutCa = { ...process.env };
    delete process.env.IMAGE_BUILDER_AZURE_CA_FILE;
    try {
      // The listing and the source's resolution run at once: whichever reaches the fake first fails, naming the cloud.
      await expect(runPlan({ ...inputs, clouds: ['azure-prod'] }, recorder())).rejects.toThrow(
        /(inventory of cloud "azure-prod" in (westeurope|northeurope) failed|source "debian12" of cloud "azure-prod" .*): .*certificate/i,
      );
    } finally {
      process.env.IMAGE_BUILDER_AZURE_CA_FILE = withoutCa.IMAGE_BUILDER_AZURE_CA_FILE;
    }
  });
});
