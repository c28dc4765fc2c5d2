/**
 * The Azure provider through the real @azure/arm-compute client against the
 * HTTPS ARM fake on 127.0.0.1 (nothing here reaches the internet).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { startAzureFake, type AzureFake, type AzureFakeOptions } from '../../fakes/azure/server.js';
import {
  AzureProvider,
  azureImageDefinition,
  azureVersionName,
  createAzureProvider,
  parseAzureVersionName,
} from '../../../src/providers/azure/index.js';
import { azureCredential, azureEndpoints, staticTokenCredential } from '../../../src/providers/azure/client.js';
import { EOL_LEAD_MS } from '../../../src/providers/azure/versions.js';
import { READER_ROLE_ID, assignmentName, sharePrincipals } from '../../../src/providers/azure/share.js';
import { imageTags, type ImageRecord } from '../../../src/images/index.js';
import type { Cloud } from '../../../src/topology/model.js';

const SUB = '00000000-0000-0000-0000-000000000001';
const cloud: Cloud = {
  name: 'azure-prod',
  provider: 'azure',
  subscription: SUB,
  resource_group: 'images-rg',
  gallery: 'image_builder',
  build_region: 'westeurope',
  regions: {},
  share: { accounts: [], public: false },
};
const tags = (fingerprint: string, image = 'base', os = 'debian12', extra: Record<string, string> = {}) => ({
  ...imageTags({ fingerprint, image, os, cloud: 'azure-prod', builtAt: '2025-01-01T00:00:00.000Z' }),
  ...extra,
});

let fake: AzureFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: AzureFakeOptions = {}, logs: string[] = []) {
  fake = await startAzureFake(options);
  const provider = (await createAzureProvider(
    cloud,
    {
      baseDir: '/tmp',
      env: { IMAGE_BUILDER_AZURE_ENDPOINT: fake.url },
      sleep: async () => undefined,
      log: (m) => logs.push(m),
    },
    {
      credential: staticTokenCredential('fake-token'),
      ca: fake.ca,
      pollIntervalMs: 1,
      retry: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 2 },
    },
  )) as AzureProvider;
  return { fake, provider };
}

const byName = (records: ImageRecord[]) => Object.fromEntries(records.map((r) => [r.name, r]));

describe('azure names', () => {
  it('names one definition per recipe and os, within Azure rules', () => {
    expect(azureImageDefinition('controller', 'debian12')).toBe('controller-debian12');
    expect(azureImageDefinition('My Role!', 'Ubuntu 24.04')).toBe('my-role-ubuntu-24.04');
    const long = azureImageDefinition('r'.repeat(70), 'o'.repeat(30));
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^[a-z0-9][a-z0-9._-]*-[0-9a-f]{8}$/);
    expect(() => azureImageDefinition('', 'x')).toThrow(/cannot name/);
  });

  it('encodes build times as ordered int32 Major.Minor.Patch versions', () => {
    const a = new Date('2025-06-12T08:04:05Z');
    expect(azureVersionName(a)).toBe('2025.612.80405');
    expect(azureVersionName(new Date('2025-12-31T23:59:59Z'))).toBe('2025.1231.235959');
    expect(parseAzureVersionName('2025.612.80405')?.toISOString()).toBe(a.toISOString());
    expect(parseAzureVersionName('1.0.0')).toBeUndefined();
    const later = azureVersionName(new Date('2025-10-01T00:00:00Z')).split('.').map(Number);
    const earlier = azureVersionName(a).split('.').map(Number);
    expect(later[1]! > earlier[1]!).toBe(true);
  });

  it('reads share accounts as principal object ids and refuses anything else with advice', () => {
    const a = 'AAAAAAAA-0000-4000-8000-000000000001';
    expect(sharePrincipals([a, ` ${a.toLowerCase()} `], 'x')).toEqual([a.toLowerCase()]);
    expect(() => sharePrincipals(['tenant:abc', '/subscriptions/s1', a], 'where')).toThrow(
      /where: share\.accounts for Azure must be Entra ID object ids.*"tenant:abc", "\/subscriptions\/s1".*subscription or tenant cannot be granted/,
    );
    const scope = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d';
    expect(assignmentName(scope, a)).toBe(assignmentName(scope.toUpperCase(), a.toLowerCase()));
    expect(assignmentName(scope, a)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(assignmentName(`${scope}2`, a)).not.toBe(assignmentName(scope, a));
  });
});

describe('azure endpoints and credentials', () => {
  it('picks ARM endpoint, scope and authority per sovereign cloud, and the endpoint override', () => {
    expect(azureEndpoints('AzureChinaCloud', {})).toMatchObject({
      endpoint: 'https://management.chinacloudapi.cn',
      scope: 'https://management.chinacloudapi.cn/.default',
      authorityHost: 'https://login.chinacloudapi.cn',
    });
    expect(azureEndpoints('azureusgovernment', { IMAGE_BUILDER_AZURE_ENDPOINT: 'https://arm.example/' })).toMatchObject({
      endpoint: 'https://arm.example',
      scope: 'https://management.usgovcloudapi.net/.default',
      authorityHost: 'https://login.microsoftonline.us',
    });
    expect(azureEndpoints(undefined, {}).endpoint).toBe('https://management.azure.com');
    expect(() => azureEndpoints('AzureGermanCloud', {})).toThrow(/AzureCloud, AzureChinaCloud, AzureUSGovernment/);
  });

  it('uses GitHub OIDC federation when the job can mint ID tokens, else the default chain', async () => {
    const oidcEnv = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example', AZURE_CLIENT_ID: 'c', AZURE_TENANT_ID: 't' };
    const oidc = await azureCredential(oidcEnv, 'https://login.microsoftonline.com', { getIdToken: async () => 'jwt' });
    expect(oidc.kind).toBe('github-oidc');
    expect(oidc.credential.constructor.name).toBe('ClientAssertionCredential');
    const fallback = await azureCredential({ AZURE_CLIENT_ID: 'c' }, 'https://login.microsoftonline.com', {});
    expect(fallback.kind).toBe('default-chain');
  });

  it('asks the credential for the sovereign cloud scope while talking to the endpoint override', async () => {
    fake = await startAzureFake();
    const scopes: string[] = [];
    const credential = {
      getToken: async (scope: string | string[]) => {
        scopes.push(...[scope].flat());
        return { token: 'china-token', expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const provider = await createAzureProvider(
      cloud,
      {
        baseDir: '.',
        env: { IMAGE_BUILDER_AZURE_ENDPOINT: fake.url },
        azureCloud: 'AzureChinaCloud',
      },
      { credential, ca: fake.ca },
    );
    expect(await provider.inventory('chinanorth3')).toEqual([]);
    expect([...new Set(scopes)]).toEqual(['https://management.chinacloudapi.cn/.default']);
  });

  it('refuses a cloud without subscription or resource group', async () => {
    await expect(createAzureProvider({ ...cloud, subscription: undefined }, { baseDir: '.', env: {} })).rejects.toThrow(/no subscription/);
    await expect(createAzureProvider({ ...cloud, resource_group: undefined }, { baseDir: '.', env: {} })).rejects.toThrow(/resource_group/);
  });
});

describe('azure provider against the ARM fake', () => {
  it('lists every tagged version and managed image per region across pages, one listing for all regions', async () => {
    const { fake, provider } = await setup({ pageSize: 2 });
    for (const [i, def] of ['base-debian12', 'ctrl-debian12', 'node-ubuntu24'].entries()) {
      fake.seedVersion({ definition: def, version: '2025.101.1', regions: ['westeurope', 'East US'], tags: tags(`fp${i}a`) });
      fake.seedVersion({ definition: def, version: '2025.102.1', regions: ['westeurope'], tags: tags(`fp${i}b`) });
      fake.seedVersion({ definition: def, version: '2025.103.1', regions: ['westeurope'], tags: tags(`fp${i}c`) });
    }
    fake.seedVersion({ definition: 'base-debian12', version: '1.0.0', regions: ['westeurope'], tags: { 'image-builder': 'false' } });
    fake.seedVersion({
      definition: 'base-debian12',
      version: '2025.104.1',
      tags: tags('fp-rep'),
      regions: ['westeurope', { name: 'eastus', state: 'Replicating' }, { name: 'northeurope', state: 'Failed', details: 'disk error' }],
    });
    fake.seedVersion({
      definition: 'base-debian12',
      version: '2025.105.1',
      regions: ['westeurope'],
      tags: tags('fp-old'),
      endOfLifeDate: '2025-02-01T00:00:00Z',
    });
    fake.seedManagedImage({ name: 'legacy-base', location: 'East US', tags: tags('fp-managed') });

    const [west, east, north] = await Promise.all(['westeurope', 'eastus', 'northeurope'].map((r) => provider.inventory(r)));
    expect(west).toHaveLength(11);
    const w = byName(west);
    expect(w['base-debian12/2025.101.1']).toMatchObject({
      fingerprint: 'fp0a',
      image: 'base',
      os: 'debian12',
      cloud: 'azure-prod',
      state: 'available',
      region: 'westeurope',
      channel: 'candidate',
      verified: 'unverified',
      id: `/subscriptions/${SUB}/resourceGroups/images-rg/providers/Microsoft.Compute/galleries/image_builder/images/base-debian12/versions/2025.101.1`,
    });
    expect(w['base-debian12/2025.104.1']?.state).toBe('available');
    expect(w['base-debian12/2025.105.1']?.state).toBe('deprecated');
    const e = byName(east);
    expect(Object.keys(e).sort()).toEqual([
      'base-debian12/2025.101.1',
      'base-debian12/2025.104.1',
      'ctrl-debian12/2025.101.1',
      'legacy-base',
      'node-ubuntu24/2025.101.1',
    ]);
    expect(e['base-debian12/2025.104.1']?.state).toBe('pending');
    expect(e['legacy-base']).toMatchObject({ fingerprint: 'fp-managed', state: 'available', region: 'eastus' });
    expect(byName(north)['base-debian12/2025.104.1']?.state).toBe('failed');
    expect(north).toHaveLength(1);

    // 3 regions, one listing: 2 pages of definitions, 3+2+2 pages of versions, one GET for the busy version.
    expect(fake.count('GalleryImages_ListByGallery')).toBe(2);
    expect(fake.count('GalleryImageVersions_ListByGalleryImage')).toBe(3 + 2 + 2);
    expect(fake.count('GalleryImageVersions_Get')).toBe(1);
    expect(fake.count('Images_ListByResourceGroup')).toBe(1);
    await provider.inventory('westeurope');
    expect(fake.count('GalleryImages_ListByGallery')).toBe(2);
  });

  it('reports one record per build: a managed image with a gallery version of its build is left out (#13)', async () => {
    const { fake, provider } = await setup();
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    fake.seedManagedImage({ name: 'base-debian12-fp1', location: 'westeurope', tags: tags('fp1') });
    fake.seedManagedImage({ name: 'base-ubuntu24-fp1', location: 'westeurope', tags: tags('fp1', 'base', 'ubuntu24') });
    fake.seedManagedImage({ name: 'base-debian12-fp0', location: 'westeurope', tags: tags('fp0') });
    const names = (await provider.inventory('westeurope')).map((r) => r.name).sort();
    expect(names).toEqual(['base-debian12-fp0', 'base-debian12/2025.101.1', 'base-ubuntu24-fp1']);
  });

  it('copies into a region: pending first, available after replication, existing regions kept', async () => {
    const { fake, provider } = await setup({ replicationPolls: 3 });
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope', 'eastus'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    const pending = await provider.copy(image!, 'northeurope');
    expect(pending).toMatchObject({ state: 'pending', region: 'northeurope', fingerprint: 'fp1', id: image!.id });
    expect(fake.version('base-debian12', '2025.101.1')!.regions.map((r) => r.name)).toEqual(['westeurope', 'eastus', 'northeurope']);
    expect((await provider.inventory('northeurope'))[0]?.state).toBe('pending');

    const done = await provider.copy(image!, 'northeurope', { wait: true });
    expect(done.state).toBe('available');
    expect(fake.count('GalleryImageVersions_Update')).toBe(1); // the second copy found the region already targeted
    expect((await provider.inventory('northeurope'))[0]?.state).toBe('available');
  });

  it('merges parallel copies of one version into a single update and waits for them', async () => {
    const { fake, provider } = await setup({ replicationPolls: 2 });
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    const copies = await Promise.all(['eastus', 'northeurope', 'uksouth'].map((r) => provider.copy(image!, r, { wait: true })));
    expect(copies.map((c) => c.state)).toEqual(['available', 'available', 'available']);
    expect(fake.count('GalleryImageVersions_Update')).toBe(1);
    const body = fake.version('base-debian12', '2025.101.1')!;
    expect(body.regions.map((r) => r.name)).toEqual(['westeurope', 'eastus', 'northeurope', 'uksouth']);
    expect(body.phase).toBe('Succeeded');
  });

  it('copies encrypted with a disk encryption set, and refuses encryption without one', async () => {
    const { fake, provider } = await setup({ latencyMs: 20 });
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    await expect(provider.copy(image!, 'eastus', { encrypted: true })).rejects.toThrow(/needs a disk encryption set id \(kms_key_id/);
    const des = `/subscriptions/${SUB}/resourceGroups/keys/providers/Microsoft.Compute/diskEncryptionSets/eastus-des`;
    const started = Date.now();
    await provider.copy(image!, 'eastus', { encrypted: true, kmsKeyId: des });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 20); // GET + PATCH, each delayed by latencyMs
    expect(fake.version('base-debian12', '2025.101.1')!.regions[1]).toMatchObject({
      name: 'eastus',
      state: 'Replicating',
      encryption: { osDiskImage: { diskEncryptionSetId: des } },
    });
  });

  it('reports a replication failure when waiting for a copy', async () => {
    const { fake, provider } = await setup();
    fake.failReplication('brazilsouth', 'Failed with internal server error.');
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    await expect(provider.copy(image!, 'brazilsouth', { wait: true })).rejects.toThrow(
      /cloud "azure-prod" \(azure\): copy of base-debian12\/2025.101.1 in brazilsouth failed with GalleryImageVersionReplicationFailed.*brazilsouth: Failed with internal server error/,
    );
  });

  it('gives up waiting for a replication at the deadline, reporting progress; the copy goes on', async () => {
    // replicationPolls: the fake keeps the new region Replicating (and the update running) for that many observations.
    const { fake, provider } = await setup({ replicationPolls: 1_000_000 });
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    const progress: string[] = [];
    const error = (await provider
      .copy(image!, 'eastus', { wait: true, timeoutMs: 300, onProgress: (p) => void progress.push(p.state) })
      .catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('CopyPendingError');
    expect(error.message).toMatch(
      /^the copy of base-debian12\/2025\.101\.1 into eastus is still updating after 0 min; it continues in the cloud; run distribute again to wait for it$/,
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(fake.version('base-debian12', '2025.101.1')?.regions.map((r) => r.name)).toEqual(['westeurope', 'eastus']);
  });

  it('tags, deprecates and removes versions and managed images', async () => {
    const { fake, provider } = await setup();
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope', 'eastus'], tags: tags('fp1') });
    fake.seedVersion({ definition: 'base-debian12', version: '2025.102.1', regions: ['westeurope'], tags: tags('fp2') });
    fake.seedManagedImage({ name: 'legacy', location: 'westeurope', tags: tags('fp3') });
    let records = byName(await provider.inventory('westeurope'));
    const [old, current, legacy] = [records['base-debian12/2025.101.1']!, records['base-debian12/2025.102.1']!, records['legacy']!];

    await provider.tag(current, { 'ib-channel': 'gold', 'ib-verified': 'passed' });
    await provider.tag(legacy, { 'ib-channel': 'outdated' });
    const sent = Date.now();
    await provider.deprecate(old, { replacement: current, at: new Date('2025-03-01T00:00:00Z') });
    const deprecated = fake.version('base-debian12', '2025.101.1')!;
    expect(deprecated).toMatchObject({ excludeFromLatest: true });
    expect(deprecated.tags['ib-deprecated-at']).toBe('2025-03-01T00:00:00.000Z');
    // A past `at` never reaches ARM as the EOL date (finding #21): it lands EOL_LEAD_MS ahead.
    expect(Date.parse(deprecated.endOfLifeDate!)).toBeGreaterThanOrEqual(sent + EOL_LEAD_MS);
    expect(deprecated.tags['ib-replacement']).toBe('base-debian12/2025.102.1');
    expect(deprecated.regions.map((r) => r.name)).toEqual(['westeurope', 'eastus']);

    records = byName(await provider.inventory('westeurope'));
    expect(records['base-debian12/2025.102.1']).toMatchObject({ channel: 'gold', verified: 'passed', fingerprint: 'fp2' });
    expect(records['base-debian12/2025.101.1']?.state).toBe('deprecated');
    expect(records['legacy']).toMatchObject({ channel: 'outdated', fingerprint: 'fp3' });

    await provider.remove(old);
    await provider.remove(legacy);
    expect(fake.version('base-debian12', '2025.101.1')).toBeUndefined();
    expect(fake.state.images.size).toBe(0);
    expect(Object.keys(byName(await provider.inventory('westeurope')))).toEqual(['base-debian12/2025.102.1']);
    await provider.remove(old); // already gone: nothing to do
  });

  it('never sends an end-of-life date already past: deprecation now lands EOL_LEAD_MS ahead', async () => {
    const { fake, provider } = await setup();
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [old] = await provider.inventory('westeurope');
    const sent = Date.now();
    await provider.deprecate(old!);
    const eol = Date.parse(fake.version('base-debian12', '2025.101.1')!.endOfLifeDate!);
    expect(eol).toBeGreaterThanOrEqual(sent + EOL_LEAD_MS);
    expect(eol).toBeLessThan(sent + EOL_LEAD_MS + 60_000);
    expect((await provider.inventory('westeurope'))[0]?.state).toBe('deprecated');
    const later = new Date('2099-03-01T00:00:00Z');
    await provider.deprecate(old!, { at: later }); // a date ahead is kept as it is
    expect(fake.version('base-debian12', '2025.101.1')!.endOfLifeDate).toBe(later.toISOString());
  });

  it('promotes: versions/latest moves from the old gold to the new one, never to a newer candidate', async () => {
    const { fake, provider } = await setup();
    const regions = [{ name: 'westeurope' }, { name: 'eastus' }];
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope', 'eastus'], tags: tags('fp1') });
    for (const [version, fp] of [
      ['2025.102.1', 'fp2'],
      ['2025.103.1', 'fp3'],
    ] as const) {
      fake.seedVersion({ definition: 'base-debian12', version, regions, tags: tags(fp), excludeFromLatest: true });
    }
    fake.version('base-debian12', '2025.102.1')!.regions[1]!.excludeFromLatest = true;
    expect(fake.latest('base-debian12', 'westeurope')?.name).toBe('2025.101.1');
    const records = byName(await provider.inventory('westeurope'));
    await provider.promote(records['base-debian12/2025.102.1']!);
    const gold = fake.version('base-debian12', '2025.102.1')!;
    expect(gold.excludeFromLatest).toBe(false);
    expect(gold.regions.map((r) => r.excludeFromLatest)).toEqual([undefined, false]);
    expect(fake.latest('base-debian12', 'westeurope')?.name).toBe('2025.102.1');
    expect(fake.latest('base-debian12', 'eastus')?.name).toBe('2025.102.1');
    await provider.deprecate(records['base-debian12/2025.101.1']!, { replacement: records['base-debian12/2025.102.1'] });
    expect(fake.latest('base-debian12', 'westeurope')?.name).toBe('2025.102.1');
    const updates = fake.count('GalleryImageVersions_Update');
    await provider.promote(records['base-debian12/2025.102.1']!); // already in latest: nothing sent
    expect(fake.count('GalleryImageVersions_Update')).toBe(updates);
  });

  it('shares through RBAC: Reader on the image definition per principal, idempotent, in a private gallery', async () => {
    const { fake, provider } = await setup();
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    expect(fake.state.galleries.get('image_builder')!.permissions).toBe('Private');
    const [p1, p2] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    await provider.share(image!, { accounts: [p1, p2], public: false });
    const scope = `/subscriptions/${SUB}/resourceGroups/images-rg/providers/Microsoft.Compute/galleries/image_builder/images/base-debian12`;
    const reader = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER_ROLE_ID}`;
    expect(fake.roleAssignments).toEqual([
      { name: assignmentName(scope, p1), scope, principalId: p1, roleDefinitionId: reader },
      { name: assignmentName(scope, p2), scope, principalId: p2, roleDefinitionId: reader },
    ]);
    await provider.share(image!, { accounts: [p1], public: false }); // the same name again: nothing new
    expect(fake.roleAssignments).toHaveLength(2);
    expect(fake.count('GallerySharingProfile_Update')).toBe(0);

    // An assignment made by hand under another name: 409 RoleAssignmentExists counts as done.
    fake.roleAssignments.find((a) => a.principalId === p2)!.name = '33333333-3333-4333-8333-333333333333';
    await provider.share(image!, { accounts: [p2], public: false });
    expect(fake.roleAssignments).toHaveLength(2);

    const before = fake.calls.length;
    await expect(provider.share(image!, { accounts: [], public: true })).rejects.toThrow(/as public is not supported.*community gallery/);
    await expect(provider.share(image!, { accounts: ['sub-c'], public: false })).rejects.toThrow(/must be Entra ID object ids.*"sub-c"/);
    expect(fake.calls.length).toBe(before);
  });

  it('says which role is missing when a role assignment is refused', async () => {
    const { fake, provider } = await setup();
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    fake.failNext('RoleAssignments_Create', { status: 403, code: 'AuthorizationFailed', message: 'no roleAssignments/write' });
    await expect(provider.share(image!, { accounts: ['11111111-1111-4111-8111-111111111111'], public: false })).rejects.toThrow(
      /403 AuthorizationFailed: no roleAssignments\/write.*Role Based Access Control Administrator/,
    );
  });

  it('finds VMs and scale sets using a version, directly or as latest', async () => {
    const { fake, provider } = await setup({ pageSize: 1 });
    const v1 = fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    fake.seedVersion({ definition: 'base-debian12', version: '2025.102.1', regions: ['westeurope'], tags: tags('fp2') });
    fake.seedVersion({
      definition: 'base-debian12',
      version: '2025.100.1',
      regions: ['westeurope'],
      tags: tags('fp0'),
      endOfLifeDate: '2025-01-02T00:00:00Z',
    });
    const definition = v1.replace(/\/versions\/.*/, '');
    fake.seedVm({ name: 'web-1', imageReference: { id: v1.toUpperCase() } });
    fake.seedVm({ name: 'web-2', imageReference: { id: definition, exactVersion: '2025.102.1' } });
    fake.seedScaleSet({ name: 'pool', imageReference: { id: definition } });
    fake.seedVm({ name: 'other', imageReference: { id: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/images/z' } });
    const r = byName(await provider.inventory('westeurope'));
    const u1 = await provider.inUse(r['base-debian12/2025.101.1']!);
    expect(u1.inUse).toBe(true);
    expect(u1.references).toEqual([
      expect.stringMatching(/virtualMachines\/web-1$/),
      expect.stringMatching(/virtualMachineScaleSets\/pool \(latest of base-debian12\)$/),
    ]);
    expect((await provider.inUse(r['base-debian12/2025.102.1']!)).references).toHaveLength(2);
    expect(await provider.inUse(r['base-debian12/2025.100.1']!)).toEqual({ inUse: false, references: [] });
    expect(fake.count('VirtualMachines_ListAll')).toBe(3); // 3 VMs, page size 1, listed once
    expect(fake.count('VirtualMachineScaleSets_ListAll')).toBe(1);
  });

  it('creates an image definition once', async () => {
    const { fake, provider } = await setup();
    expect(await provider.ensureImageDefinition('Controller', 'debian12')).toBe('controller-debian12');
    await provider.ensureImageDefinition('Controller', 'debian12');
    expect(fake.count('GalleryImages_CreateOrUpdate')).toBe(1);
    expect(fake.state.galleries.get('image_builder')!.definitions.get('controller-debian12')!.tags).toMatchObject({
      'image-builder': 'true',
      'ib-recipe': 'Controller',
    });
  });
});

