/**
 * What users read when EC2 refuses expired credentials (src/providers/aws/errors.ts),
 * through the real SDK against the EC2 fake.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { ProviderError } from '../../../src/providers/errors.js';
import { startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';

let h: AwsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('expired credentials', () => {
  // ExpiredToken: "The security token included in the request is expired", HTTP 403 (AWS common errors).
  // RequestExpired: the request reached EC2 more than 15 minutes after its date stamp, HTTP 400 (EC2 API common errors).
  test.each([
    ['ExpiredToken', 403, 'The security token included in the request is expired'],
    ['RequestExpired', 400, 'Request has expired.'],
  ])('%s says the credentials expired and what to do, not that a permission is missing', async (code, status, message) => {
    h = await startAwsHarness();
    h.fake.failNext('DescribeImages', { code, status, message });
    const error = await h.provider.inventory('eu-west-1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'permission', code });
    const text = (error as Error).message;
    expect(text).toMatch(new RegExp(`failed with ${code} \\(not retried\\)`));
    expect(text).toContain('The AWS credentials expired before this call');
    expect(text).toMatch(/set role-duration-seconds longer .* then run again/);
    expect(text).not.toMatch(/Grant the IAM permission/);
    expect(h.fake.count('DescribeImages')).toBe(1); // refused credentials are not retried
  });

  test('a missing permission still says which one to grant', async () => {
    h = await startAwsHarness();
    h.fake.failNext('DescribeImages', { code: 'UnauthorizedOperation', status: 403 });
    const error = (await h.provider.inventory('eu-west-1').catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/Grant the IAM permission ec2:DescribeImages in eu-west-1/);
    expect(error.message).not.toMatch(/expired/);
  });
});
