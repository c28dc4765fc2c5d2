/**
 * Keeping images current, against the fakes of every cloud at once: the real
 * runPlan and the real providers, resolving each source in its cloud (the
 * EC2, Compute and ARM fakes, a Debian mirror fake for the local provider)
 * while listing what each cloud holds.
 *
 * Three sources: `debian12` follows the newest upstream image, `debian11`
 * too (it is not published anew here), `pinned` names exact images (AWS
 * `ami`, GCP `image`, an Azure `version`). A "build" is simulated by seeding
 * each planned image, in every region that needs it, with the tags a build
 * writes (images/tags.ts imageTags with the inputs and the resolved base).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPlan, type PlanCommandDeps } from '../../src/commands/plan.js';
import { fingerprinted } from '../../src/plan/images.js';
import { imageName } from '../../src/plan/naming.js';
import { parseInputs, type Inputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { azureImageDefinition } from '../../src/providers/azure/index.js';
import { sanitizeLabels } from '../../src/providers/gcp/labels.js';
import { imageTags } from '../../src/images/index.js';
import { loadTopology } from '../../src/topology/index.js';
import type { BuildCell, FingerprintedImage, Plan } from '../../src/plan/types.js';
import { startEc2Fake, type Ec2Fake } from '../fakes/aws/server.js';
import { startGcpFake, type GcpFake } from '../fakes/gcp/server.js';
import { startAzureFake, type AzureFake } from '../fakes/azure/server.js';
import { startDebianMirror, type DebianMirror } from '../fakes/debian/mirror.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, tempDir, writeTree } from '../helpers/tree.js';

const AZURE_TOKEN = 'fake-azure-token-current';
const DEBIAN = '136693071363';
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
afterAll(async () => {
  ENV_KEYS.forEach((k, i) => {
    if (saved[i] === undefined) delete process.env[k];
    else process.env[k] = saved[i];
  });
  await Promise.all([ec2.close(), gcp.close(), azure.close(), mirror.close()]);
});
afterAll(removeTempDirs);
afterEach(() => {
  ec2.state.regions.clear();
  gcp.state.images.clear();
  azure.state.galleries.get('image_builder')?.definitions.clear();
  azure.marketplace.splice(0);
  ec2.clearCalls();
  gcp.calls.reset();
  azure.calls.splice(0);
  mirror.requests.splice(0);
});

const PLAYBOOK = '- name: Provision\n  hosts: all\n  roles: [web]\n';
const ROLE = '- name: Install\n  ansible.builtin.debug: { msg: hello }\n';

function topologyYaml(pins: { ami: string; gcpImage: string; azureVersion: string }, lifecycle = ''): string {
  return `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
    variables: { packages: [jq] }
  web:
    extends: base
    variables: { packages: [jq, nginx-light], port: 80 }
sources:
  debian12:
    aws: { owner: "${DEBIAN}", name: "debian-12-amd64-*" }
    gcp: { project: debian-cloud, family: debian-12 }
    azure: { publisher: Debian, offer: debian-12, sku: 12-gen2, version: latest }
    local: { suite: bookworm }
  debian11:
    aws: { owner: "${DEBIAN}", name: "debian-11-amd64-*" }
    gcp: { project: debian-cloud, family: debian-11 }
    azure: { publisher: Debian, offer: debian-11, sku: 11-gen2, version: latest }
    local: { suite: bullseye }
  pinned:
    aws: { ami: ${pins.ami} }
    gcp: { project: debian-cloud, image: ${pins.gcpImage} }
    azure: { publisher: Debian, offer: debian-12, sku: 12-gen2, version: ${pins.azureVersion} }
clouds:
  - name: aws-prod
    provider: aws
    account: "123456789012"
    build_region: eu-west-1
    regions:
      eu-west-1:
        instances:
          - { name: a, image: base, os: debian12 }
          - { name: b, image: web, os: debian11 }
          - { name: c, image: base, os: pinned }
      us-east-1:
        instances:
          - { name: a, image: base, os: debian12 }
  - name: gcp-prod
    provider: gcp
    project: test-project
    regions:
      europe-west1:
        instances:
          - { name: a, image: base, os: debian12 }
          - { name: b, image: web, os: debian11 }
          - { name: c, image: base, os: pinned }
  - name: azure-prod
    provider: azure
    subscription: 00000000-0000-0000-0000-000000000001
    resource_group: images-rg
    gallery: image_builder
    regions:
      westeurope:
        instances:
          - { name: a, image: base, os: debian12 }
          - { name: b, image: web, os: debian11 }
          - { name: c, image: base, os: pinned }
  - name: lab
    provider: local
    store: .images
    regions:
      rack1:
        instances:
          - { name: a, image: base, os: debian12 }
          - { name: b, image: web, os: debian11 }
${lifecycle}`;
}

/** Upstream images as of January 2024, and a topology pinning the older ones. */
function publishFirst(lifecycle = ''): void {
  const aws = (name: string, date: string) => ec2.state.publishUpstream({ region: 'eu-west-1', ownerId: DEBIAN, name, creationDate: date });
  aws('debian-12-amd64-20240101-1600', '2024-01-01T10:00:00.000Z');
  aws('debian-11-amd64-20240101-1600', '2024-01-01T10:00:00.000Z');
  const pinnedAmi = aws('debian-12-amd64-20231201-1500', '2023-12-01T10:00:00.000Z');
  const gce = (family: string, name: string, at: string) =>
    gcp.state.publishUpstream({ project: 'debian-cloud', family, name, creationTimestamp: at });
  gce('debian-12', 'debian-12-bookworm-v20231201', '2023-12-01T02:00:00.000-08:00');
  gce('debian-12', 'debian-12-bookworm-v20240101', '2024-01-01T02:00:00.000-08:00');
  gce('debian-11', 'debian-11-bullseye-v20240101', '2024-01-01T02:00:00.000-08:00');
  const az = (offer: string, sku: string, version: string) =>
    azure.marketplace.push({ publisher: 'Debian', offer, sku, version, hyperVGeneration: 'V2' });
  az('debian-12', '12-gen2', '0.20231201.1500');
  az('debian-12', '12-gen2', '0.20240101.1600');
  az('debian-11', '11-gen2', '0.20240101.1600');
  mirror.publish('bookworm', { version: '12.4', date: 'Sat, 06 Jan 2024 10:00:00 UTC' });
  mirror.publish('bullseye', { version: '11.8', date: 'Sat, 06 Jan 2024 10:00:00 UTC' });
  writeFileSync(
    path.join(dir, 'topology.yml'),
    topologyYaml({ ami: pinnedAmi.id, gcpImage: 'debian-12-bookworm-v20231201', azureVersion: '0.20231201.1500' }, lifecycle),
  );
}

