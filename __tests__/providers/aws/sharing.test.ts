/**
 * Sharing checks (audit #7): what EC2 would refuse is found before any
 * permission changes, and the error says what to do.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';
import type { Ec2FakeOptions } from '../../fakes/aws/server.js';
import type { Cloud } from '../../../src/topology/model.js';

const BUILD = 'eu-west-1';
const OTHER_ACCOUNT = '210987654321';
const CMK = `arn:aws:kms:${BUILD}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

let h: AwsHarness;
afterEach(async () => {
  await h?.close();
});

async function setup(fake: Ec2FakeOptions = {}, cloud: Partial<Cloud> = {}) {
  h = await startAwsHarness({ fake, cloud });
}

const changes = () => h.fake.count('ModifyImageAttribute') + h.fake.count('ModifySnapshotAttribute');

describe('share (before any change)', () => {
  // Fails before the fix: the image was shared, then ModifySnapshotAttribute was refused half-way.
  test('an AMI encrypted with the default aws/ebs key is not shared; the error names the customer managed key', async () => {
    await setup();
    const img = h.seed(BUILD, 's1', { encrypted: true });
    const rec = await h.record(BUILD, img.id);
    await expect(h.provider.share(rec, { accounts: [OTHER_ACCOUNT], public: false })).rejects.toThrow(
      /was not shared: .*default aws\/ebs key cannot be shared.*set kms_key_id \(or kms_key_ids.eu-west-1\) on cloud aws-prod to a customer managed key/,
    );
    expect(changes()).toBe(0);
    expect(img.launchPermission.userIds).toEqual([]);
  });

  test('an AMI encrypted with the topology customer managed key is shared, snapshots too', async () => {
    await setup({}, { kms_key_id: CMK });
    const img = h.seed(BUILD, 's2', { encrypted: true, kmsKeyId: CMK });
    await h.provider.share(await h.record(BUILD, img.id), { accounts: [OTHER_ACCOUNT], public: false });
    expect(img.launchPermission.userIds).toEqual([OTHER_ACCOUNT]);
    expect(h.fake.state.region(BUILD).snapshots.get(img.snapshotIds[0])?.createVolumePermission).toEqual([OTHER_ACCOUNT]);
  });

  test('the account default key counts when it is a customer managed key', async () => {
    await setup();
    h.fake.state.region(BUILD).ebsDefaultKmsKeyId = CMK;
    const img = h.seed(BUILD, 's3', { encrypted: true, kmsKeyId: CMK });
    await h.provider.share(await h.record(BUILD, img.id), { accounts: [OTHER_ACCOUNT], public: false });
    expect(img.launchPermission.userIds).toEqual([OTHER_ACCOUNT]);
  });

  // Fails before the fix: ModifyImageAttribute was sent and refused with no advice.
  test('public sharing under block public access for AMIs (on for new accounts) fails with what to do', async () => {
    await setup();
    const img = h.seed(BUILD, 's4');
    await expect(h.provider.share(await h.record(BUILD, img.id), { accounts: [OTHER_ACCOUNT], public: true })).rejects.toThrow(
      /block public access for AMIs is on in eu-west-1.*disable-image-block-public-access --region eu-west-1.*share.public: false/,
    );
    expect(changes()).toBe(0);
  });

  test('an encrypted AMI can never be public, even with block public access off', async () => {
    await setup({ imageBlockPublicAccess: 'unblocked' }, { kms_key_id: CMK });
    const img = h.seed(BUILD, 's5', { encrypted: true, kmsKeyId: CMK });
    await expect(h.provider.share(await h.record(BUILD, img.id), { accounts: [], public: true })).rejects.toThrow(
      /encrypted AMIs can never be public/,
    );
    expect(changes()).toBe(0);
  });

  test('the fake refuses what EC2 refuses, when asked directly', async () => {
    await setup({ imageBlockPublicAccess: 'unblocked' });
    const img = h.seed(BUILD, 's6', { encrypted: true });
    // The provider checks first; here the SDK talks to the fake directly.
    const { EC2Client, ModifySnapshotAttributeCommand, ModifyImageAttributeCommand } = await import('@aws-sdk/client-ec2');
    const client = new EC2Client({
      region: BUILD,
      endpoint: h.fake.url,
      credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await expect(
      client.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId: img.snapshotIds[0],
          Attribute: 'createVolumePermission',
          OperationType: 'add',
          CreateVolumePermission: { Add: [{ UserId: OTHER_ACCOUNT }] },
        }),
      ),
    ).rejects.toThrow(/AWS managed key cannot be shared/);
    await expect(
      client.send(new ModifyImageAttributeCommand({ ImageId: img.id, LaunchPermission: { Add: [{ Group: 'all' }] } })),
    ).rejects.toThrow(/Encrypted images cannot be made public/);
    client.destroy();
  });
});
