/**
 * The Compute clients as the provider makes them (sdk.ts): with computeGax
 * they build their service stubs from one shared root of the pruned
 * descriptors (protos.ts), not the package's whole set. Their calls against
 * the Compute fake are tested through the provider (index.test.ts and the rest).
 */
import { describe, expect, it } from '@jest/globals';
import { OAuth2Client } from 'google-auth-library';
import type * as gaxFallback from 'google-gax/fallback';
import { ImagesClient, ZonesClient, computeGax } from '../../../src/providers/gcp/sdk.js';

type Reflected = ReturnType<typeof gaxFallback.protobuf.Root.fromJSON>;

describe('the clients made with computeGax', () => {
  it('share one root of the pruned descriptors', async () => {
    const options = { fallback: true, apiEndpoint: '127.0.0.1', port: 9, protocol: 'http', authClient: new OAuth2Client() };
    const images = new ImagesClient({ ...options }, computeGax);
    const zones = new ZonesClient({ ...options }, computeGax);
    // The generated clients keep what gaxGrpc.loadProtoJSON answered in _protos (images_client.js constructor).
    const rootOf = (client: object) => (client as { _protos: Reflected })._protos;
    expect(rootOf(images)).toBe(rootOf(zones));
    expect(rootOf(images).lookup('google.cloud.compute.v1.Images')).not.toBeNull();
    expect(rootOf(images).lookup('google.cloud.compute.v1.Instances')).toBeNull();
    await Promise.all([images.close(), zones.close()]);
  });
});