describe('azure image definitions follow the source generation (#11)', () => {
  const line = (sku: string, version?: string) => ({
    image: 'base',
    os: 'debian12',
    region: 'westeurope',
    source: { publisher: 'Debian', offer: 'debian-12', sku, ...(version ? { version } : {}) },
  });
  const generation = (fake: AzureFake) =>
    fake.state.galleries.get('image_builder')!.definitions.get('base-debian12')?.properties.hyperVGeneration;

  it('creates a V1 definition for a Gen1 marketplace SKU, reading the newest version', async () => {
    const { fake, provider } = await setup();
    fake.marketplace.push({ publisher: 'Debian', offer: 'debian-12', sku: '12', version: '0.20250901.5', hyperVGeneration: 'V1' });
    await provider.prepareBuild(line('12', 'latest'));
    expect(generation(fake)).toBe('V1');
    expect(fake.calls.filter((c) => c.op === 'VirtualMachineImages').map((c) => c.path.split('/skus/')[1])).toEqual([
      '12/versions',
      '12/versions/0.20250901.5',
    ]);
  });

  it('creates a V2 definition for a Gen2 SKU, and refuses a source of another generation than the existing definition', async () => {
    const { fake, provider } = await setup();
    await provider.prepareBuild(line('12-gen2', '0.20250101.1'));
    expect(generation(fake)).toBe('V2');
    await expect(provider.prepareBuild(line('12'))).rejects.toThrow(
      /image definition "base-debian12" in gallery "image_builder" is Hyper-V V2, the source image is V1;.*delete the definition/,
    );
    expect(fake.count('GalleryImages_CreateOrUpdate')).toBe(1);
  });

  it('takes the generation from the SKU name when the marketplace cannot be read (403)', async () => {
    const logs: string[] = [];
    const { fake, provider } = await setup({}, logs);
    fake.failNext('VirtualMachineImages', { status: 403, code: 'AuthorizationFailed' });
    await provider.prepareBuild(line('12'));
    expect(generation(fake)).toBe('V1');
    expect(logs.some((l) => /cannot read the marketplace image Debian:debian-12:12 \(403\); taking Hyper-V V1/.test(l))).toBe(true);
  });

  it('says when the marketplace image does not exist', async () => {
    const { provider } = await setup();
    await expect(provider.prepareBuild(line('13', '1.0.0'))).rejects.toThrow(/lookup of the source image/);
  });
});