/** A newer debian12 everywhere (February 2024); debian11 and the pinned images stay. */
function publishNewerDebian12(): void {
  ec2.state.publishUpstream({
    region: 'eu-west-1',
    ownerId: DEBIAN,
    name: 'debian-12-amd64-20240210-1700',
    creationDate: '2024-02-10T10:00:00.000Z',
  });
  gcp.state.publishUpstream({
    project: 'debian-cloud',
    family: 'debian-12',
    name: 'debian-12-bookworm-v20240210',
    creationTimestamp: '2024-02-10T02:00:00.000-08:00',
  });
  azure.marketplace.push({ publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: '0.20240210.1700', hyperVGeneration: 'V2' });
  mirror.publish('bookworm', { version: '12.5', date: 'Sat, 10 Feb 2024 10:00:00 UTC' });
}

beforeEach(() => {
  dir = writeTree({ 'playbooks/provision.yml': PLAYBOOK, 'playbooks/roles/web/tasks/main.yml': ROLE }, tempDir('ib-current-'));
  inputs = parseInputs(
    (name) =>
      (
        ({
          topology: path.join(dir, 'topology.yml'),
          'plan-file': path.join(dir, 'plan.json'),
          'gcp-access-token': 'fake-gcp-token',
        }) as Record<string, string>
      )[name] ?? '',
  );
});

async function images(): Promise<Map<string, FingerprintedImage>> {
  const all = fingerprinted(await loadTopology(inputs.topology), { clouds: [], images: [] });
  return new Map(all.map((i) => [`${i.cloud}/${i.image}/${i.os}`, i]));
}

let serial = 0;

