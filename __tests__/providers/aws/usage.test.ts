/**
 * Image references (audit #18): what DescribeImageReferences finds besides
 * instances and the latest/default launch template versions keeps the image.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { FAKE_ACCOUNT, startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';

const BUILD = 'eu-west-1';

let h: AwsHarness;
afterEach(async () => {
  await h?.close();
});

describe('inUse with DescribeImageReferences', () => {
  // Fails before the fix: only instances and launch templates were asked, so the image looked free.
  test('an SSM parameter (resolve:ssm:) naming the image keeps it', async () => {
    h = await startAwsHarness();
    const img = h.seed(BUILD, 'r1');
    h.fake.state.region(BUILD).ssmParameters.set('/images/base/latest', img.id);
    const usage = await h.provider.inUse(await h.record(BUILD, img.id));
    expect(usage).toEqual({
      inUse: true,
      references: [`ssm-parameter/arn:aws:ssm:${BUILD}:${FAKE_ACCOUNT}:parameter//images/base/latest`],
    });
    const call = h.fake.calls.find((c) => c.action === 'DescribeImageReferences');
    expect(call?.params).toMatchObject({
      'ImageId.1': img.id,
      'ResourceType.1.ResourceType': 'ec2:LaunchTemplate',
      'ResourceType.1.ResourceTypeOption.1.OptionName': 'version-depth',
      'ResourceType.2.ResourceType': 'ssm:Parameter',
      'ResourceType.3.ResourceType': 'imagebuilder:ImageRecipe',
    });
  });

  test('a launch template already named by its version is not listed twice', async () => {
    h = await startAwsHarness();
    const img = h.seed(BUILD, 'r2');
    const t = h.fake.state.seedLaunchTemplate({ region: BUILD, name: 'web', imageIds: [img.id] });
    const usage = await h.provider.inUse(await h.record(BUILD, img.id));
    expect(usage.references).toEqual([`launch-template/${t.id} (web) v1`]);
  });

  test('a permission error on DescribeImageReferences is an error, never "not in use"', async () => {
    h = await startAwsHarness();
    const img = h.seed(BUILD, 'r3');
    h.fake.failNext('DescribeImageReferences', { code: 'UnauthorizedOperation', message: 'not authorized' });
    await expect(h.provider.inUse(await h.record(BUILD, img.id))).rejects.toThrow(/ec2:DescribeImageReferences/);
  });
});
