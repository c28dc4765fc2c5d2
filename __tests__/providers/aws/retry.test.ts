/**
 * Retries and errors of the AWS provider: the SDK's retry middleware with
 * our strategy (src/providers/aws/retry.ts) and messages (errors.ts),
 * against the EC2 fake's injected failures. Attempts are counted by the fake.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import type { AwsProvider, AwsProviderOptions } from '../../../src/providers/aws/index.js';
import { isRetryable } from '../../../src/providers/aws/errors.js';
import { RETRY_POLICY } from '../../../src/providers/retry.js';
import type { Ec2Fake, Ec2FakeOptions } from '../../fakes/aws/server.js';
import { startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';

const BUILD = 'eu-west-1';
const OTHER = 'us-east-1';

let h: AwsHarness;
let fake: Ec2Fake;
let provider: AwsProvider;
let delays: number[];
let logs: string[];

async function setup(fakeOptions: Ec2FakeOptions = {}, options: AwsProviderOptions = {}): Promise<void> {
  h = await startAwsHarness({ fake: fakeOptions, provider: options });
  ({ fake, provider, delays, logs } = h);
}

const seed = (region: string, fingerprint: string) => h.seed(region, fingerprint);
const record = (region: string, id: string) => h.record(region, id);

afterEach(async () => {
  await h?.close();
});

describe('retries and errors', () => {
  test('throttled calls succeed after retries with backoff through the injected sleep', async () => {
    await setup();
    seed(BUILD, 'r1');
    fake.failNext('DescribeImages', { status: 503, code: 'RequestLimitExceeded', times: 2 });
    const records = await provider.inventory(BUILD);
    expect(records).toHaveLength(1);
    expect(fake.count('DescribeImages')).toBe(3);
    expect(fake.calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(delays).toHaveLength(2);
    for (const d of delays) expect(d).toBeLessThan(2000);
    // The providers' one retry policy: 6 attempts, so 5 retries.
    expect(RETRY_POLICY.attempts).toBe(6);
    expect(logs[0]).toMatch(/aws-prod: EC2 RequestLimitExceeded in eu-west-1, retry 1 of 5 in \d+ ms/);
  });

  test('429, 500, Retry-After and dropped connections are retried too', async () => {
    await setup({}, { backoff: () => 7 });
    const rec = await record(BUILD, seed(BUILD, 'r2').id);
    fake.clearCalls();
    fake.failNext('CreateTags', { status: 429, code: 'Throttling' });
    fake.failNext('CreateTags', { status: 500, code: 'InternalError' });
    fake.failNext('CreateTags', { code: 'RequestLimitExceeded', retryAfter: 3 });
    fake.failNext('CreateTags', { network: true });
    await provider.tag(rec, { a: 'b' });
    expect(fake.count('CreateTags')).toBe(5);
    expect(delays[0]).toBe(7);
    expect(delays[1]).toBe(7);
    expect(delays[2]).toBeGreaterThan(1000);
    expect(delays[2]).toBeLessThanOrEqual(3000);
    expect(delays[3]).toBe(7);
  });

  test('a permission error fails at once with what to grant', async () => {
    await setup();
    const rec = await record(BUILD, seed(BUILD, 'p1').id);
    fake.clearCalls();
    fake.failNext('CopyImage', { code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' });
    const error = await provider.copy(rec, OTHER).catch((e: unknown) => e as Error);
    expect(fake.count('CopyImage')).toBe(1);
    expect(delays).toEqual([]);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'aws-prod: EC2 CopyImage in us-east-1 failed with UnauthorizedOperation (not retried): ' +
        'You are not authorized to perform this operation.. Grant the IAM permission ec2:CopyImage in us-east-1 ' +
        'to the role the workflow assumes (aws-actions/configure-aws-credentials role-to-assume); encrypted copies ' +
        'also need kms:CreateGrant, kms:Decrypt and kms:GenerateDataKey* on the key.',
    );
  });

  test('AuthFailure is not retried and points at the credentials', async () => {
    await setup();
    fake.failNext('DescribeImages', { code: 'AuthFailure', message: 'AWS was not able to validate the provided access credentials' });
    await expect(provider.inventory(BUILD)).rejects.toThrow(
      /aws-prod: EC2 DescribeImages in eu-west-1 failed with AuthFailure \(not retried\).*id-token: write/,
    );
    expect(fake.count('DescribeImages')).toBe(1);
  });

  test('a quota error is not retried and says what to do', async () => {
    await setup({ maxConcurrentCopies: 1 });
    const a = await record(BUILD, seed(BUILD, 'q1').id);
    const b = await record(BUILD, seed(BUILD, 'q2').id);
    await provider.copy(a, OTHER);
    fake.clearCalls();
    await expect(provider.copy(b, OTHER)).rejects.toThrow(
      /aws-prod: EC2 CopyImage in us-east-1 failed with ResourceLimitExceeded \(not retried\): .*concurrent AMI copies.*Service Quotas \(EC2, us-east-1\)/,
    );
    expect(fake.count('CopyImage')).toBe(1);
    expect(delays).toEqual([]);
  });

  test('a missing image is not retried', async () => {
    await setup({ imageBlockPublicAccess: 'unblocked' });
    const rec = await record(BUILD, seed(BUILD, 'n1').id);
    fake.state.region(BUILD).images.delete(rec.id);
    fake.clearCalls();
    await expect(provider.share(rec, { accounts: [], public: true })).rejects.toThrow(/failed with InvalidAMIID.NotFound \(not retried\)/);
    // The checks before sharing (snapshots, block public access) came first; the failing call went once.
    expect(fake.count('ModifyImageAttribute')).toBe(1);
  });

  test('throttling beyond maxAttempts fails with the attempt count', async () => {
    await setup({}, { maxAttempts: 3 });
    fake.failNext('DescribeImages', { times: 5 });
    await expect(provider.inventory(BUILD)).rejects.toThrow(/failed with RequestLimitExceeded \(after 3 attempts\).*lower the parallelism/);
    expect(fake.count('DescribeImages')).toBe(3);
  });
});

describe('classification', () => {
  const err = (name: string, status?: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  test.each([
    ['RequestLimitExceeded', 503, true],
    ['Throttling', 400, true],
    ['SlowDown', 429, true],
    ['InternalError', 500, true],
    ['Unavailable', 503, true],
    ['UnauthorizedOperation', 403, false],
    ['AuthFailure', 401, false],
    ['InvalidAMIID.NotFound', 400, false],
    ['ResourceLimitExceeded', 400, false],
    ['AMIQuotaExceeded', 400, false],
    ['InvalidParameterValue', 400, false],
  ])('%s (HTTP %i) retryable: %s', (code, status, expected) => {
    expect(isRetryable(err(code, status))).toBe(expected);
  });
});
