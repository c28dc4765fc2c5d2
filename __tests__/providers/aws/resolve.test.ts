/**
 * Resolving an AWS source to the concrete AMI at plan time: the real EC2
 * client against the EC2 fake on 127.0.0.1.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';
import { ProviderError } from '../../../src/providers/errors.js';

const REGION = 'eu-west-1';
const DEBIAN = '136693071363';
const SOURCE = { owner: DEBIAN, name: 'debian-12-amd64-*' };
let h: AwsHarness;

afterEach(async () => {
  await h?.close();
});

const publish = (name: string, creationDate: string, extra: { region?: string; ownerId?: string; deprecationTime?: string } = {}) =>
  h.fake.state.publishUpstream({ region: REGION, ownerId: DEBIAN, name, creationDate, ...extra });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('AWS resolveSource', () => {
  test('owner + name resolve to the newest available, non-deprecated hvm/EBS AMI in the region, in one DescribeImages call', async () => {
    h = await startAwsHarness();
    publish('debian-12-amd64-20250101-1980', '2025-01-01T10:00:00.000Z');
    const newest = publish('debian-12-amd64-20250301-2040', '2025-03-01T10:00:00.000Z');
    publish('debian-12-amd64-20250201-2010', '2025-02-01T10:00:00.000Z');
    // Newer, but not what Packer's most_recent would pick: pending, deprecated, another owner, another region, another name.
    h.fake.state.seedImage({
      region: REGION,
      ownerId: DEBIAN,
      name: 'debian-12-amd64-20250401-2100',
      creationDate: '2025-04-01T00:00:00Z',
      state: 'pending',
    });
    publish('debian-12-amd64-20250402-2101', '2025-04-02T00:00:00.000Z', { deprecationTime: '2025-04-03T00:00:00.000Z' });
    publish('debian-12-amd64-20250403-2102', '2025-04-03T00:00:00.000Z', { ownerId: '999999999999' });
    publish('debian-12-amd64-20250404-2103', '2025-04-04T00:00:00.000Z', { region: 'us-east-1' });
    publish('debian-13-amd64-20250405-2104', '2025-04-05T00:00:00.000Z');

    const resolved = await h.provider.resolveSource(REGION, SOURCE);

    expect(resolved).toEqual({ id: newest.id, name: 'debian-12-amd64-20250301-2040', created: '2025-03-01T10:00:00.000Z', pinned: false });
    expect(h.fake.count('DescribeImages')).toBe(1);
    const [call] = h.fake.calls;
    expect(call.region).toBe(REGION);
    expect(call.params).toMatchObject({ 'Owner.1': DEBIAN, 'Filter.1.Name': 'name', 'Filter.1.Value.1': 'debian-12-amd64-*' });
    expect(
      Object.entries(call.params)
        .filter(([k]) => /^Filter\.\d+\.Name$/.test(k))
        .map(([, v]) => v),
    ).toEqual(['name', 'state', 'virtualization-type', 'root-device-type']);
  });

  test('a newer upstream AMI moves the source; another source stays where it was', async () => {
    h = await startAwsHarness();
    publish('debian-12-amd64-20250101-1980', '2025-01-01T10:00:00.000Z');
    const arm = h.fake.state.publishUpstream({
      region: REGION,
      ownerId: DEBIAN,
      name: 'debian-12-arm64-20250101-1980',
      creationDate: '2025-01-01T10:00:00Z',
    });
    const before = await h.provider.resolveSource(REGION, SOURCE);
    const newer = publish('debian-12-amd64-20250601-2200', '2025-06-01T10:00:00.000Z');
    const after = await h.provider.resolveSource(REGION, SOURCE);
    expect(after.id).toBe(newer.id);
    expect(after.id).not.toBe(before.id);
    expect((await h.provider.resolveSource(REGION, { owner: DEBIAN, name: 'debian-12-arm64-*' })).id).toBe(arm.id);
  });

  test('an ami is pinned: it stays put when a newer AMI is published', async () => {
    h = await startAwsHarness();
    const pinned = publish('debian-12-amd64-20250101-1980', '2025-01-01T10:00:00.000Z');
    publish('debian-12-amd64-20250601-2200', '2025-06-01T10:00:00.000Z');
    const resolved = await h.provider.resolveSource(REGION, { ami: pinned.id });
    expect(resolved).toEqual({ id: pinned.id, name: pinned.name, created: '2025-01-01T10:00:00.000Z', pinned: true });
    expect(h.fake.count('DescribeImages')).toBe(1);
    expect(h.fake.calls[0].params).toMatchObject({ 'ImageId.1': pinned.id });
    expect(h.fake.calls[0].params['Owner.1']).toBeUndefined();
  });

  test('no match is a not-found error naming the cloud, the source, the region and what to check', async () => {
    h = await startAwsHarness();
    publish('debian-12-amd64-20250101-1980', '2025-01-01T10:00:00.000Z');
    const error = await failure(h.provider.resolveSource(REGION, { owner: DEBIAN, name: 'debian-99-*' }));
    expect(error.kind).toBe('not-found');
    expect(error.message).toMatch(
      /^cloud "aws-prod" \(aws\): the source owner 136693071363, name debian-99-\* in eu-west-1 resolves to no image: .*Check the owner .* and the name pattern/,
    );
    expect(h.fake.count('DescribeImages')).toBe(1);
  });

  test('a pinned AMI that is not in the region is a not-found error saying AMIs are regional', async () => {
    h = await startAwsHarness();
    const elsewhere = publish('debian-12-amd64-20250101-1980', '2025-01-01T10:00:00.000Z', { region: 'us-east-1' });
    const error = await failure(h.provider.resolveSource(REGION, { ami: elsewhere.id }));
    expect(error.kind).toBe('not-found');
    expect(error.code).toBe('InvalidAMIID.NotFound');
    expect(error.message).toContain(`cloud "aws-prod" (aws): the source ami ${elsewhere.id} in eu-west-1 resolves to no image`);
    expect(error.message).toContain('AMIs are regional');
  });

  test('a refused DescribeImages names the permission and is not retried', async () => {
    h = await startAwsHarness();
    h.fake.failNext('DescribeImages', {
      code: 'UnauthorizedOperation',
      status: 403,
      message: 'You are not authorized to perform this operation.',
    });
    const error = await failure(h.provider.resolveSource(REGION, SOURCE));
    expect(error.kind).toBe('permission');
    expect(error.message).toMatch(
      /the source owner 136693071363, name debian-12-amd64-\* in eu-west-1 cannot be looked up: grant ec2:DescribeImages in eu-west-1/,
    );
    expect(error.message).toContain('UnauthorizedOperation');
    expect(h.fake.count('DescribeImages')).toBe(1);
  });

  test('throttling is retried under the shared policy, then the source resolves', async () => {
    h = await startAwsHarness();
    const image = publish('debian-12-amd64-20250101-1980', '2025-01-01T10:00:00.000Z');
    h.fake.failNext('DescribeImages', { code: 'RequestLimitExceeded', times: 2 });
    expect((await h.provider.resolveSource(REGION, SOURCE)).id).toBe(image.id);
    expect(h.fake.count('DescribeImages')).toBe(3);
    expect(h.delays).toHaveLength(2);
  });

  test('the build reads the root device of the resolved AMI, not of a newer one published since the plan', async () => {
    h = await startAwsHarness();
    const planned = h.fake.state.seedImage({
      region: REGION,
      ownerId: DEBIAN,
      name: 'x-1',
      creationDate: '2025-01-01T00:00:00Z',
      rootDeviceName: '/dev/xvda',
    });
    const resolved = await h.provider.resolveSource(REGION, { owner: DEBIAN, name: 'x-*' });
    h.fake.state.seedImage({
      region: REGION,
      ownerId: DEBIAN,
      name: 'x-2',
      creationDate: '2025-02-01T00:00:00Z',
      rootDeviceName: '/dev/sda1',
    });
    const settings = await h.provider.buildSettings({ region: REGION, source: { owner: DEBIAN, name: 'x-*' }, resolved });
    expect(resolved.id).toBe(planned.id);
    expect(settings).toEqual({ source: { root_device_name: '/dev/xvda' } });
  });
});