/** What build and distribute leave behind for every cell of `plan`: the image in each region that needs it, tagged as a build tags it. */
async function build(plan: Plan, builtAt: string, gitSha?: string): Promise<void> {
  const all = await images();
  const topology = await loadTopology(inputs.topology);
  for (const cell of plan.builds) {
    const image = all.get(`${cell.cloud}/${cell.image}/${cell.os}`) as FingerprintedImage;
    const name = imageName(cell.provider, cell.image, cell.os, cell.fingerprint, new Date(builtAt));
    const base = cell.resolved;
    const fields = {
      fingerprint: cell.fingerprint,
      image: cell.image,
      os: cell.os,
      cloud: cell.cloud,
      owner: image.owner,
      builtAt,
      gitSha,
    };
    const tags = imageTags({ ...fields, inputs: image.inputs && { ...image.inputs, base } });
    await seedBuild(cell, name, tags, builtAt, { ...image.inputs, base }, topology);
  }
}

async function seedBuild(
  cell: BuildCell,
  name: string,
  tags: Record<string, string>,
  builtAt: string,
  inputsRecord: object,
  topology: Awaited<ReturnType<typeof loadTopology>>,
): Promise<void> {
  switch (cell.provider) {
    case 'aws':
      for (const region of cell.regions) ec2.state.seedImage({ region, name, tags, creationDate: builtAt });
      return;
    case 'gcp':
      gcp.seedImage({ name, labels: sanitizeLabels(tags), creationTimestamp: builtAt });
      return;
    case 'azure':
      azure.seedVersion({
        definition: azureImageDefinition(cell.image, cell.os),
        version: `2024.${++serial}.0`,
        regions: cell.regions,
        tags,
        publishedDate: builtAt,
      });
      return;
    default: {
      const cloud = topology.clouds.find((c) => c.name === cell.cloud);
      const store = new LocalProvider(cloud!, { baseDir: dir });
      for (const region of cell.regions) {
        await store.add(
          {
            name,
            cloud: cell.cloud,
            region,
            fingerprint: cell.fingerprint,
            image: cell.image,
            os: cell.os,
            state: 'available',
            channel: 'candidate',
            verified: 'unverified',
            createdAt: builtAt,
            inputs: inputsRecord,
            tags,
          },
          {},
        );
      }
    }
  }
}

const clearCalls = () => {
  ec2.clearCalls();
  gcp.calls.reset();
  azure.calls.splice(0);
  mirror.requests.splice(0);
};

/** Inventory and resolution calls the fakes saw, told apart by what they ask. */
function calls() {
  const awsList = (region: string) =>
    ec2.calls.filter((c) => c.action === 'DescribeImages' && c.region === region && c.params['Filter.1.Name'] === 'tag:image-builder')
      .length;
  const azureLists = ['GalleryImages_ListByGallery', 'GalleryImageVersions_ListByGalleryImage', 'Images_ListByResourceGroup'];
  return {
    aws: {
      list: { 'eu-west-1': awsList('eu-west-1'), 'us-east-1': awsList('us-east-1') },
      resolve: ec2.count('DescribeImages') - awsList('eu-west-1') - awsList('us-east-1'),
      all: ec2.calls.length,
    },
    gcp: { list: gcp.calls.count('images.list'), resolve: gcp.calls.log.length - gcp.calls.count('images.list') },
    azure: {
      list: azure.calls.filter((c) => azureLists.includes(c.op)).length,
      resolve: azure.count('VirtualMachineImages'),
      all: azure.calls.length,
    },
    local: { resolve: mirror.requests.length },
  };
}

const ids = (plan: Plan) => plan.builds.map((b) => `${b.cloud}/${b.image}/${b.os}`);

