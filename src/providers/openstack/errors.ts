/**
 * OpenStack failures in the providers' one vocabulary (errors.ts) and retry
 * policy (retry.ts). Keystone and Glance answer errors with an HTTP status
 * and, when asked with `Accept: application/json`, a body
 * `{"message": "...<br /><br />...", "code": "404 Not Found", "title": ...}`
 * (Glance, webob) or `{"error": {"code": 401, "message": ..., "title": ...}}`
 * (Keystone API reference, "Errors"). Glance answers a quota that an upload
 * would exceed with 413 (glance/api/v2/image_data.py: ImageSizeLimitExceeded,
 * StorageQuotaFull, LimitExceeded -> HTTPRequestEntityTooLarge).
 */
import { ProviderError, type ErrorKind } from '../errors.js';
import { formatMs } from '../retry.js';

/** An HTTP answer that was not the expected one. */
export class OpenStackHttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}: ${detail}`);
    this.name = 'OpenStackHttpError';
  }
}

const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

/** The failure's network code (ECONNREFUSED, ETIMEDOUT for a deadline), when it never got an answer. */
export function networkCode(error: unknown): string | undefined {
  const e = error as { name?: string; code?: string; cause?: { name?: string; code?: string } } | undefined;
  const code = [e?.code, e?.cause?.code].find((c) => typeof c === 'string' && NETWORK.has(c));
  if (code) return code;
  if ([e?.name, e?.cause?.name].some((n) => n === 'TimeoutError' || n === 'AbortError')) return 'ETIMEDOUT';
  return undefined;
}

export function failureKind(error: unknown): ErrorKind {
  if (error instanceof ProviderError) return error.kind;
  if (!(error instanceof OpenStackHttpError)) return networkCode(error) ? 'transient' : 'other';
  const s = error.status;
  if (s === 429) return 'throttled';
  if (s === 413) return 'quota';
  if (s === 401 || s === 403) return /quota/i.test(error.detail) ? 'quota' : 'permission';
  if (s === 404) return 'not-found';
  if (s === 409) return 'conflict';
  if (s >= 500 && s !== 501) return 'transient';
  return 'other';
}

/** The readable part of an error body (Glance's webob JSON, Keystone's error object, or text). */
export function errorDetail(text: string): string {
  let message = text;
  try {
    const body = JSON.parse(text) as { message?: string; error?: { message?: string }; title?: string };
    message = body.error?.message ?? body.message ?? body.title ?? text;
  } catch {
    // not JSON: an HTML page or plain text
  }
  return message
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 400);
}

export interface FailureSite {
  cloud: string;
  operation: string;
  region?: string;
  /** The service answering: Keystone at auth_url, or Glance at its catalog URL. */
  endpoint: string;
  requestMs: number;
  /** What to do, when the caller knows better than the status alone. */
  advice?: string;
}

/** A ProviderError naming the cloud, the call, the status and what to do. */
export function describeFailure(error: unknown, site: FailureSite): ProviderError {
  if (error instanceof ProviderError) return error;
  const kind = failureKind(error);
  const http = error instanceof OpenStackHttpError ? error : undefined;
  const code = http ? `HTTP ${http.status}` : (networkCode(error) ?? 'ERROR');
  const detail = http ? http.detail : ((error as Error)?.message ?? String(error));
  const where = `openstack cloud "${site.cloud}"${site.region ? ` region ${site.region}` : ''}`;
  let advice = '';
  if (site.advice) {
    advice = ` ${site.advice}`;
  } else if (kind === 'quota') {
    advice =
      ' A quota of the project is exhausted (image count or total image size): remove unused images, or ask the cloud operator ' +
      'to raise the image quota. Not retried.';
  } else if (http?.status === 401) {
    advice = ' The token was refused: check the credentials of this cloud (clouds.yaml entry or OS_* variables). Not retried.';
  } else if (kind === 'permission') {
    advice =
      ' The project lacks the right to do this (Glance policy): the owner of the image must make this call, and making images ' +
      'public needs an admin; use visibility community or members instead. Not retried.';
  } else if (networkCode(error) === 'ETIMEDOUT') {
    advice = ` ${site.endpoint} did not answer within ${formatMs(site.requestMs)}, retries included: check the network path to it.`;
  } else if (kind === 'transient' || kind === 'throttled') {
    advice = ` ${site.endpoint} failed repeatedly; try again later.`;
  }
  return new ProviderError(
    `${where}: ${site.operation} failed with ${code}: ${detail.replace(/\.+$/, '')}.${advice}`,
    { cloud: site.cloud, operation: site.operation, region: site.region, kind, code, statusCode: http?.status },
    error,
  );
}
