/**
 * The providers' one retry policy and one failure vocabulary: which kinds are
 * retried, the delays, and that every cloud's error builder yields a
 * ProviderError of the shared kinds (AWS, GCP and Azure shapes side by side).
 */
import { ERROR_KINDS, ProviderError, errorKind } from '../../src/providers/errors.js';
import { RETRY_POLICY, retryDelay, retryable } from '../../src/providers/retry.js';
import { awsError, classify as awsClassify } from '../../src/providers/aws/errors.js';
import { azureError, classify as azureClassify } from '../../src/providers/azure/errors.js';
import { describeGcpError } from '../../src/providers/gcp/errors.js';

describe('retry policy', () => {
  it('retries throttling and transient failures only', () => {
    expect(ERROR_KINDS.filter(retryable)).toEqual(['throttled', 'transient']);
  });

  it('backs off exponentially with full jitter, capped, throttling slower than transient', () => {
    const top = () => 0.999999;
    expect(retryDelay(1, 'throttled', undefined, RETRY_POLICY, top)).toBe(RETRY_POLICY.throttledBaseMs - 1);
    expect(retryDelay(1, 'transient', undefined, RETRY_POLICY, top)).toBe(RETRY_POLICY.transientBaseMs - 1);
    expect(retryDelay(3, 'throttled', undefined, RETRY_POLICY, top)).toBe(4 * RETRY_POLICY.throttledBaseMs - 1);
    expect(retryDelay(30, 'throttled', undefined, RETRY_POLICY, top)).toBe(RETRY_POLICY.maxDelayMs - 1);
    expect(retryDelay(1, 'throttled', undefined, RETRY_POLICY, () => 0)).toBe(0);
  });

  it('waits at least what Retry-After asks, never longer than the cap', () => {
    expect(retryDelay(1, 'throttled', 7_000, RETRY_POLICY, () => 0)).toBe(7_000);
    expect(retryDelay(1, 'throttled', 3_600_000, RETRY_POLICY, () => 0)).toBe(RETRY_POLICY.maxDelayMs);
  });
});

describe('one failure vocabulary', () => {
  const site = { cloud: 'c', operation: 'op', region: 'r' };

  it.each([
    ['permission', { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } }],
    ['throttled', { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } }],
    ['quota', { name: 'AMIQuotaExceeded', $metadata: { httpStatusCode: 400 } }],
    ['not-found', { name: 'InvalidAMIID.NotFound', $metadata: { httpStatusCode: 400 } }],
    ['transient', { name: 'InternalError', $metadata: { httpStatusCode: 500 } }],
    ['conflict', { name: 'InvalidAMIName.Duplicate', $metadata: { httpStatusCode: 400 } }],
    ['other', { name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } }],
  ])('AWS: %s', (kind, sdkError) => {
    expect(awsClassify(sdkError)).toBe(kind);
    const error = awsError(sdkError, { cloud: 'c', operation: 'DescribeImages', region: 'r' });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, code: sdkError.name, cloud: 'c', operation: 'DescribeImages', region: 'r' });
    expect(errorKind(error)).toBe(kind);
  });

  it.each([
    ['permission', { statusCode: 403, code: 'AuthorizationFailed', message: 'no' }],
    ['permission', { statusCode: 401, code: 'InvalidAuthenticationToken', message: 'no' }],
    ['throttled', { statusCode: 429, code: 'TooManyRequests', message: 'slow' }],
    ['quota', { statusCode: 409, code: 'OperationNotAllowed', message: 'Operation results in exceeding quota limits' }],
    ['not-found', { statusCode: 404, code: 'ResourceNotFound', message: 'gone' }],
    ['conflict', { statusCode: 409, code: 'Conflict', message: 'busy' }],
    ['transient', { statusCode: 503, code: 'ServiceUnavailable', message: 'down' }],
    ['other', { statusCode: 400, code: 'InvalidParameter', message: 'bad' }],
  ])('Azure: %s', (kind, restError) => {
    const sdk = Object.assign(new Error(restError.message), { name: 'RestError', ...restError });
    expect(azureClassify(sdk)).toBe(kind);
    const error = azureError({ ...site, role: 'Contributor' }, sdk);
    expect(error).toMatchObject({ kind, code: restError.code, statusCode: restError.statusCode });
    expect(azureClassify(error)).toBe(kind);
  });

  it.each([
    ['permission', 403, 'PERMISSION_DENIED', 'forbidden'],
    ['throttled', 429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded'],
    ['quota', 403, 'RESOURCE_EXHAUSTED', 'quotaExceeded'],
    ['not-found', 404, 'NOT_FOUND', 'notFound'],
    ['conflict', 412, 'FAILED_PRECONDITION', 'conditionNotMet'],
    ['transient', 503, 'UNAVAILABLE', 'backendError'],
  ])('GCP: %s', (kind, http, status, reason) => {
    const body = JSON.stringify({ error: { code: http, status, message: 'm', errors: [{ reason, message: 'm' }] } });
    const gaxios = Object.assign(new Error(body), { code: http, status: http, response: { status: http, headers: {} } });
    const error = describeGcpError(gaxios, { cloud: 'c', project: 'p', operation: 'images.list', region: 'r' });
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind, statusCode: http, cloud: 'c', operation: 'images.list' });
  });
});
