/**
 * The deadline of every ARM request (src/providers/azure/client.ts): the real
 * @azure/arm-compute client against an HTTPS endpoint that accepts
 * connections and never answers.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createAzureProvider } from '../../../src/providers/azure/index.js';
import { staticTokenCredential } from '../../../src/providers/azure/client.js';
import { ProviderError } from '../../../src/providers/errors.js';
import type { Cloud } from '../../../src/topology/model.js';
import { fakeCertificate } from '../../fakes/azure/tls.js';
import { startSilentServer, type SilentServer } from '../../helpers/silent-server.js';

const cloud: Cloud = {
  name: 'azure-prod',
  provider: 'azure',
  subscription: '00000000-0000-0000-0000-000000000001',
  resource_group: 'images-rg',
  gallery: 'image_builder',
  build_region: 'westeurope',
  regions: {},
  share: { accounts: [], public: false },
};

let silent: SilentServer | undefined;
afterEach(async () => {
  await silent?.close();
  silent = undefined;
});

describe('deadlines', () => {
  it('an ARM endpoint that accepts connections and never answers fails at the deadline, retried, naming it', async () => {
    const tls = await fakeCertificate();
    silent = await startSilentServer(tls);
    const logs: string[] = [];
    const provider = await createAzureProvider(
      cloud,
      { baseDir: '.', env: { IMAGE_BUILDER_AZURE_ENDPOINT: silent.url }, sleep: async () => undefined, log: (m) => void logs.push(m) },
      {
        credential: staticTokenCredential('fake-token'),
        ca: tls.cert,
        retry: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 2 },
        timeouts: { requestMs: 200 },
      },
    );
    const started = Date.now();
    const error = await provider.inventory('westeurope').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'transient', code: 'ETIMEDOUT' });
    const message = (error as Error).message;
    expect(message).toContain(
      `cloud "azure-prod" (azure): inventory of gallery "image_builder" in westeurope failed with ETIMEDOUT: ` +
        `no answer from ${silent.url} within 200 ms (request deadline)`,
    );
    expect(message).toMatch(/No answer within the deadline in any attempt, retries included: check the network path/);
    // Inventory lists gallery images and managed images side by side: each call made its first attempt and 2 retries, all cut off.
    const galleryListings = silent.requests.filter((r) => r.includes('/galleries/image_builder/images?'));
    expect(galleryListings).toHaveLength(3);
    // Each cut-off attempt is logged (the other listing may still be in flight when the first one fails).
    expect(logs.filter((l) => l === `azure: GET ${silent?.url} gave no answer within 200 ms`).length).toBeGreaterThanOrEqual(3);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
