/**
 * EC2 error classification into the providers' shared kinds, and the advice
 * users see. The retry strategy (retry.ts) asks `isRetryable`; the provider
 * turns every error it does not handle into a ProviderError naming the
 * cloud, the operation, the region, EC2's error code and what to do.
 */
import { ProviderError, type ErrorKind } from '../errors.js';
import { formatMs, retryable, type Timeouts } from '../retry.js';

/** EC2 codes that mean "slow down" (the SDK's list plus EC2's own spellings). */
const THROTTLING = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'EC2ThrottledException',
  'SlowDown',
  'TooManyRequestsException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
]);

/** Credentials that are missing, wrong, expired or lack an IAM permission. */
const PERMISSION = new Set([
  'UnauthorizedOperation',
  'AuthFailure',
  'AccessDenied',
  'AccessDeniedException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'OptInRequired',
  'Blocked',
  'PendingVerification',
]);

/** Account limits: retrying cannot help until something changes. */
const QUOTA = new Set([
  'ResourceLimitExceeded',
  'AMIQuotaExceeded',
  'SnapshotLimitExceeded',
  'ConcurrentSnapshotLimitExceeded',
  'VolumeLimitExceeded',
  'InstanceLimitExceeded',
  'TagLimitExceeded',
  'MaxIOPSLimitExceeded',
  'ServiceQuotaExceededException',
]);

const TRANSIENT_CODES = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable', 'RequestTimeout']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number; clockSkewCorrected?: boolean };
}

/** EC2's error code (the SDK puts it in `name`), or a Node network code. */
export function errorCode(error: unknown): string {
  const e = (error ?? {}) as SdkErrorLike;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  return e.name ?? 'Error';
}

/**
 * Credentials past their lifetime: ExpiredToken(Exception) ("The security
 * token included in the request is expired", AWS common errors) and
 * RequestExpired (EC2 common errors: the request reached EC2 more than 15
 * minutes after its date stamp, which is also what an expired session's
 * signature gets). Their own advice; their kind stays `permission`.
 */
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);

/** Whether an EC2 error code means the credentials expired (see EXPIRED). */
export function isExpired(code: string): boolean {
  return EXPIRED.has(code);
}

/** A connection or request deadline of the SDK's NodeHttpHandler ran out (see client.ts). */
export function isTimeout(error: unknown): boolean {
  const e = (error ?? {}) as SdkErrorLike;
  return e.name === 'TimeoutError' || e.code === 'ETIMEDOUT';
}

export function httpStatus(error: unknown): number | undefined {
  return (error as SdkErrorLike | undefined)?.$metadata?.httpStatusCode;
}

export function classify(error: unknown): ErrorKind {
  const code = errorCode(error);
  if (THROTTLING.has(code)) return 'throttled';
  if (PERMISSION.has(code)) return 'permission';
  if (QUOTA.has(code) || /QuotaExceeded$/.test(code)) return 'quota';
  if (code.endsWith('.NotFound') || code.endsWith('.Malformed')) return 'not-found';
  const status = httpStatus(error);
  if (status === 429) return 'throttled';
  if (/LimitExceeded$/.test(code) && status !== undefined && status < 500) return 'quota';
  if (TRANSIENT_CODES.has(code) || NETWORK_CODES.has(code) || code === 'TimeoutError') return 'transient';
  if (status !== undefined && [500, 502, 503, 504].includes(status)) return 'transient';
  if (code.endsWith('.Duplicate') || code === 'IncorrectState' || code === 'IncorrectInstanceState') return 'conflict';
  return 'other';
}

/**
 * May the SDK try this call again? Throttling and transient failures only.
 * `sdkSaysTransient` is the SDK's own verdict, trusted for failures that
 * never reached EC2 (no HTTP status: sockets, timeouts).
 */
export function isRetryable(error: unknown, sdkSaysTransient = false): boolean {
  const kind = classify(error);
  if (retryable(kind)) return true;
  if (kind === 'other' && httpStatus(error) === undefined) return sdkSaysTransient;
  // The SDK corrected its clock after a skew error: one more try is right.
  return kind === 'permission' && (error as SdkErrorLike).$metadata?.clockSkewCorrected === true;
}

export interface AwsCallSite {
  cloud: string;
  operation: string;
  region: string;
  /** Where the call went and its deadlines, named when it timed out. */
  endpoint?: string;
  timeouts?: Timeouts;
}

