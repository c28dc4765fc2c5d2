/**
 * KMS keys per destination region (audit #8): a key that cannot work in a
 * region is refused before any copy starts.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { checkCopyKeys, keyInRegion, kmsKeyFor, sameKey } from '../../../src/providers/aws/kms.js';
import { awsCloud, startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';

const BUILD = 'eu-west-1';
const OTHER = 'us-east-1';
const keyArn = (region: string, id = '1234abcd-12ab-34cd-56ef-1234567890ab') => `arn:aws:kms:${region}:123456789012:key/${id}`;

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('keys per region (pure)', () => {
  test('kms_key_ids wins over kms_key_id for its region', () => {
    const cloud = awsCloud({ kms_key_id: keyArn(BUILD), kms_key_ids: { [OTHER]: keyArn(OTHER) } });
    expect(kmsKeyFor(cloud, OTHER)).toBe(keyArn(OTHER));
    expect(kmsKeyFor(cloud, BUILD)).toBe(keyArn(BUILD));
  });

  test('a single-region key of another region is refused; multi-Region keys and aliases are accepted', () => {
    const cloud = awsCloud();
    expect(keyInRegion(cloud, keyArn(BUILD), OTHER)).toEqual({
      problem: expect.stringMatching(/is in eu-west-1, but copies into us-east-1 need a key in us-east-1/),
    });
    expect(keyInRegion(cloud, keyArn(BUILD, 'mrk-1234abcd'), OTHER)).toEqual({ key: keyArn(OTHER, 'mrk-1234abcd') });
    expect(keyInRegion(cloud, 'mrk-1234abcd', OTHER)).toEqual({ key: 'mrk-1234abcd' });
    expect(keyInRegion(cloud, 'alias/images', OTHER)).toEqual({ key: 'alias/images' });
    expect(keyInRegion(cloud, '1234abcd-12ab-34cd-56ef-1234567890ab', BUILD)).toEqual({ key: '1234abcd-12ab-34cd-56ef-1234567890ab' });
    expect(keyInRegion(cloud, '1234abcd-12ab-34cd-56ef-1234567890ab', OTHER)).toHaveProperty('problem');
    expect(() => checkCopyKeys(awsCloud({ kms_key_id: keyArn(BUILD) }), [BUILD, OTHER])).toThrow(
      /no copy was started: .*set kms_key_ids: \{ us-east-1: <key ARN in us-east-1> \} on cloud aws-prod/,
    );
  });

  test('sameKey matches a key id or ARN against the ARN DescribeSnapshots gives, never an alias', () => {
    expect(sameKey('1234abcd-12ab-34cd-56ef-1234567890ab', keyArn(BUILD))).toBe(true);
    expect(sameKey(keyArn(BUILD), keyArn(BUILD))).toBe(true);
    expect(sameKey('alias/images', keyArn(BUILD))).toBe(false);
    expect(sameKey(keyArn(BUILD, 'other'), keyArn(BUILD))).toBe(false);
  });
});

describe('copy with keys', () => {
  // Fails before the fix: the copy was started with the eu-west-1 key and ended failed later.
  test('one kms_key_id ARN for every region: refused before CopyImage', async () => {
    h = await startAwsHarness({ cloud: { kms_key_id: keyArn(BUILD) } });
    const src = await h.record(BUILD, h.seed(BUILD, 'k1').id);
    await expect(h.provider.copy(src, OTHER)).rejects.toThrow(/no copy was started: the KMS key .* is in eu-west-1/);
    expect(h.fake.count('CopyImage')).toBe(0);
  });

  test('kms_key_ids gives each destination its key; the copy becomes available', async () => {
    h = await startAwsHarness({ cloud: { kms_key_id: keyArn(BUILD), kms_key_ids: { [OTHER]: keyArn(OTHER) } } });
    const src = await h.record(BUILD, h.seed(BUILD, 'k2').id);
    const done = await h.provider.copy(src, OTHER, { wait: true });
    expect(done.state).toBe('available');
    expect(h.fake.calls.find((c) => c.action === 'CopyImage')?.params).toMatchObject({ Encrypted: 'true', KmsKeyId: keyArn(OTHER) });
  });

  test('the fake accepts a copy with another region key, then fails it (the key is checked asynchronously)', async () => {
    h = await startAwsHarness({ fake: { copyPendingPolls: 0 } });
    const src = await h.record(BUILD, h.seed(BUILD, 'k3').id);
    // Given explicitly, the key is still checked by the provider: the fake is driven through the SDK.
    await expect(h.provider.copy(src, OTHER, { encrypted: true, kmsKeyId: keyArn(BUILD) })).rejects.toThrow(/is in eu-west-1/);
    const { EC2Client, CopyImageCommand, DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
    const client = new EC2Client({ region: OTHER, endpoint: h.fake.url, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'x' } });
    const out = await client.send(
      new CopyImageCommand({ SourceImageId: src.id, SourceRegion: BUILD, Name: 'x', Encrypted: true, KmsKeyId: keyArn(BUILD) }),
    );
    const seen = await client.send(new DescribeImagesCommand({ ImageIds: [out.ImageId!] }));
    expect(seen.Images?.[0]).toMatchObject({ State: 'failed', StateReason: { Code: 'Client.InvalidKMSKey.InvalidState' } });
    client.destroy();
  });
});
