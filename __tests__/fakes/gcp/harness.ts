/**
 * Jest wiring for tests that drive the real GCP provider against the fake:
 *
 *   const gcp = useGcpFake({ pageSize: 3 });
 *   it('...', async () => {
 *     gcp.seedManaged('ib-base-debian12-0123');
 *     const p = await gcp.provider();
 *     await p.inventory('europe-west1');
 *     expect(gcp.fake.calls.count('images.list')).toBe(1);
 *   });
 *
 * A fresh fake per test; the provider gets the fake's endpoint, an access
 * token, a recording sleep (no waiting) and log, and a recording mask hook.
 * While the tests run, HTTP(S)_PROXY point at a closed local port (NO_PROXY
 * 127.0.0.1): the compute calls use their own agents to the fake, and
 * anything the auth library might send elsewhere (metadata server, Resource
 * Manager, Google's STS) fails at once instead of reaching the internet.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { createGcpProvider, type GcpProviderOptions } from '../../../src/providers/gcp/index.js';
import { imageTags, type ImageRecord } from '../../../src/images/index.js';
import { type Provider } from '../../../src/providers/provider.js';
import type { Cloud } from '../../../src/topology/model.js';
import { startGcpFake, type GcpFake, type GcpFakeOptions } from './server.js';
import type { FakeImage, SeedImage } from './state.js';

export const PROJECT = 'test-project';

export const gcpCloud: Cloud = {
  name: 'gcp-prod',
  provider: 'gcp',
  project: PROJECT,
  build_region: 'europe-west1',
  regions: { 'europe-west1': { instances: [] }, 'us-east1': { instances: [] } },
  share: { accounts: [], public: false },
};

export interface GcpHarness {
  readonly fake: GcpFake;
  /** Delays the provider asked to sleep, in ms. */
  readonly sleeps: number[];
  readonly logs: string[];
  /** Secrets handed to the mask hook. */
  readonly masked: string[];
  /** A provider on the fake; `token` null means no access token (application default credentials). */
  provider(options?: GcpProviderOptions, token?: string | null, cloud?: Cloud): Promise<Provider>;
  /** Seeds an image labelled as this tool labels it (recipe base, os debian12, fingerprint fp-<name>). */
  seedManaged(name: string, extra?: Record<string, string>, spec?: Partial<SeedImage>): FakeImage;
  /** The provider's record of `name` as inventory returns it. */
  record(p: Provider, name: string, region?: string): Promise<ImageRecord>;
}

export function useGcpFake(options: GcpFakeOptions = {}): GcpHarness {
  let fake: GcpFake | undefined;
  const sleeps: number[] = [];
  const logs: string[] = [];
  const masked: string[] = [];

  const proxyVars = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'] as const;
  const saved = proxyVars.map((k) => process.env[k]);
  beforeAll(() => {
    process.env.HTTPS_PROXY = process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    process.env.NO_PROXY = '127.0.0.1,localhost';
  });
  afterAll(() =>
    proxyVars.forEach((k, i) => {
      if (saved[i] === undefined) delete process.env[k];
      else process.env[k] = saved[i];
    }),
  );
  beforeEach(async () => {
    fake = await startGcpFake(options);
    for (const list of [sleeps, logs, masked]) list.splice(0);
  });
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const current = (): GcpFake => {
    if (!fake) throw new Error('the GCP fake runs only inside a test');
    return fake;
  };
  return {
    get fake() {
      return current();
    },
    sleeps,
    logs,
    masked,
    provider: (providerOptions = {}, token = 'fake-access-token', cloud = gcpCloud) =>
      createGcpProvider(
        cloud,
        {
          baseDir: '.',
          env: { IMAGE_BUILDER_GCP_ENDPOINT: current().url },
          gcpAccessToken: token ?? undefined,
          sleep: async (ms) => void sleeps.push(ms),
          log: (m) => void logs.push(m),
        },
        { pollIntervalMs: 5, mask: (s) => void masked.push(s), ...providerOptions },
      ),
    seedManaged: (name, extra = {}, spec = {}) =>
      current().seedImage({
        ...spec,
        name,
        labels: { ...imageTags({ fingerprint: `fp-${name}`, image: 'base', os: 'debian12', cloud: gcpCloud.name }), ...extra },
      }),
    record: (p, name, region = 'europe-west1') => p.inventory(region).then((all) => all.find((r) => r.name === name) as ImageRecord),
  };
}