describe('keeping images current, against every cloud at once', () => {
  it('an unchanged topology gives 0 builds, with one list call per (cloud, region) and one resolution per (cloud, source)', async () => {
    publishFirst();
    const first = await runPlan(inputs, recorder());
    expect(ids(first.plan).sort()).toEqual([
      'aws-prod/base/debian12',
      'aws-prod/base/pinned',
      'aws-prod/web/debian11',
      'azure-prod/base/debian12',
      'azure-prod/base/pinned',
      'azure-prod/web/debian11',
      'gcp-prod/base/debian12',
      'gcp-prod/base/pinned',
      'gcp-prod/web/debian11',
      'lab/base/debian12',
      'lab/web/debian11',
    ]);
    expect(first.plan.images.every((i) => i.reasons.map((r) => r.kind).join() === 'new')).toBe(true);
    await build(first.plan, '2024-01-20T00:00:00.000Z');

    clearCalls();
    const again = await runPlan(inputs, recorder());
    expect(again.plan.builds).toEqual([]);
    expect(again.plan.copies).toEqual([]);
    expect(again.plan.images.every((i) => i.status === 'current' && i.reasons.length === 0 && i.why === '')).toBe(true);
    // AWS lists each region once; GCP its project once; Azure its gallery (2 definitions) once; 3 sources resolve once each per cloud.
    expect(calls()).toEqual({
      aws: { list: { 'eu-west-1': 1, 'us-east-1': 1 }, resolve: 3, all: 5 },
      gcp: { list: 1, resolve: 3 },
      azure: { list: 1 + 3 + 1, resolve: 3, all: 8 },
      local: { resolve: 2 },
    });
  });

  it('a newer upstream image rebuilds exactly the images built on that source, in every cloud that uses it; a pinned source does not move', async () => {
    publishFirst();
    await build((await runPlan(inputs, recorder())).plan, '2024-01-20T00:00:00.000Z');
    publishNewerDebian12();

    const reporter = recorder();
    const { plan } = await runPlan({ ...inputs, summary: false }, reporter);
    expect(ids(plan)).toEqual(['aws-prod/base/debian12', 'gcp-prod/base/debian12', 'azure-prod/base/debian12', 'lab/base/debian12']);
    const byId = new Map(plan.images.map((i) => [`${i.cloud}/${i.image}/${i.os}`, i]));
    const moved = byId.get('aws-prod/base/debian12')!;
    expect(moved.reasons).toEqual([
      expect.objectContaining({
        kind: 'base-moved',
        from: expect.objectContaining({ name: 'debian-12-amd64-20240101-1600', created: '2024-01-01T10:00:00.000Z' }),
        to: expect.objectContaining({ name: 'debian-12-amd64-20240210-1700', created: '2024-02-10T10:00:00.000Z' }),
      }),
    ]);
    expect(moved.why).toMatch(
      /^base image moved: ami-\w+ \(debian-12-amd64-20240101-1600, 2024-01-01\) -> ami-\w+ \(debian-12-amd64-20240210-1700, 2024-02-10\)$/,
    );
    expect(byId.get('gcp-prod/base/debian12')!.why).toBe(
      'base image moved: debian-12-bookworm-v20240101 (2024-01-01) -> projects/debian-cloud/global/images/debian-12-bookworm-v20240210 (debian-12-bookworm-v20240210, 2024-02-10)',
    );
    expect(byId.get('azure-prod/base/debian12')!.why).toMatch(/^base image moved: 0\.20240101\.1600 .*-> 0\.20240210\.1700/);
    expect(byId.get('lab/base/debian12')!.why).toMatch(
      /^base image moved: sha256:\w+ \(bookworm Sat, 06 Jan 2024.*-> sha256:\w+ \(bookworm Sat, 10 Feb 2024/,
    );
    // The rebuilt AWS image is copied to every region again, over the old build.
    expect(plan.copies).toEqual([
      expect.objectContaining({ cloud: 'aws-prod', image: 'base', os: 'debian12', to: 'us-east-1', afterBuild: true }),
    ]);
    // The build is told the exact image to start from.
    expect(plan.builds[0].resolved).toMatchObject({ name: 'debian-12-amd64-20240210-1700', pinned: false });
    for (const cloud of ['aws-prod', 'gcp-prod', 'azure-prod']) {
      const pinned = byId.get(`${cloud}/base/pinned`)!;
      expect([pinned.status, pinned.base.state]).toEqual(['current', 'pinned']);
      expect(pinned.base.text).toMatch(/^pinned to .*: it does not move$/);
      expect(byId.get(`${cloud}/web/debian11`)!.status).toBe('current');
    }
    expect(reporter.infos).toEqual(expect.arrayContaining([`build aws-prod/${moved.name}: ${moved.why}`]));

    // Built on the new base, the same topology plans nothing again.
    await build(plan, '2024-02-11T00:00:00.000Z');
    expect((await runPlan(inputs, recorder())).plan.builds).toEqual([]);
  });

  it('rebuilds a line whose newest image is older than rebuild_after, unless its recipe says never', async () => {
    publishFirst('lifecycle:\n  rebuild_after: 30d\n');
    await build((await runPlan(inputs, recorder())).plan, '2024-01-20T00:00:00.000Z');
    const at = (day: string): PlanCommandDeps => ({ now: () => new Date(`${day}T00:00:00.000Z`) });

    expect((await runPlan(inputs, recorder(), at('2024-02-15'))).plan.builds).toEqual([]);
    const old = (await runPlan(inputs, recorder(), at('2024-03-01'))).plan;
    expect(old.builds).toHaveLength(11);
    const gcpWeb = old.images.find((i) => i.cloud === 'gcp-prod' && i.os === 'debian11')!;
    expect(gcpWeb.reasons).toEqual([
      expect.objectContaining({ kind: 'age', rebuildAfter: '30d', builtAt: '2024-01-20T00:00:00.000Z', since: gcpWeb.newest }),
    ]);
    expect(gcpWeb.why).toBe(`older than rebuild_after 30d: ${gcpWeb.newest} was built 2024-01-20, 41 days ago`);

    // A recipe's own setting wins over the default, and is not part of the fingerprint.
    const file = path.join(dir, 'topology.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    extends: base\n', '    extends: base\n    rebuild_after: never\n'));
    const never = (await runPlan(inputs, recorder(), at('2024-03-01'))).plan;
    expect(never.builds.map((b) => b.image)).toEqual(Array(7).fill('base'));
    expect(never.images.filter((i) => i.image === 'web').map((i) => i.status)).toEqual(['current', 'current', 'current', 'current']);
  });

  it('names a changed role file by its path and a changed variable by its key: from the store (local), from the build commit (clouds)', async () => {
    publishFirst();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-C', dir, ...args], { encoding: 'utf8' }).trim();
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'images');
    const commit = git('rev-parse', 'HEAD');
    await build((await runPlan(inputs, recorder())).plan, '2024-01-20T00:00:00.000Z', commit);

    writeFileSync(path.join(dir, 'playbooks/roles/web/tasks/main.yml'), ROLE.replace('hello', 'hello again'));
    const file = path.join(dir, 'topology.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('port: 80', 'port: 8080'));
    const { plan } = await runPlan(inputs, recorder());
    expect(plan.builds).toHaveLength(11);
    const web = (cloud: string) => plan.images.find((i) => i.cloud === cloud && i.image === 'web')!;
    const role = 'playbooks/roles/web/tasks/main.yml';
    const aws = web('aws-prod');
    expect(aws.reasons).toEqual([
      expect.objectContaining({
        kind: 'inputs',
        since: aws.newest,
        changes: [
          { component: 'variables', text: 'variables changed: port', changed: ['port'] },
          { component: 'files', text: `files changed since ${commit.slice(0, 12)}: ${role}`, changed: [role] },
        ],
      }),
    ]);
    expect(aws.why).toBe(
      `inputs changed since ${aws.newest}: variables changed: port; files changed since ${commit.slice(0, 12)}: ${role}`,
    );
    expect(web('lab').reasons[0].changes).toEqual([
      { component: 'variables', text: 'variables changed: port', changed: ['port'] },
      { component: 'files', text: `files changed: ${role}`, changed: [role] },
    ]);
    const base = plan.images.find((i) => i.cloud === 'gcp-prod' && i.image === 'base' && i.os === 'debian12')!;
    expect(base.reasons[0].changes?.map((c) => c.component)).toEqual(['files']);
  });

  it('a source that resolves to nothing fails the plan, naming the cloud, the source and its line in the topology', async () => {
    publishFirst();
    gcp.state.images.delete([...gcp.state.images.keys()].find((k) => k.includes('debian-11-bullseye'))!);
    const error = await runPlan(inputs, recorder()).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const line =
      readFileSync(inputs.topology, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('family: debian-11')) + 1;
    expect((error as Error).message).toMatch(
      new RegExp(`^source "debian11" of cloud "gcp-prod" \\(.*topology\\.yml:${line}:5, sources\\.debian11\\.gcp\\): .*debian-11`),
    );
  });
});
