/**
 * The AWS provider wired to a fresh EC2 fake, for tests of the provider and
 * of code that drives it (plan, distribute, lifecycle). Sleeps are recorded,
 * never waited; log lines are collected.
 *
 *   const h = await startAwsHarness({ fake: { pageSize: 2 } });
 *   const img = h.seed('eu-west-1', 'f00d');
 *   await h.provider.inventory('eu-west-1');
 *   await h.close();
 */
import { createAwsProvider, type AwsProvider, type AwsProviderOptions } from '../../../src/providers/aws/index.js';
import { imageTags, type ImageRecord } from '../../../src/images/index.js';
import type { Cloud } from '../../../src/topology/model.js';
import { startEc2Fake, type Ec2Fake, type Ec2FakeOptions, type FakeImage, type SeedImage } from './server.js';

export const FAKE_ACCOUNT = '123456789012';

export function awsCloud(overrides: Partial<Cloud> = {}): Cloud {
  return {
    name: 'aws-prod',
    provider: 'aws',
    account: FAKE_ACCOUNT,
    build_region: 'eu-west-1',
    regions: { 'eu-west-1': { instances: [] }, 'us-east-1': { instances: [] } },
    share: { accounts: [], public: false },
    ...overrides,
  };
}

export interface AwsHarness {
  fake: Ec2Fake;
  provider: AwsProvider;
  cloud: Cloud;
  /** Every delay the provider slept (retries, polls), in order. */
  delays: number[];
  logs: string[];
  /** Seeds a managed image of recipe `base`, os `debian12`, named after the fingerprint. */
  seed(region: string, fingerprint: string, extra?: Partial<SeedImage>): FakeImage;
  /** The provider's record of an image, read through inventory. */
  record(region: string, id: string): Promise<ImageRecord>;
  close(): Promise<void>;
}

export async function startAwsHarness(
  setup: { fake?: Ec2FakeOptions; provider?: AwsProviderOptions; cloud?: Partial<Cloud> } = {},
): Promise<AwsHarness> {
  const fake = await startEc2Fake({ account: FAKE_ACCOUNT, ...setup.fake });
  const cloud = awsCloud(setup.cloud);
  const delays: number[] = [];
  const logs: string[] = [];
  const provider = await createAwsProvider(
    cloud,
    {
      baseDir: '.',
      env: { AWS_ENDPOINT_URL_EC2: fake.url, AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret' },
      sleep: async (ms) => void delays.push(ms),
      log: (m) => void logs.push(m),
    },
    { pollIntervalMs: 1000, ...setup.provider },
  );
  return {
    fake,
    provider,
    cloud,
    delays,
    logs,
    seed: (region, fingerprint, extra = {}) =>
      fake.state.seedImage({
        region,
        name: `${cloud.name}-base-debian12-${fingerprint}`,
        tags: imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: cloud.name }),
        ...extra,
      }),
    async record(region, id) {
      const found = (await provider.inventory(region)).find((r) => r.id === id);
      if (!found) throw new Error(`${id} is not in the inventory of ${region}`);
      return found;
    },
    async close() {
      provider.destroy();
      await fake.close();
    },
  };
}
