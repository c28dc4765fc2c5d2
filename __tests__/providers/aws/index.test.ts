/**
 * The AWS provider through the real @aws-sdk/client-ec2 against the local
 * EC2 fake (__tests__/fakes/aws/server.ts). Only endpoint and credentials
 * differ from production; sleeps are recorded, never waited.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { type AwsProvider, type AwsProviderOptions } from '../../../src/providers/aws/index.js';
import { createProvider } from '../../../src/providers/index.js';
import { TAGS } from '../../../src/images/index.js';
import { copyToken } from '../../../src/providers/aws/copy.js';
import type { Ec2Fake, Ec2FakeOptions, SeedImage } from '../../fakes/aws/server.js';
import { FAKE_ACCOUNT as ACCOUNT, startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';

const BUILD = 'eu-west-1';
const OTHER = 'us-east-1';

let h: AwsHarness;
let fake: Ec2Fake;
let provider: AwsProvider;
let delays: number[];

async function setup(fakeOptions: Ec2FakeOptions = {}, options: AwsProviderOptions = {}): Promise<void> {
  h = await startAwsHarness({ fake: fakeOptions, provider: options });
  ({ fake, provider, delays } = h);
}

const seed = (region: string, fingerprint: string, extra: Partial<SeedImage> = {}) => h.seed(region, fingerprint, extra);
const record = (region: string, id: string) => h.record(region, id);

afterEach(async () => {
  await h?.close();
});

describe('inventory', () => {
  beforeEach(() => setup({ pageSize: 2 }));

  test('reads every managed image across pages, per region, with fields from tags', async () => {
    const hour = 3600_000;
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const a = seed(BUILD, 'fa', { creationDate: new Date(t0) });
    const b = seed(BUILD, 'fb', { creationDate: new Date(t0 + hour), deprecationTime: new Date(t0 + 2 * hour) });
    seed(BUILD, 'fc', { creationDate: new Date(t0 + 2 * hour), state: 'failed' });
    seed(BUILD, 'fd', { creationDate: new Date(t0 + 3 * hour), state: 'pending' });
    seed(BUILD, 'fe', { creationDate: new Date(t0 + 4 * hour), state: 'deregistered' });
    const gold = seed(BUILD, 'ff', { creationDate: new Date(t0 + 5 * hour) });
    gold.tags[TAGS.channel] = 'gold';
    gold.tags[TAGS.verified] = 'passed';
    fake.state.seedImage({ region: BUILD, name: 'not-ours', tags: { team: 'x' } });
    seed(OTHER, 'fa');

    const records = await provider.inventory(BUILD);

    expect(records.map((r) => [r.fingerprint, r.state])).toEqual([
      ['fa', 'available'],
      ['fb', 'deprecated'],
      ['fc', 'failed'],
      ['fd', 'pending'],
      ['ff', 'available'],
    ]);
    expect(records[0]).toMatchObject({
      id: a.id,
      name: 'aws-prod-base-debian12-fa',
      cloud: 'aws-prod',
      region: BUILD,
      image: 'base',
      os: 'debian12',
      channel: 'candidate',
      verified: 'unverified',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    expect(records[1].id).toBe(b.id);
    expect(records[4]).toMatchObject({ channel: 'gold', verified: 'passed' });
    // 6 tagged images (the deregistered one included) in pages of 2.
    expect(fake.count('DescribeImages', BUILD)).toBe(3);
    expect(fake.calls[0].params).toMatchObject({
      'Owner.1': ACCOUNT,
      'Filter.1.Name': 'tag:image-builder',
      'Filter.1.Value.1': 'true',
      MaxResults: '500',
    });
    expect(fake.calls[1].params.NextToken).toBeTruthy();

    expect((await provider.inventory(OTHER)).map((r) => r.fingerprint)).toEqual(['fa']);
    expect(fake.count('DescribeImages', OTHER)).toBe(1);
  });

  test('an empty region is an empty list', async () => {
    expect(await provider.inventory('ap-south-1')).toEqual([]);
  });
});

describe('copy, tag, share, deprecate, remove', () => {
  test('copy returns the pending copy at once, or waits until it is available', async () => {
    await setup({ copyPendingPolls: 2 });
    const src = await record(BUILD, seed(BUILD, 'f1').id);

    const started = await provider.copy(src, OTHER);
    expect(started).toMatchObject({ region: OTHER, state: 'pending', fingerprint: 'f1', name: src.name });
    expect(started.id).not.toBe(src.id);
    expect(fake.calls.at(-1)).toMatchObject({ action: 'CopyImage', region: OTHER });
    expect(fake.calls.at(-1)?.params).toMatchObject({
      SourceImageId: src.id,
      SourceRegion: BUILD,
      Name: src.name,
      ClientToken: copyToken(src.id, OTHER, src.name),
      'TagSpecification.1.ResourceType': 'image',
      'TagSpecification.2.ResourceType': 'snapshot',
    });
    // TagSpecifications carry the tags; CopyImageTags would copy the same keys again (audit #15).
    expect(fake.calls.at(-1)?.params.CopyImageTags).toBeUndefined();
    fake.state.region(OTHER).images.clear();
    fake.clearCalls();
    delays.length = 0;

    const done = await provider.copy(src, OTHER, { wait: true, encrypted: true, kmsKeyId: 'alias/images' });
    expect(done).toMatchObject({ region: OTHER, state: 'available', fingerprint: 'f1' });
    // pending, pending, available: three polls, each after one poll interval.
    expect(fake.count('DescribeImages', OTHER)).toBe(3);
    expect(delays).toEqual([1000, 1000, 1000]);
    const copy = fake.state.region(OTHER).images.get(done.id)!;
    expect(copy).toMatchObject({ encrypted: true, kmsKeyId: 'alias/images', sourceImageId: src.id });
    expect(copy.tags[TAGS.fingerprint]).toBe('f1');
    const snap = fake.state.region(OTHER).snapshots.get(copy.snapshotIds[0])!;
    expect(snap.tags[TAGS.managedBy]).toBe('true');
    expect(snap.tags[TAGS.fingerprint]).toBe('f1');
    // CopyImage tagged the image and its snapshots: no second call.
    expect(fake.count('CreateTags', OTHER)).toBe(0);
  });

  test('a copy into its own region is the image itself; a re-run finds the existing copy', async () => {
    await setup();
    const src = await record(BUILD, seed(BUILD, 'f2').id);
    expect(await provider.copy(src, BUILD)).toBe(src);
    const first = await provider.copy(src, OTHER);
    const again = await provider.copy(src, OTHER);
    expect(again.id).toBe(first.id);
    // The same ClientToken gets the same ImageId back: no InvalidAMIName.Duplicate round trip.
    const tokens = fake.calls.filter((c) => c.action === 'CopyImage').map((c) => c.params.ClientToken);
    expect(tokens).toEqual([copyToken(src.id, OTHER, src.name), copyToken(src.id, OTHER, src.name)]);
    expect(fake.calls.filter((c) => c.error === 'InvalidAMIName.Duplicate')).toHaveLength(0);
  });

  test('a copy that fails while waited for is an error naming the image and region', async () => {
    await setup({ copyOutcome: 'failed', copyPendingPolls: 0 });
    const src = await record(BUILD, seed(BUILD, 'f3').id);
    await expect(provider.copy(src, OTHER, { wait: true })).rejects.toThrow(
      /aws-prod: the copy ami-\w+ of aws-prod-base-debian12-f3 into us-east-1 ended failed: Client.InternalError/,
    );
  });

  test('tag sets tags on the image and its snapshots', async () => {
    await setup();
    const img = seed(BUILD, 'f4', { volumes: 2 });
    const rec = await record(BUILD, img.id);
    await provider.tag(rec, { [TAGS.channel]: 'gold', [TAGS.verified]: 'passed' });
    expect(img.tags).toMatchObject({ [TAGS.channel]: 'gold', [TAGS.verified]: 'passed', [TAGS.fingerprint]: 'f4' });
    for (const id of img.snapshotIds) expect(fake.state.region(BUILD).snapshots.get(id)?.tags[TAGS.channel]).toBe('gold');
    // Snapshot ids came from the inventory: no extra DescribeImages.
    expect(fake.count('DescribeImages')).toBe(1);
    expect(fake.calls.at(-1)?.params).toMatchObject({
      'ResourceId.1': img.id,
      'ResourceId.2': img.snapshotIds[0],
      'ResourceId.3': img.snapshotIds[1],
    });
  });

  test('share grants launch permission (and public) and snapshot volume permission', async () => {
    await setup({ imageBlockPublicAccess: 'unblocked' });
    const img = seed(BUILD, 'f5');
    const rec = await record(BUILD, img.id);
    await provider.share(rec, { accounts: ['210987654321', '210987654321', ACCOUNT], public: true });
    expect(img.launchPermission).toEqual({ userIds: ['210987654321'], groups: ['all'], public: true });
    expect(fake.state.region(BUILD).snapshots.get(img.snapshotIds[0])?.createVolumePermission).toEqual(['210987654321']);
    await provider.share(rec, { accounts: [], public: false });
    expect(fake.count('ModifyImageAttribute')).toBe(1);
  });

  test('deprecate sets a DeprecateAt never in the past, and tags the replacement', async () => {
    let now = new Date('2030-05-05T10:00:30Z');
    await setup({ now: () => now }, { now: () => now });
    const old = await record(BUILD, seed(BUILD, 'f6').id);
    const next = await record(BUILD, seed(BUILD, 'f7').id);
    await provider.deprecate(old, { replacement: next });
    expect(fake.state.region(BUILD).images.get(old.id)?.deprecationTime).toBe('2030-05-05T10:01:00.000Z');
    expect(fake.state.region(BUILD).images.get(old.id)?.tags[TAGS.replacement]).toBe(next.id);
    await provider.deprecate(next, { at: new Date('2030-06-01T00:00:00Z') });
    expect(fake.state.region(BUILD).images.get(next.id)?.deprecationTime).toBe('2030-06-01T00:00:00.000Z');

    now = new Date('2030-05-05T10:02:00Z');
    const states = Object.fromEntries((await provider.inventory(BUILD)).map((r) => [r.fingerprint, r.state]));
    expect(states).toEqual({ f6: 'deprecated', f7: 'available' });
  });

  test('remove deregisters with its snapshots, waits until deregistered; again is a no-op', async () => {
    await setup();
    const img = seed(BUILD, 'f8', { volumes: 2 });
    const keep = seed(BUILD, 'f9');
    const rec = await record(BUILD, img.id);
    await provider.remove(rec);
    const region = fake.state.region(BUILD);
    // Still listed for a while as deregistered (API_DescribeImages), its snapshots gone with it.
    expect(region.images.has(img.id)).toBe(false);
    expect(region.deregistered.get(img.id)?.state).toBe('deregistered');
    expect(img.snapshotIds.map((id) => region.snapshots.has(id))).toEqual([false, false]);
    expect(region.snapshots.has(keep.snapshotIds[0])).toBe(true);
    expect(fake.calls.find((c) => c.action === 'DeregisterImage')?.params).toMatchObject({ DeleteAssociatedSnapshots: 'true' });
    expect(fake.count('DeleteSnapshot')).toBe(0);
    await provider.remove(rec);
    expect(fake.count('DeleteSnapshot')).toBe(0);
    expect((await provider.inventory(BUILD)).map((r) => r.fingerprint)).toEqual(['f9']);
    expect(region.deregistered.has(img.id)).toBe(false);
  });
});

describe('inUse', () => {
  test('finds live instances and launch templates (latest or default version), page by page', async () => {
    await setup({ pageSize: 1 });
    const img = seed(BUILD, 'u1');
    const other = seed(BUILD, 'u2');
    const running = fake.state.seedInstance({ region: BUILD, imageId: img.id });
    const stopped = fake.state.seedInstance({ region: BUILD, imageId: img.id, state: 'stopped' });
    fake.state.seedInstance({ region: BUILD, imageId: img.id, state: 'terminated' });
    fake.state.seedInstance({ region: BUILD, imageId: other.id });
    const latest = fake.state.seedLaunchTemplate({ region: BUILD, name: 'web', imageIds: [other.id, img.id] });
    const byDefault = fake.state.seedLaunchTemplate({ region: BUILD, name: 'db', imageIds: [img.id, other.id], defaultVersion: 1 });
    const old = fake.state.seedLaunchTemplate({ region: BUILD, name: 'old', imageIds: [img.id, other.id], defaultVersion: 2 });
    const rec = await record(BUILD, img.id);

    const usage = await provider.inUse(rec);
    expect(usage.inUse).toBe(true);
    expect(usage.references.sort()).toEqual(
      [
        `instance/${running.id}`,
        `instance/${stopped.id}`,
        `launch-template/${byDefault.id} (db) v1`,
        `launch-template/${latest.id} (web) v2`,
        // An older version still names it: found by DescribeImageReferences (audit #18).
        `ec2-launchtemplate/arn:aws:ec2:${BUILD}:${ACCOUNT}:launch-template/${old.id}`,
      ].sort(),
    );
    expect(fake.count('DescribeInstances')).toBe(2);
    expect(fake.count('DescribeLaunchTemplateVersions')).toBe(2);

    const free = await record(BUILD, seed(BUILD, 'u3').id);
    expect(await provider.inUse(free)).toEqual({ inUse: false, references: [] });
  });
});

describe('factory', () => {
  test('the lazy factory builds the provider from AWS_ENDPOINT_URL and explicit credentials', async () => {
    await setup();
    seed(OTHER, 'z1');
    fake.clearCalls();
    const viaIndex = await createProvider(
      { ...h.cloud, account: undefined },
      {
        baseDir: '.',
        env: { AWS_ENDPOINT_URL: fake.url, AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'x' },
      },
    );
    expect(viaIndex.provider).toBe('aws');
    expect(viaIndex.scope).toBe('region');
    expect((await viaIndex.inventory(OTHER)).map((r) => r.fingerprint)).toEqual(['z1']);
    expect(fake.calls[0].params['Owner.1']).toBe('self');
    (viaIndex as AwsProvider).destroy();
  });

  test('the fake adds its fixed latency to every request', async () => {
    await setup({ latencyMs: 50 });
    seed(BUILD, 'l1');
    seed(OTHER, 'l2');
    const started = Date.now();
    const [a, b] = await Promise.all([provider.inventory(BUILD), provider.inventory(OTHER)]);
    const elapsed = Date.now() - started;
    expect([a[0].fingerprint, b[0].fingerprint]).toEqual(['l1', 'l2']);
    expect(elapsed).toBeGreaterThanOrEqual(45);
  });
});
