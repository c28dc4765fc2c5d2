/**
 * Reads GCP failures in both shapes the SDK's REST mode produces, decides
 * which are worth another try (the providers' shared kinds and retry
 * policy), and turns the rest into ProviderErrors that say what to do.
 *
 * Measured with @google-cloud/compute 6.15 (google-gax 5, google-auth-library
 * 10) in fallback mode: an HTTP error reaches us as a GaxiosError whose `code`
 * and `status` are the HTTP status and whose message is the JSON body
 * (`{"error":{"code":403,"status":"PERMISSION_DENIED","errors":[{"reason":..}]}}`);
 * a dropped connection is a GaxiosError with a string code (`ECONNRESET`).
 * gax's own retry compares `code` with gRPC codes (UNAVAILABLE = 14) and
 * cannot look at the reason, so it never fires on these; see index.ts.
 */
import { ProviderError, type ErrorKind } from '../errors.js';
import { formatMs, retryable, type Timeouts } from '../retry.js';

/** What one failure says, whatever its shape. */
export interface GcpFailure {
  http?: number;
  /** Canonical status name: PERMISSION_DENIED, RESOURCE_EXHAUSTED... */
  status?: string;
  /** First `errors[].reason`: forbidden, quotaExceeded, rateLimitExceeded, conditionNotMet... */
  reason?: string;
  message: string;
  /** Connection-level failure code (ECONNRESET...). */
  network?: string;
  retryAfterMs?: number;
  /** The URL that failed, when the failure says (a token exchange is not a compute call). */
  url?: string;
}

/** gRPC code numbers (google.rpc.Code), for GoogleError-shaped failures. */
const GRPC = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];
const HTTP_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED']);
const QUOTA_REASONS = new Set(['quotaExceeded', 'QUOTA_EXCEEDED', 'dailyLimitExceeded']);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;

export function parseGcpError(error: unknown): GcpFailure {
  const e = (error ?? {}) as Loose;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const failure: GcpFailure = { message };
  const http = typeof e.status === 'number' ? e.status : e.response?.status;
  if (typeof http === 'number') failure.http = http;
  const url = e.config?.url;
  if (url) failure.url = String(url);
  const body = parseBody(message) ?? (typeof e.error === 'object' ? e.error?.error : undefined);
  if (body) {
    if (typeof body.message === 'string') failure.message = body.message;
    if (typeof body.status === 'string') failure.status = body.status;
    if (failure.http === undefined && typeof body.code === 'number') failure.http = body.code;
    const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (typeof first?.reason === 'string') failure.reason = first.reason;
  }
  if (typeof e.code === 'number' && failure.http === undefined && e.code < GRPC.length) failure.status ??= GRPC[e.code];
  if (typeof e.reason === 'string') failure.reason ??= e.reason;
  const net = [e.code, e.error?.code, e.cause?.code].find((c) => typeof c === 'string' && NETWORK.has(c));
  if (net) failure.network = net;
  // A deadline cut the request (client.ts withDeadlines; nothing else aborts a call): a timeout.
  else if ([e.name, e.cause?.name].some((n) => n === 'AbortError' || n === 'TimeoutError')) failure.network = 'ETIMEDOUT';
  if (failure.http !== undefined) failure.status ??= HTTP_STATUS[failure.http];
  const retryAfter = header(e, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms)) failure.retryAfterMs = Math.min(Math.max(ms, 0), 60_000);
  }
  return failure;
}

function parseBody(message: string): Loose | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const json = JSON.parse(message.slice(start)) as Loose;
    return typeof json.error === 'object' ? json.error : undefined;
  } catch {
    return undefined;
  }
}

function header(e: Loose, name: string): string | undefined {
  const headers = e.response?.headers;
  if (!headers) return undefined;
  const value = typeof headers.get === 'function' ? headers.get(name) : headers[name];
  return typeof value === 'string' ? value : undefined;
}

export function failureKind(f: GcpFailure): ErrorKind {
  // 429 is throttling whatever the reason says (per-minute request quotas refill); a 403 quota is not.
  if (f.http === 429) return 'throttled';
  if (f.reason && QUOTA_REASONS.has(f.reason)) return 'quota';
  if (f.reason && RATE_REASONS.has(f.reason)) return 'throttled';
  if (f.status === 'RESOURCE_EXHAUSTED' && f.http === undefined) return 'throttled';
  if (f.http === 401 || f.http === 403 || f.status === 'PERMISSION_DENIED' || f.status === 'UNAUTHENTICATED') {
    return 'permission';
  }
  if (f.network || (f.http !== undefined && [500, 502, 503, 504].includes(f.http))) return 'transient';
  if (f.status === 'UNAVAILABLE' || f.status === 'DEADLINE_EXCEEDED') return 'transient';
  if (f.http === 412 || f.http === 409 || f.reason === 'conditionNotMet') return 'conflict';
  if (f.http === 404 || f.status === 'NOT_FOUND') return 'not-found';
  return 'other';
}

/** For withRetry: throttling and transient failures, with Retry-After as the delay when given. */
export function retryableGcp(error: unknown): boolean | number {
  const f = parseGcpError(error);
  if (!retryable(failureKind(f))) return false;
  return f.retryAfterMs ?? true;
}