/** What to do about an error of this kind, in one or two sentences. */
export function advice(kind: ErrorKind, code: string, site: AwsCallSite, attempts?: number): string {
  const action = `ec2:${site.operation}`;
  switch (kind) {
    case 'permission':
      if (EXPIRED.has(code)) {
        return (
          'The AWS credentials expired before this call (the role session from aws-actions/configure-aws-credentials ' +
          'lasts role-duration-seconds, 1 hour by default): set role-duration-seconds longer (up to the maximum session ' +
          "duration of the role) or split the work into shorter jobs, then run again; if they are fresh, check this machine's clock " +
          '(EC2 refuses requests dated more than 15 minutes off).'
        );
      }
      if (code === 'UnauthorizedOperation' || code.startsWith('AccessDenied')) {
        return (
          `Grant the IAM permission ${action} in ${site.region} to the role the workflow assumes ` +
          `(aws-actions/configure-aws-credentials role-to-assume)` +
          (site.operation === 'CopyImage'
            ? '; encrypted copies also need kms:CreateGrant, kms:Decrypt and kms:GenerateDataKey* on the key'
            : '') +
          '.'
        );
      }
      if (code === 'OptInRequired') return `Enable the region ${site.region} for this account (it is an opt-in region).`;
      return (
        'The AWS credentials were refused: check that the job has `permissions: id-token: write` and that ' +
        'aws-actions/configure-aws-credentials assumed the intended role (or that AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are current).'
      );
    case 'quota':
      if (site.operation === 'CopyImage') {
        return (
          `EC2 limits concurrent AMI copies and the number of AMIs and snapshots per region: lower the ` +
          `distribution parallelism or wait for running copies into ${site.region}, remove unused images ` +
          `(lifecycle with delete: true), or request a higher quota in Service Quotas (EC2, ${site.region}).`
        );
      }
      return `Remove unused resources (lifecycle with delete: true) or request a higher quota in Service Quotas (EC2, ${site.region}).`;
    case 'throttled':
      return (
        `EC2 was still throttling after ${attempts ?? 'several'} attempts: lower the parallelism, ` +
        'run fewer jobs against this account at once, or raise maxAttempts.'
      );
    case 'not-found':
      return `The resource does not exist in ${site.region} (deleted, never copied there, or owned by another account).`;
    case 'transient':
      if (site.endpoint && site.timeouts) {
        return (
          `${site.endpoint} did not answer within the deadline (connect ${formatMs(site.timeouts.connectMs)}, ` +
          `request ${formatMs(site.timeouts.requestMs)}) in ${attempts ?? 'several'} attempts: check the network path to it ` +
          `(proxy, firewall, VPC endpoint) and AWS_ENDPOINT_URL_EC2 if set, and the AWS Health Dashboard for ${site.region}; then run again.`
        );
      }
      return `EC2 or the network failed after ${attempts ?? 'several'} attempts: re-run the job; check the AWS Health Dashboard for ${site.region}.`;
    case 'conflict':
      return 'Another operation holds the resource or it is in the wrong state: wait for it to finish and run again.';
    case 'other':
      return 'EC2 rejected the request: see its message above.';
  }
}

/**
 * The SDK found no credentials in its chain (environment, profile, SSO,
 * container and instance metadata): no request was sent. Its error is a
 * CredentialsProviderError (@smithy/property-provider), named "Could not
 * load credentials from any providers".
 */
function noCredentials(error: unknown, site: AwsCallSite): ProviderError {
  return new ProviderError(
    `no credentials found for cloud "${site.cloud}" (aws), so no request reached EC2: set AWS_ACCESS_KEY_ID and ` +
      'AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (aws configure / aws sso login), or on GitHub run aws-actions/configure-aws-credentials first.',
    { cloud: site.cloud, operation: site.operation, region: site.region, kind: 'permission', code: 'CredentialsProviderError' },
    error,
  );
}

/** The error users see. The SDK error stays reachable as `cause`. */
export function awsError(error: unknown, site: AwsCallSite): ProviderError {
  const code = errorCode(error);
  if (code === 'CredentialsProviderError') return noCredentials(error, site);
  const kind = classify(error);
  const attempts = (error as SdkErrorLike | undefined)?.$metadata?.attempts;
  const retried = attempts !== undefined && attempts > 1 ? `after ${attempts} attempts` : 'not retried';
  const raw = ((error as SdkErrorLike | undefined)?.message ?? String(error)).trim();
  const text = raw.length > 500 ? `${raw.slice(0, 500)}…` : raw;
  const timedOut = isTimeout(error);
  const where = { cloud: site.cloud, operation: site.operation, region: site.region };
  return new ProviderError(
    `${site.cloud}: EC2 ${site.operation} in ${site.region} failed with ${code} (${retried}): ${text}. ` +
      advice(kind, code, timedOut ? site : where, attempts),
    { ...where, kind, code, statusCode: httpStatus(error) },
    error,
  );
}
