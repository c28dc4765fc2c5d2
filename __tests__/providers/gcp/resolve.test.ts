/**
 * Resolving a GCP source to the concrete image at plan time: the real
 * @google-cloud/compute client (REST) against the Compute fake on 127.0.0.1.
 */
import { describe, expect, it } from '@jest/globals';
import { useGcpFake, PROJECT } from '../../fakes/gcp/harness.js';
import { ProviderError } from '../../../src/providers/errors.js';
import type { Provider } from '../../../src/providers/provider.js';

const gcp = useGcpFake();
const REGION = 'europe-west1';
const SOURCE = { project: 'debian-cloud', family: 'debian-12' };

const publish = (name: string, creationTimestamp: string, family = 'debian-12', project = 'debian-cloud') =>
  gcp.fake.state.publishUpstream({ project, family, name, creationTimestamp });

async function resolver(): Promise<Required<Pick<Provider, 'resolveSource'>>> {
  const provider = await gcp.provider({ retry: { baseMs: 1, maxMs: 2 } });
  if (!provider.resolveSource) throw new Error('the GCP provider resolves no sources');
  return provider as Required<Pick<Provider, 'resolveSource'>>;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('GCP resolveSource', () => {
  it("a family resolves to its newest non-deprecated image in the source's project, in one getFromFamily call", async () => {
    publish('debian-12-bookworm-v20250101', '2025-01-01T02:00:00.000-08:00');
    publish('debian-12-bookworm-v20250301', '2025-03-01T02:00:00.000-08:00');
    publish('debian-12-bookworm-v20250201', '2025-02-01T02:00:00.000-08:00');
    gcp.fake.seedImage({
      project: 'debian-cloud',
      family: 'debian-12',
      name: 'debian-12-bookworm-v20250401',
      creationTimestamp: '2025-04-01T02:00:00.000-08:00',
      deprecated: { state: 'DEPRECATED' },
    });
    publish('debian-12-bookworm-v20250501', '2025-05-01T02:00:00.000-08:00', 'debian-12', PROJECT);
    publish('debian-13-trixie-v20250601', '2025-06-01T02:00:00.000-08:00', 'debian-13');
    const p = await resolver();

    expect(await p.resolveSource(REGION, SOURCE)).toEqual({
      id: 'projects/debian-cloud/global/images/debian-12-bookworm-v20250301',
      name: 'debian-12-bookworm-v20250301',
      created: '2025-03-01T10:00:00.000Z',
      pinned: false,
    });
    expect(gcp.fake.calls.count('images.getFromFamily')).toBe(1);
    expect(gcp.fake.calls.log.find((c) => c.op === 'images.getFromFamily')?.path).toBe(
      '/compute/v1/projects/debian-cloud/global/images/family/debian-12',
    );
  });

  it('a newer image in the family moves the source; a family without a project is looked up in the cloud project', async () => {
    publish('debian-12-bookworm-v20250101', '2025-01-01T02:00:00.000-08:00');
    publish('own-base-v1', '2025-01-01T02:00:00.000-08:00', 'own-base', PROJECT);
    const p = await resolver();
    const before = await p.resolveSource(REGION, SOURCE);
    publish('debian-12-bookworm-v20250701', '2025-07-01T02:00:00.000-08:00');
    const after = await p.resolveSource(REGION, SOURCE);
    expect([before.name, after.name]).toEqual(['debian-12-bookworm-v20250101', 'debian-12-bookworm-v20250701']);
    expect((await p.resolveSource(REGION, { family: 'own-base' })).id).toBe(`projects/${PROJECT}/global/images/own-base-v1`);
  });

  it('an image is pinned: images.get of it, whatever the family publishes since', async () => {
    publish('debian-12-bookworm-v20250101', '2025-01-01T02:00:00.000-08:00');
    publish('debian-12-bookworm-v20250701', '2025-07-01T02:00:00.000-08:00');
    const p = await resolver();
    const pinned = { id: 'projects/debian-cloud/global/images/debian-12-bookworm-v20250101', name: 'debian-12-bookworm-v20250101' };
    expect(await p.resolveSource(REGION, { project: 'debian-cloud', image: 'debian-12-bookworm-v20250101' })).toMatchObject({
      ...pinned,
      pinned: true,
    });
    // The path form names its project itself.
    expect(await p.resolveSource(REGION, { image: pinned.id })).toMatchObject({ ...pinned, pinned: true });
    expect(gcp.fake.calls.count('images.get')).toBe(2);
    expect(gcp.fake.calls.count('images.getFromFamily')).toBe(0);
  });

  it('an unknown family is a not-found error naming the cloud, the source, what to check, and not retried', async () => {
    const p = await resolver();
    const error = await failure(p.resolveSource(REGION, { project: 'debian-cloud', family: 'debian-99' }));
    expect(error.kind).toBe('not-found');
    expect(error.message).toMatch(
      /^cloud "gcp-prod" \(gcp\): the source project debian-cloud, family debian-99 in europe-west1 resolves to no image: check the project and the family/,
    );
    expect(gcp.fake.calls.count('images.getFromFamily')).toBe(1);
  });

  it('a pinned image that was deleted is a not-found error', async () => {
    const p = await resolver();
    const error = await failure(p.resolveSource(REGION, { project: 'debian-cloud', image: 'debian-12-bookworm-v20200101' }));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain(
      'the source project debian-cloud, image debian-12-bookworm-v20200101 in europe-west1 resolves to no image',
    );
  });

  it('a refused lookup names the permission on the source project and is not retried', async () => {
    gcp.fake.failNext('images.getFromFamily', { status: 403 });
    const p = await resolver();
    const error = await failure(p.resolveSource(REGION, SOURCE));
    expect(error.kind).toBe('permission');
    expect(error.message).toContain('cannot be looked up: grant compute.images.getFromFamily on project debian-cloud');
    expect(error.message).toContain("Required 'compute.images.getFromFamily' permission");
    expect(gcp.fake.calls.count('images.getFromFamily')).toBe(1);
  });

  it('rate limits and 503s are retried under the shared policy, then the family resolves', async () => {
    publish('debian-12-bookworm-v20250101', '2025-01-01T02:00:00.000-08:00');
    gcp.fake.failNext('images.getFromFamily', { status: 429, reason: 'rateLimitExceeded', retryAfter: 0 });
    gcp.fake.failNext('images.getFromFamily', { status: 503 });
    const p = await resolver();
    expect((await p.resolveSource(REGION, SOURCE)).name).toBe('debian-12-bookworm-v20250101');
    expect(gcp.fake.calls.count('images.getFromFamily')).toBe(3);
    expect(gcp.sleeps).toHaveLength(2);
  });
});
