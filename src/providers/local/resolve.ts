/**
 * What a local source builds on today:
 * - `suite`: the suite's Release file on the Debian mirror the base image is
 *   debootstrapped from (mirror.ts), `<mirror>/dists/<suite>/Release`. The
 *   archive rewrites it whenever the suite changes, and its `Date` field says
 *   when (Debian Repository Format, "Release files": Date is the time the
 *   file was created, in RFC 2822 form with the time zone +0000, UTC, GMT or
 *   Z). The id is the digest of the whole file, so any change moves it; every
 *   mirror serves the same file, so the id does not depend on the mirror.
 *   The base image cache follows this digest (base-image.ts).
 * - `image`: that disk, pinned (its path as written).
 * One GET, retried under the providers' policy on 429, 5xx, network errors
 * and timeouts.
 */
import type { LocalSource } from '../../topology/model.js';
import { sha256 } from '../../util/hash.js';
import { realSleep, withRetry } from '../../util/retry.js';
import { ProviderError, type ErrorKind } from '../errors.js';
import type { ProviderContext, ResolvedSource } from '../provider.js';
import { RETRY_POLICY, formatMs, retryDelay, retryable, timeouts } from '../retry.js';
import { describeFields, sourceError, sourceNotFound, type SourceSite } from '../source-errors.js';
import { debianMirror } from './mirror.js';

/** The suite a local source without one builds (the same default as build.ts). */
export const DEFAULT_SUITE = 'bookworm';
const OPERATION = 'GET Release';

export interface LocalResolveOptions extends Partial<Pick<ProviderContext, 'env' | 'sleep' | 'log'>> {
  cloud: string;
  /** apt's configuration folder, where the mirror is found when neither the source nor the environment names one (tests). */
  aptDir?: string;
  /** The deadline of one request (default TIMEOUTS.requestMs). */
  timeoutMs?: number;
}

export async function resolveLocalSource(region: string, source: LocalSource, options: LocalResolveOptions): Promise<ResolvedSource> {
  if (source.image) return { id: `file:${source.image}`, name: source.image, pinned: true };
  const suite = source.suite ?? DEFAULT_SUITE;
  const mirror = debianMirror(source.mirror, options.env ?? process.env, options.aptDir);
  const url = `${mirror.replace(/\/+$/, '')}/dists/${suite}/Release`;
  const site: SourceSite = {
    cloud: options.cloud,
    provider: 'local',
    region,
    source: describeFields({ suite, mirror }),
    check: `the suite and the mirror: ${url} must be the suite's Release file (the mirror is the root of a Debian archive, holding dists/)`,
    permission: `read access to ${url} (a proxy or the mirror refused it)`,
  };
  const sleep = options.sleep ?? realSleep;
  let body: Buffer;
  try {
    body = await withRetry(() => getRelease(site, url, options.timeoutMs ?? timeouts().requestMs), {
      attempts: RETRY_POLICY.attempts,
      retryable: (error) => error instanceof ProviderError && retryable(error.kind),
      delay: (error, attempt) => retryDelay(attempt, (error as ProviderError).kind, (error as { retryAfterMs?: number }).retryAfterMs),
      sleep,
      onRetry: (error, attempt, delay) =>
        options.log?.(`${site.cloud}: ${(error as Error).message} (attempt ${attempt}), retrying in ${delay} ms`),
    });
  } catch (error) {
    throw sourceError(site, error);
  }
  const date = /^Date:[ \t]*(.+?)[ \t]*$/im.exec(body.toString('utf8'))?.[1];
  if (!date) throw sourceNotFound(site, OPERATION, `${url} is not a Release file (it has no Date field)`);
  const created = new Date(date.replace(/ (UTC|GMT|Z)$/i, ' +0000'));
  return {
    id: `sha256:${sha256(body).slice(0, 16)}`,
    name: `${suite} ${date}`,
    ...(Number.isNaN(created.getTime()) ? {} : { created: created.toISOString() }),
    pinned: false,
  };
}

/** One GET of the Release file; failures are ProviderErrors of the shared kinds (429 and 5xx retried, 404 not found). */
async function getRelease(site: SourceSite, url: string, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain, */*' } });
  } catch (error) {
    const timedOut = (error as { name?: string }).name === 'TimeoutError';
    const code = timedOut ? 'ETIMEDOUT' : ((error as { cause?: { code?: string } }).cause?.code ?? 'NetworkError');
    const why = timedOut ? `no answer within ${formatMs(timeoutMs)}` : `${code} (${(error as Error).message})`;
    throw failure(site, `GET ${url} failed: ${why}`, 'transient', code, undefined, error);
  }
  if (response.ok) return Buffer.from(await response.arrayBuffer());
  await response.body?.cancel();
  const status = response.status;
  const kind: ErrorKind =
    status === 404 || status === 410
      ? 'not-found'
      : status === 401 || status === 403 || status === 407
        ? 'permission'
        : status === 429
          ? 'throttled'
          : status >= 500
            ? 'transient'
            : 'other';
  const error = failure(site, `GET ${url} answered HTTP ${status}`, kind, `HTTP${status}`, status);
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  throw Number.isFinite(retryAfter) && retryAfter >= 0 ? Object.assign(error, { retryAfterMs: retryAfter * 1000 }) : error;
}

function failure(site: SourceSite, message: string, kind: ErrorKind, code: string, statusCode?: number, cause?: unknown): ProviderError {
  return new ProviderError(message, { cloud: site.cloud, operation: OPERATION, region: site.region, kind, code, statusCode }, cause);
}
