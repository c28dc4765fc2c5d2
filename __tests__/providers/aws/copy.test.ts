/**
 * CopyImage idempotency (audit #14) and credentials that expire while a
 * copy is waited for (audit #10).
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { imageTags } from '../../../src/images/index.js';
import { copyToken } from '../../../src/providers/aws/copy.js';
import { startAwsHarness, type AwsHarness } from '../../fakes/aws/harness.js';

const BUILD = 'eu-west-1';
const OTHER = 'us-east-1';

let h: AwsHarness;
afterEach(async () => {
  await h?.close();
});

describe('copy', () => {
  test('the ClientToken is a hash of source, destination and name (64 characters at most)', () => {
    const token = copyToken('ami-1', OTHER, 'n');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(copyToken('ami-1', OTHER, 'n')).toBe(token);
    expect(new Set([token, copyToken('ami-2', OTHER, 'n'), copyToken('ami-1', BUILD, 'n'), copyToken('ami-1', OTHER, 'm')]).size).toBe(4);
  });

  test('a new copy that EC2 does not list yet is waited for', async () => {
    h = await startAwsHarness({ fake: { copyHiddenPolls: 2, copyPendingPolls: 0 } });
    const src = await h.record(BUILD, h.seed(BUILD, 'c1').id);
    const done = await h.provider.copy(src, OTHER, { wait: true });
    expect(done.state).toBe('available');
    expect(h.fake.calls.filter((c) => c.action === 'DescribeImages' && c.error === 'InvalidAMIID.NotFound')).toHaveLength(2);
  });

  test('an AMI of the same name and owner is adopted on InvalidAMIName.Duplicate', async () => {
    h = await startAwsHarness();
    const src = await h.record(BUILD, h.seed(BUILD, 'c2', { tags: tagsOf('c2', 'team/a') }).id);
    const there = h.seed(OTHER, 'c2', { tags: tagsOf('c2', 'team/a') });
    const copy = await h.provider.copy(src, OTHER);
    expect(copy.id).toBe(there.id);
  });

  // Fails before the fix: only ib-fingerprint was compared, so another owner's AMI was adopted.
  test('an AMI of the same name but another ib-owner is never adopted', async () => {
    h = await startAwsHarness();
    const src = await h.record(BUILD, h.seed(BUILD, 'c3', { tags: tagsOf('c3', 'team/a') }).id);
    h.seed(OTHER, 'c3', { tags: tagsOf('c3', 'team/b') });
    await expect(h.provider.copy(src, OTHER)).rejects.toThrow(
      /the AMI name aws-prod-base-debian12-c3 is already used in us-east-1 by ami-\w+ \(ib-owner=team\/b.*this copy needs ib-owner=team\/a.*run distribute again/,
    );
  });

  // Fails before the fix: the expired credentials got the generic advice, with no word that the copy goes on.
  test('credentials that expire while waiting: the copy goes on, the error says to run distribute again', async () => {
    h = await startAwsHarness({ fake: { copyPendingPolls: 5 } });
    const src = await h.record(BUILD, h.seed(BUILD, 'c4').id);
    h.fake.failNext('DescribeImages', {
      code: 'ExpiredToken',
      region: OTHER,
      message: 'The security token included in the request is expired',
    });
    const error = (await h.provider.copy(src, OTHER, { wait: true }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/credentials expired while waiting for the copy ami-\w+ of aws-prod-base-debian12-c4 into us-east-1/);
    expect(error.message).toMatch(/The copy goes on in EC2: run distribute again with fresh credentials/);
    // The advice for expired credentials (errors.ts) is kept.
    expect(error.message).toMatch(/set role-duration-seconds longer/);
    expect([...h.fake.state.region(OTHER).images.values()].map((i) => i.state)).toEqual(['pending']);
  });
});

/** The tags the tool writes, with an owner. */
function tagsOf(fingerprint: string, owner: string): Record<string, string> {
  return imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: 'aws-prod', owner });
}