export interface FailureContext {
  cloud: string;
  project: string;
  /** API method, e.g. images.list. */
  operation: string;
  region: string;
  /** Where the calls go and their deadlines, named when one timed out. */
  endpoint?: string;
  timeouts?: Timeouts;
}

/** The permission each method needs, and a predefined role that holds it. */
const NEEDS: Record<string, [permission: string, role: string]> = {
  'images.list': ['compute.images.list', 'roles/compute.storageAdmin'],
  'images.get': ['compute.images.get', 'roles/compute.storageAdmin'],
  'images.setLabels': ['compute.images.setLabels', 'roles/compute.storageAdmin'],
  'images.deprecate': ['compute.images.deprecate', 'roles/compute.storageAdmin'],
  'images.delete': ['compute.images.delete', 'roles/compute.storageAdmin'],
  'images.getIamPolicy': ['compute.images.getIamPolicy', 'roles/compute.storageAdmin'],
  'images.setIamPolicy': ['compute.images.setIamPolicy', 'roles/compute.storageAdmin'],
  'globalOperations.wait': ['compute.globalOperations.get', 'roles/compute.viewer'],
  'disks.aggregatedList': ['compute.disks.list', 'roles/compute.viewer'],
  'instanceTemplates.aggregatedList': ['compute.instanceTemplates.list', 'roles/compute.viewer'],
  'zones.list': ['compute.zones.list', 'roles/compute.instanceAdmin.v1'],
};

/** The error naming the cloud, project, method, region, the cloud's code and what to do. */
export function describeGcpError(error: unknown, ctx: FailureContext): ProviderError {
  const f = parseGcpError(error);
  const kind = failureKind(f);
  const code = [f.status ?? f.network ?? 'UNKNOWN', f.http ? `HTTP ${f.http}` : '', f.reason ?? ''].filter(Boolean).join(', ');
  const where = `cloud "${ctx.cloud}" (gcp project ${ctx.project}, region ${ctx.region})`;
  let advice = '';
  if (f.url && !/\/compute\/v1\//.test(f.url)) {
    const host = /^\w+:\/\/([^/]+)/.exec(f.url)?.[1] ?? f.url;
    advice =
      ` Getting credentials failed (${host}): check the workload identity federation setup` +
      ' (google-github-actions/auth, GOOGLE_APPLICATION_CREDENTIALS) or the gcp-access-token input.';
  } else if (kind === 'permission') {
    const [permission, role] = NEEDS[ctx.operation] ?? ['the needed compute permission', 'roles/compute.storageAdmin'];
    advice =
      f.http === 401 || f.status === 'UNAUTHENTICATED'
        ? ' The credential is expired or not valid (401 UNAUTHENTICATED is what an expired access token gets): a gcp-access-token ' +
          'is never renewed and lasts access_token_lifetime of google-github-actions/auth (1 hour by default); leave gcp-access-token ' +
          'unset so the credentials file of google-github-actions/auth is used (it renews tokens), or raise access_token_lifetime, then run again.'
        : ` Grant the workflow's identity ${role} (it holds ${permission}) on project ${ctx.project}. Not retried.`;
  } else if (kind === 'quota') {
    advice = ` A quota of project ${ctx.project} is exhausted: raise it (IAM & Admin > Quotas) or remove unused images. Not retried.`;
  } else if (f.network === 'ETIMEDOUT') {
    const deadlines = ctx.timeouts
      ? ` (${formatMs(ctx.timeouts.requestMs)}, ${formatMs(ctx.timeouts.longPollMs)} for globalOperations.wait)`
      : '';
    advice =
      ` ${ctx.endpoint ?? 'Compute Engine'} did not answer within the deadline${deadlines}, retries included: check the network path ` +
      `to it (proxy, firewall) and IMAGE_BUILDER_GCP_ENDPOINT if set, then run again.`;
  } else if (kind === 'throttled' || kind === 'transient') {
    advice = ' Gave up after retries; try again later.';
  }
  const out = new ProviderError(
    `${where}: ${ctx.operation} failed with ${code}: ${f.message}.${advice}`,
    { cloud: ctx.cloud, operation: ctx.operation, region: ctx.region, kind, code, statusCode: f.http },
    error,
  );
  return Object.assign(out, { gcp: f });
}

/** A failed long-running operation as an Error (the operation's own error codes). */
export function operationError(
  op: {
    name?: string | null;
    error?: { errors?: { code?: string | null; message?: string | null }[] | null } | null;
    httpErrorStatusCode?: number | null;
  },
  ctx: FailureContext,
): Error {
  const errors = op.error?.errors ?? [];
  const codes = errors.map((e) => e.code ?? 'UNKNOWN');
  const text = errors.map((e) => `${e.code ?? 'UNKNOWN'}: ${e.message ?? ''}`).join('; ') || 'no details';
  const quota = codes.some((c) => c.includes('QUOTA'));
  const advice = quota ? ` Raise the quota of project ${ctx.project} or free resources.` : '';
  return new Error(
    `cloud "${ctx.cloud}" (gcp project ${ctx.project}, region ${ctx.region}): ${ctx.operation} operation ${op.name ?? ''} ` +
      `failed${op.httpErrorStatusCode ? ` (HTTP ${op.httpErrorStatusCode})` : ''}: ${text}.${advice}`,
  );
}