describe('azure retries and failures', () => {
  it('retries throttled (429 Retry-After) and unavailable calls and dropped connections', async () => {
    const logs: string[] = [];
    const { fake, provider } = await setup({}, logs);
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    fake.failNext('GalleryImageVersions_ListByGalleryImage', { status: 429, retryAfter: 0, times: 2 });
    fake.failNext('GalleryImages_ListByGallery', { status: 503, retryAfterMs: 1 });
    fake.failNext('Images_ListByResourceGroup', { reset: true });
    const records = await provider.inventory('westeurope');
    expect(records).toHaveLength(1);
    expect(fake.count('GalleryImageVersions_ListByGalleryImage')).toBe(3);
    expect(fake.count('GalleryImages_ListByGallery')).toBe(2);
    expect(fake.count('Images_ListByResourceGroup')).toBe(2);
    expect(logs.filter((l) => / 429 /.test(l))).toHaveLength(2);
  });

  it('gives up on throttling after the configured retries with a clear message', async () => {
    const { fake, provider } = await setup();
    fake.failNext('GalleryImages_ListByGallery', { status: 429, retryAfter: 0, times: 10 });
    await expect(provider.inventory('westeurope')).rejects.toThrow(/TooManyRequests \(HTTP 429\).*kept throttling/);
    expect(fake.count('GalleryImages_ListByGallery')).toBe(4); // 1 + maxRetries 3
  });

  it('fails at once on a permission error, naming cloud, operation, region, code and role', async () => {
    const { fake, provider } = await setup();
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    fake.failNext('GalleryImageVersions_Update', {
      status: 403,
      code: 'AuthorizationFailed',
      times: 5,
      message: "The client 'ci' does not have authorization to perform action 'Microsoft.Compute/galleries/images/versions/write'.",
    });
    const error = (await provider.copy(image!, 'eastus').catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'cloud "azure-prod" (azure): copy of base-debian12/2025.101.1 in eastus failed with AuthorizationFailed (HTTP 403): ' +
        "The client 'ci' does not have authorization to perform action 'Microsoft.Compute/galleries/images/versions/write'. " +
        'The signed-in identity lacks permission: grant it Contributor on resource group "images-rg", or "Compute Gallery ' +
        'Artifacts Publisher" on gallery "image_builder" (Microsoft.Compute/galleries/images/versions/write).',
    );
    expect(fake.count('GalleryImageVersions_Update')).toBe(1);
  });

  it('does not retry a quota error', async () => {
    const { fake, provider } = await setup();
    fake.seedVersion({ definition: 'base-debian12', version: '2025.101.1', regions: ['westeurope'], tags: tags('fp1') });
    const [image] = await provider.inventory('westeurope');
    fake.failNext('GalleryImageVersions_Update', {
      status: 409,
      code: 'OperationNotAllowed',
      times: 5,
      message: 'Operation could not be completed as it results in exceeding approved GalleryImageVersions quota.',
    });
    await expect(provider.copy(image!, 'eastus', { wait: true })).rejects.toThrow(
      /copy of .* in eastus failed with OperationNotAllowed \(HTTP 409\).*quota.*request an increase/,
    );
    expect(fake.count('GalleryImageVersions_Update')).toBe(1);
  });

  it('keeps the ARM message of a denied listing and names the read role', async () => {
    const { fake, provider } = await setup();
    fake.failNext('GalleryImages_ListByGallery', {
      status: 403,
      code: 'AuthorizationFailed',
      times: 5,
      message: "The client 'ci' does not have authorization to perform action 'Microsoft.Compute/galleries/images/read'.",
    });
    await expect(provider.inventory('westeurope')).rejects.toThrow(
      'cloud "azure-prod" (azure): inventory of gallery "image_builder" in westeurope failed with AuthorizationFailed (HTTP 403): ' +
        "The client 'ci' does not have authorization to perform action 'Microsoft.Compute/galleries/images/read'. " +
        'The signed-in identity lacks permission: grant it Reader on resource group "images-rg"',
    );
    expect(fake.count('GalleryImages_ListByGallery')).toBe(1);
  });

  it('explains a missing gallery', async () => {
    const { provider } = await setup();
    await expect(
      createAzureProvider(
        { ...cloud, gallery: 'nope' },
        { baseDir: '.', env: { IMAGE_BUILDER_AZURE_ENDPOINT: fake!.url } },
        {
          credential: staticTokenCredential('t'),
          ca: fake!.ca,
        },
      ).then((p) => p.inventory('westeurope')),
    ).rejects.toThrow(
      /inventory of gallery "nope" in westeurope failed with ResourceNotFound \(HTTP 404\).*Check subscription, resource_group and gallery/,
    );
    expect(provider.gallery).toBe('image_builder');
  });
});
