/**
 * What users read when ARM refuses an expired token (src/providers/azure/errors.ts),
 * through the real @azure/arm-compute client against the ARM fake.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createAzureProvider } from '../../../src/providers/azure/index.js';
import { staticTokenCredential } from '../../../src/providers/azure/client.js';
import type { Cloud } from '../../../src/topology/model.js';
import { startAzureFake, type AzureFake } from '../../fakes/azure/server.js';

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

let fake: AzureFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('expired credentials', () => {
  // ARM answers a token past its expiry with HTTP 401 and code ExpiredAuthenticationToken
  // ("The access token expiry UTC time ... is earlier than current UTC time": Azure Resource Manager error codes).
  it('says the token expired and what to do, not that a role is missing', async () => {
    fake = await startAzureFake();
    fake.failNext('GalleryImages_ListByGallery', {
      status: 401,
      code: 'ExpiredAuthenticationToken',
      message: "The access token expiry UTC time '1/1/2026 10:00:00 AM' is earlier than current UTC time '1/1/2026 11:00:00 AM'.",
      times: 5,
    });
    const provider = await createAzureProvider(
      cloud,
      { baseDir: '.', env: { IMAGE_BUILDER_AZURE_ENDPOINT: fake.url }, sleep: async () => undefined },
      { credential: staticTokenCredential('fake-token'), ca: fake.ca, retry: { maxRetries: 2, retryDelayInMs: 1, maxRetryDelayInMs: 2 } },
    );
    const error = (await provider.inventory('westeurope').catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ kind: 'permission', code: 'ExpiredAuthenticationToken', statusCode: 401 });
    expect(error.message).toMatch(/failed with ExpiredAuthenticationToken \(HTTP 401\): The access token expiry UTC time/);
    expect(error.message).toMatch(/The Azure access token expired before this call: .*IMAGE_BUILDER_AZURE_ACCESS_TOKEN .*then run again/);
    expect(error.message).not.toMatch(/lacks permission|grant it/);
    expect(fake.count('GalleryImages_ListByGallery')).toBe(1); // a refused token is not retried
  });
});
