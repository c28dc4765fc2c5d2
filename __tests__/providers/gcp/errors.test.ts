/**
 * How the GCP provider meets failures: throttling and dropped connections
 * retried (attempts counted by the fake), permission and quota errors thrown
 * at once with a message that says what to do.
 */
import { describe, expect, it } from '@jest/globals';
import { failureKind, parseGcpError } from '../../../src/providers/gcp/errors.js';
import { PROJECT, useGcpFake } from '../../fakes/gcp/harness.js';

const gcp = useGcpFake({ pageSize: 3 });

describe('failures', () => {
  it('retries throttling until it succeeds, honouring Retry-After', async () => {
    gcp.seedManaged('img');
    gcp.fake.failNext('images.list', { status: 429, times: 2 });
    gcp.fake.failNext('images.list', { status: 503, retryAfter: 3 });
    const p = await gcp.provider();
    expect(await p.inventory('europe-west1')).toHaveLength(1);
    expect(gcp.fake.calls.count('images.list')).toBe(4);
    expect(gcp.sleeps).toHaveLength(3);
    expect(gcp.sleeps[2]).toBe(3000);
    expect(gcp.logs[0]).toMatch(/images\.list RESOURCE_EXHAUSTED \(attempt 1\), retrying/);
  });

  it('retries a 403 rate limit and a dropped connection', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    const image = await gcp.record(p, 'img');
    gcp.fake.failNext('images.get', { status: 403, reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' });
    gcp.fake.failNext('images.setLabels', { status: 0, reset: true });
    await p.tag(image, { 'ib-channel': 'gold' });
    expect(gcp.fake.calls.count('images.get')).toBe(2);
    expect(gcp.fake.calls.count('images.setLabels')).toBe(2);
  });

  it('fails at once on a permission error, naming the role to grant', async () => {
    gcp.fake.failNext('images.list', { status: 403, times: 10 });
    const p = await gcp.provider();
    const error = await p.inventory('europe-west1').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(gcp.fake.calls.count('images.list')).toBe(1);
    expect(gcp.sleeps).toEqual([]);
    expect(error?.message).toBe(
      `cloud "gcp-prod" (gcp project ${PROJECT}, region europe-west1): images.list failed with PERMISSION_DENIED, ` +
        `HTTP 403, forbidden: Required 'compute.images.list' permission for 'projects/${PROJECT}'. ` +
        `Grant the workflow's identity roles/compute.storageAdmin (it holds compute.images.list) on project ${PROJECT}. Not retried.`,
    );
    // A failed listing is not cached: the next call asks again.
    await expect(p.inventory('europe-west1')).rejects.toThrow(/PERMISSION_DENIED/);
    expect(gcp.fake.calls.count('images.list')).toBe(2);
  });

  it('does not retry a quota error', async () => {
    gcp.seedManaged('img');
    const p = await gcp.provider();
    const image = await gcp.record(p, 'img');
    gcp.fake.failNext('images.delete', {
      status: 403,
      reason: 'quotaExceeded',
      statusName: 'RESOURCE_EXHAUSTED',
      message: "Quota 'OPERATIONS' exceeded. Limit: 100.0 globally.",
      times: 5,
    });
    await expect(p.remove(image)).rejects.toThrow(
      /images\.delete failed with RESOURCE_EXHAUSTED, HTTP 403, quotaExceeded: Quota 'OPERATIONS' exceeded.*raise it.*Not retried/,
    );
    expect(gcp.fake.calls.count('images.delete')).toBe(1);
  });

  it('gives up after the configured attempts on endless throttling', async () => {
    gcp.fake.failNext('images.list', { status: 503, times: 100 });
    const p = await gcp.provider({ retry: { attempts: 3, baseMs: 1 } });
    await expect(p.inventory('europe-west1')).rejects.toThrow(/UNAVAILABLE, HTTP 503, backendError.*Gave up after retries/);
    expect(gcp.fake.calls.count('images.list')).toBe(3);
  });
});

describe('classification', () => {
  const gaxios = (status: number, reason: string, name: string) =>
    Object.assign(new Error(JSON.stringify({ error: { code: status, message: 'm', errors: [{ reason }], status: name } })), { status });
  it.each([
    [429, 'rateLimitExceeded', 'RESOURCE_EXHAUSTED', 'throttled'],
    [429, 'quotaExceeded', 'RESOURCE_EXHAUSTED', 'throttled'],
    [403, 'rateLimitExceeded', 'PERMISSION_DENIED', 'throttled'],
    [403, 'userRateLimitExceeded', 'PERMISSION_DENIED', 'throttled'],
    [403, 'quotaExceeded', 'RESOURCE_EXHAUSTED', 'quota'],
    [403, 'forbidden', 'PERMISSION_DENIED', 'permission'],
    [401, 'authError', 'UNAUTHENTICATED', 'permission'],
    [503, 'backendError', 'UNAVAILABLE', 'transient'],
    [412, 'conditionNotMet', 'FAILED_PRECONDITION', 'conflict'],
    [404, 'notFound', 'NOT_FOUND', 'not-found'],
    [400, 'invalid', 'INVALID_ARGUMENT', 'other'],
  ])('HTTP %i %s (%s) is %s', (status, reason, name, kind) => {
    expect(failureKind(parseGcpError(gaxios(status, reason, name)))).toBe(kind);
  });

  it('reads GoogleError-shaped failures (gRPC codes) and network codes', () => {
    expect(failureKind(parseGcpError(Object.assign(new Error('x'), { code: 14 })))).toBe('transient');
    expect(failureKind(parseGcpError(Object.assign(new Error('x'), { code: 8 })))).toBe('throttled');
    expect(failureKind(parseGcpError(Object.assign(new Error('x'), { code: 7 })))).toBe('permission');
    expect(failureKind(parseGcpError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })))).toBe('transient');
  });
});

describe('expired credentials', () => {
  // An expired OAuth access token gets HTTP 401 with status UNAUTHENTICATED ("Request not authenticated due to
  // missing, invalid, or expired OAuth token": Google API design guide, errors); the fake answers it as Compute does.
  it('says the credential expired and what to do, not which role to grant', async () => {
    gcp.fake.failNext('images.list', { status: 401, times: 5 });
    const p = await gcp.provider();
    const error = await p.inventory('europe-west1').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toMatchObject({ kind: 'permission', statusCode: 401 });
    expect(error?.message).toMatch(/images\.list failed with UNAUTHENTICATED, HTTP 401, authError/);
    expect(error?.message).toMatch(/The credential is expired or not valid .*leave gcp-access-token unset .*then run again/);
    expect(error?.message).not.toMatch(/Grant the workflow's identity/);
    expect(gcp.fake.calls.count('images.list')).toBe(1);
  });

  it('a request cut by its deadline counts as a transient network failure', () => {
    const aborted = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    expect(parseGcpError(aborted).network).toBe('ETIMEDOUT');
    expect(failureKind(parseGcpError(aborted))).toBe('transient');
  });
});
