/**
 * How the GCP provider calls the API: one call with the providers' retry
 * policy (failures become ProviderErrors that say what to do), and the wait
 * for a global operation. index.ts calls both through thin methods.
 */
import { withRetry } from '../../util/retry.js';
import { RETRY_POLICY, retryDelay, type Timeouts } from '../retry.js';
import type { GcpClients } from './client.js';
import { describeGcpError, failureKind, operationError, parseGcpError, retryableGcp } from './errors.js';
import type { GcpOperation } from './records.js';

/** What every call of one provider shares. */
export interface GcpCallSite {
  cloud: string;
  project: string;
  /** Named when a call timed out. */
  endpoint: string;
  timeouts: Timeouts;
  /** Overrides of the providers' retry policy for throttled and transient failures. */
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
  sleep: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

/** One API call with retries; failures become plain Errors that say what to do. */
export async function gcpCall<T>(site: GcpCallSite, operation: string, region: string, fn: () => Promise<T>): Promise<T> {
  const { attempts, baseMs, maxMs } = site.retry ?? {};
  const policy = {
    attempts: attempts ?? RETRY_POLICY.attempts,
    throttledBaseMs: baseMs ?? RETRY_POLICY.throttledBaseMs,
    transientBaseMs: baseMs ?? RETRY_POLICY.transientBaseMs,
    maxDelayMs: maxMs ?? RETRY_POLICY.maxDelayMs,
  };
  try {
    return await withRetry(fn, {
      attempts: policy.attempts,
      retryable: retryableGcp,
      delay: (error, attempt) => {
        const f = parseGcpError(error);
        return retryDelay(attempt, failureKind(f), f.retryAfterMs, policy);
      },
      sleep: site.sleep,
      onRetry: (error, attempt, delay) => {
        const f = parseGcpError(error);
        site.log?.(
          `gcp ${site.cloud}: ${operation} ${f.status ?? f.network ?? f.http ?? 'failed'}` +
            ` (attempt ${attempt}), retrying in ${delay} ms`,
        );
      },
    });
  } catch (error) {
    const { cloud, project, endpoint, timeouts } = site;
    throw describeGcpError(error, { cloud, project, operation, region, endpoint, timeouts });
  }
}

export interface OperationWait {
  /** Pause between globalOperations.wait calls that return before the operation is DONE. */
  pollMs: number;
  /** Give up after this long. */
  timeoutMs: number;
  /** Milliseconds (default Date.now). */
  now?: () => number;
}

/**
 * Waits for a global operation (globalOperations.wait until DONE) and throws
 * its errors. The time waited is the clock's, or the sum of the pauses when
 * that is larger (a sleep that does not really wait still ends the wait).
 */
export async function waitOperation(
  site: GcpCallSite,
  clients: GcpClients,
  wait: OperationWait,
  op: GcpOperation,
  operation: string,
  region: string,
): Promise<void> {
  const now = wait.now ?? Date.now;
  const started = now();
  let paused = 0;
  let current = op;
  while (current.status !== 'DONE') {
    if (!current.name) throw new Error(`cloud "${site.cloud}": ${operation} returned no operation name`);
    if (Math.max(now() - started, paused) > wait.timeoutMs) {
      throw new Error(
        `cloud "${site.cloud}" (gcp project ${site.project}): ${operation} operation ` +
          `${current.name} is still ${current.status ?? 'running'}; gave up waiting. Check it in the console.`,
      );
    }
    const name = current.name;
    [current] = await gcpCall(site, 'globalOperations.wait', region, () =>
      clients.operations.wait({ project: site.project, operation: name }, { retry: null }),
    );
    if (current.status !== 'DONE') {
      await site.sleep(wait.pollMs);
      paused += wait.pollMs;
    }
  }
  if (current.error?.errors?.length) {
    throw operationError(current, { cloud: site.cloud, project: site.project, operation, region });
  }
}
