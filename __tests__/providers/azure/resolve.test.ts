/**
 * Resolving an Azure marketplace source to the concrete version at plan time:
 * the real @azure/arm-compute client against the HTTPS ARM fake on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { startAzureFake, type AzureFake } from '../../fakes/azure/server.js';
import { createAzureProvider, type AzureProvider } from '../../../src/providers/azure/index.js';
import { staticTokenCredential } from '../../../src/providers/azure/client.js';
import { ProviderError } from '../../../src/providers/errors.js';
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
const LOCATION = 'westeurope';
const SOURCE = { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: 'latest' };

let fake: AzureFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup() {
  fake = await startAzureFake();
  const provider = (await createAzureProvider(
    cloud,
    { baseDir: '/tmp', env: { IMAGE_BUILDER_AZURE_ENDPOINT: fake.url }, sleep: async () => undefined },
    {
      credential: staticTokenCredential('fake-token'),
      ca: fake.ca,
      pollIntervalMs: 1,
      retry: { maxRetries: 3, retryDelayInMs: 1, maxRetryDelayInMs: 2 },
    },
  )) as AzureProvider;
  return { fake, provider };
}

const publish = (fake: AzureFake, version: string, extra: { sku?: string; locations?: string[] } = {}) =>
  fake.marketplace.push({
    publisher: 'Debian',
    offer: 'debian-12',
    sku: extra.sku ?? '12-gen2',
    version,
    hyperVGeneration: 'V2',
    ...extra,
  });

const marketplaceCalls = (fake: AzureFake) =>
  fake.calls.filter((c) => c.op === 'VirtualMachineImages').map((c) => c.path.split('/skus/')[1]);

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('Azure resolveSource', () => {
  it('`latest` resolves to the newest version offered in the location, by version order, in one List call', async () => {
    const { fake, provider } = await setup();
    // Text order would put .9 after .10; List answers in no promised order.
    publish(fake, '0.20250301.10');
    publish(fake, '0.20250301.9');
    publish(fake, '0.20250115.1999');
    publish(fake, '0.20250401.1', { locations: ['eastus'] });
    publish(fake, '0.20250501.1', { sku: '12' });

    expect(await provider.resolveSource(LOCATION, SOURCE)).toEqual({
      id: '0.20250301.10',
      name: 'Debian:debian-12:12-gen2:0.20250301.10',
      pinned: false,
    });
    expect(marketplaceCalls(fake)).toEqual(['12-gen2/versions']);
  });

  it('a newer published version moves `latest`; a source without version is `latest` too', async () => {
    const { fake, provider } = await setup();
    const before = await provider.resolveSource(LOCATION, SOURCE);
    publish(fake, '0.20260101.1');
    const after = await provider.resolveSource(LOCATION, { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2' });
    expect([before.id, after.id]).toEqual(['0.20250101.1', '0.20260101.1']);
  });

  it('a concrete version is pinned: one Get of it, whatever is published since', async () => {
    const { fake, provider } = await setup();
    publish(fake, '0.20260101.1');
    expect(await provider.resolveSource(LOCATION, { ...SOURCE, version: '0.20250101.1' })).toEqual({
      id: '0.20250101.1',
      name: 'Debian:debian-12:12-gen2:0.20250101.1',
      pinned: true,
    });
    expect(marketplaceCalls(fake)).toEqual(['12-gen2/versions/0.20250101.1']);
  });

  it('an unknown SKU is a not-found error naming the cloud, the source and what to check', async () => {
    const { fake, provider } = await setup();
    const error = await failure(provider.resolveSource(LOCATION, { ...SOURCE, sku: '99' }));
    expect(error.kind).toBe('not-found');
    expect(error.message).toMatch(
      /^cloud "azure-prod" \(azure\): the source publisher Debian, offer debian-12, sku 99, version latest in westeurope resolves to no image: .*Check publisher, offer and sku/,
    );
    expect(marketplaceCalls(fake)).toEqual(['99/versions']);
  });

  it('a retired pinned version is a not-found error (ARM 404), not retried', async () => {
    const { fake, provider } = await setup();
    const error = await failure(provider.resolveSource(LOCATION, { ...SOURCE, version: '0.20200101.1' }));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain('version 0.20200101.1 in westeurope resolves to no image: check the version');
    expect(error.message).toContain('Artifact: VMImage was not found');
    expect(fake.count('VirtualMachineImages')).toBe(1);
  });

  it('a refused lookup names the role and action it needs, not retried', async () => {
    const { fake, provider } = await setup();
    fake.failNext('VirtualMachineImages', { status: 403, code: 'AuthorizationFailed', message: 'The client does not have authorization' });
    const error = await failure(provider.resolveSource(LOCATION, SOURCE));
    expect(error.kind).toBe('permission');
    expect(error.message).toContain(
      `cannot be looked up: grant Reader on subscription "${SUB}" (Microsoft.Compute/locations/publishers/artifacttypes/offers/skus/versions/read)`,
    );
    expect(fake.count('VirtualMachineImages')).toBe(1);
  });

  it('throttling (429 Retry-After) is retried by the pipeline, then `latest` resolves', async () => {
    const { fake, provider } = await setup();
    fake.failNext('VirtualMachineImages', { status: 429, retryAfter: 0, times: 2 });
    expect((await provider.resolveSource(LOCATION, SOURCE)).id).toBe('0.20250101.1');
    expect(fake.count('VirtualMachineImages')).toBe(3);
  });

  it('the build reads the generation of the resolved version, with one Get and no List', async () => {
    const { fake, provider } = await setup();
    const resolved = await provider.resolveSource(LOCATION, SOURCE);
    publish(fake, '0.20260101.1');
    fake.calls.splice(0);
    await provider.prepareBuild({ image: 'base', os: 'debian12', region: LOCATION, source: SOURCE, resolved });
    expect(marketplaceCalls(fake)).toEqual(['12-gen2/versions/0.20250101.1']);
    expect(fake.state.galleries.get('image_builder')!.definitions.get('base-debian12')?.properties.hyperVGeneration).toBe('V2');
  });
});
