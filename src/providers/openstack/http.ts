/**
 * One call to an OpenStack service with the session's token: the providers'
 * retry policy for throttled and transient failures (Retry-After honoured),
 * one new token when the service refuses the held one (401: expired or
 * revoked), a deadline per attempt, and a ProviderError that says what to do.
 * Bodies are made per attempt (a stream cannot be sent twice).
 */
import { withRetry } from '../../util/retry.js';
import { RETRY_POLICY, retryDelay } from '../retry.js';
import type { KeystoneSession } from './auth.js';
import { OpenStackHttpError, describeFailure, errorDetail, failureKind } from './errors.js';

export interface CallSite {
  cloud: string;
  region: string;
  session: KeystoneSession;
  /** Service base URL (no version), e.g. http://glance:9292. */
  base: string;
  requestMs: number;
  sleep: (ms: number) => Promise<void>;
  log?: (message: string) => void;
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
}

export interface Call {
  operation: string;
  method: string;
  /** Path under the base (e.g. /v2/images?limit=100), or an absolute URL. */
  path: string;
  json?: unknown;
  /** A JSON patch (Glance: application/openstack-images-v2.1-json-patch). */
  patch?: unknown[];
  /** A raw body, made anew for every attempt (a stream is read once). */
  body?: () => ReadableStream<Uint8Array> | Uint8Array;
  contentType?: string;
  /** More request headers (OpenStack-API-Version...). */
  headers?: Record<string, string>;
  /** Statuses that count as success (default: any 2xx). */
  expect?: number[];
  /** Deadline of the whole answer (uploads and downloads take longer than one API call). */
  timeoutMs?: number;
  /** Return the response unread (a download): the caller reads its body. */
  stream?: boolean;
  /** Not retried: the request is not safe to send twice (a stream already handed over). */
  once?: boolean;
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  response?: Response;
}

export const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';

export async function call<T = unknown>(site: CallSite, c: Call): Promise<Answer<T>> {
  const policy = {
    attempts: c.once ? 1 : (site.retry?.attempts ?? RETRY_POLICY.attempts),
    throttledBaseMs: site.retry?.baseMs ?? RETRY_POLICY.throttledBaseMs,
    transientBaseMs: site.retry?.baseMs ?? RETRY_POLICY.transientBaseMs,
    maxDelayMs: site.retry?.maxMs ?? RETRY_POLICY.maxDelayMs,
  };
  let renewed = false;
  try {
    return await withRetry(() => attempt<T>(site, c), {
      attempts: policy.attempts + 1,
      retryable: (error) => {
        if (error instanceof OpenStackHttpError && error.status === 401 && !renewed) {
          renewed = true;
          site.session.invalidate();
          return 0;
        }
        const kind = failureKind(error);
        return kind === 'throttled' || kind === 'transient';
      },
      delay: (error, n) =>
        error instanceof OpenStackHttpError && error.status === 401
          ? 0
          : retryDelay(n, failureKind(error), (error as OpenStackHttpError).retryAfterMs, policy),
      sleep: site.sleep,
      onRetry: (error, n, delay) =>
        site.log?.(
          `openstack ${site.cloud}: ${c.operation} in ${site.region}: ${(error as Error).message} (attempt ${n}), again in ${delay} ms`,
        ),
    });
  } catch (error) {
    throw describeFailure(error, {
      cloud: site.cloud,
      region: site.region,
      operation: c.operation,
      endpoint: site.base,
      requestMs: c.timeoutMs ?? site.requestMs,
    });
  }
}

async function attempt<T>(site: CallSite, c: Call): Promise<Answer<T>> {
  const token = await site.session.token();
  const headers: Record<string, string> = { ...c.headers, 'x-auth-token': token.value, accept: 'application/json' };
  const init: RequestInit & { duplex?: 'half' } = { method: c.method, headers, signal: AbortSignal.timeout(c.timeoutMs ?? site.requestMs) };
  if (c.json !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(c.json);
  } else if (c.patch !== undefined) {
    headers['content-type'] = PATCH_TYPE;
    init.body = JSON.stringify(c.patch);
  } else if (c.body) {
    headers['content-type'] = c.contentType ?? 'application/octet-stream';
    const body = c.body();
    init.body = body as BodyInit;
    // Node's fetch sends a stream body chunked and needs duplex: 'half' for it.
    if (!(body instanceof Uint8Array)) init.duplex = 'half';
  }
  const url = /^https?:\/\//.test(c.path) ? c.path : `${site.base}${c.path}`;
  const response = await fetch(url, init);
  const ok = c.expect ? c.expect.includes(response.status) : response.status >= 200 && response.status < 300;
  if (!ok) {
    const text = await response.text().catch(() => '');
    const after = response.headers.get('retry-after');
    const seconds = after === null ? NaN : Number(after);
    throw new OpenStackHttpError(
      response.status,
      errorDetail(text) || response.statusText,
      Number.isFinite(seconds) ? seconds * 1000 : undefined,
    );
  }
  if (c.stream) return { status: response.status, headers: response.headers, body: undefined as T, response };
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}
