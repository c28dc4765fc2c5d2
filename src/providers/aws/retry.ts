/**
 * The retry strategy handed to each EC2Client. The SDK's own retry middleware
 * drives it (one token per call, one refresh per failed attempt); this class
 * only decides whether to try again and how long to wait, so that:
 * - throttling (RequestLimitExceeded, 429, ...) and transient failures (5xx,
 *   sockets) are retried with exponential backoff and full jitter, honouring
 *   Retry-After;
 * - permission, quota and not-found errors fail at once;
 * - the wait goes through an injectable sleep, so tests never wait.
 */
import type { EC2ClientConfig } from '@aws-sdk/client-ec2';
import { errorCode, isRetryable } from './errors.js';
import { RETRY_POLICY, retryDelay } from '../retry.js';

type AnyRetryStrategy = NonNullable<EC2ClientConfig['retryStrategy']>;
type RetryStrategyV2 = Extract<AnyRetryStrategy, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

export interface RetryEvent {
  region: string;
  code: string;
  /** The attempt that just failed (1-based). */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
}

export interface AwsRetryOptions {
  region: string;
  maxAttempts?: number;
  /** Delay before retry number `attempt` (1-based); default: exponential, full jitter. */
  backoff?: (attempt: number, throttled: boolean) => number;
  sleep: (ms: number) => Promise<void>;
  onRetry?: (event: RetryEvent) => void;
  /** Clock for Retry-After dates (tests may fix it). */
  now?: () => number;
}

/** The providers' shared backoff (exponential, full jitter). */
export function defaultBackoff(attempt: number, throttled: boolean): number {
  return retryDelay(attempt, throttled ? 'throttled' : 'transient');
}

class Token implements RetryToken {
  constructor(private readonly count: number) {}
  getRetryCount(): number {
    return this.count;
  }
  /** Always 0: the strategy has already waited (through the injectable sleep). */
  getRetryDelay(): number {
    return 0;
  }
  getRetryCost(): number | undefined {
    return undefined;
  }
}

export class AwsRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  readonly maxAttempts: number;

  constructor(private readonly options: AwsRetryOptions) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? RETRY_POLICY.attempts);
  }

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return new Token(0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const attempt = token.getRetryCount() + 1;
    const sdkSaysTransient = info.errorType === 'TRANSIENT' || info.errorType === 'THROTTLING';
    if (attempt >= this.maxAttempts || !isRetryable(info.error, sdkSaysTransient)) {
      // The middleware rethrows the service error itself when refresh fails.
      throw new Error('No retry token available');
    }
    const throttled = info.errorType === 'THROTTLING';
    let delayMs = (this.options.backoff ?? defaultBackoff)(attempt, throttled);
    if (info.retryAfterHint instanceof Date) {
      const now = this.options.now?.() ?? Date.now();
      delayMs = Math.max(delayMs, Math.min(RETRY_POLICY.maxDelayMs, info.retryAfterHint.getTime() - now));
    }
    delayMs = Math.max(0, Math.round(delayMs));
    this.options.onRetry?.({
      region: this.options.region,
      code: errorCode(info.error),
      attempt,
      maxAttempts: this.maxAttempts,
      delayMs,
    });
    await this.options.sleep(delayMs);
    return new Token(attempt);
  }

  recordSuccess(_token: RetryToken): void {
    // No client-side retry quota: a run makes few calls per region and the
    // attempt cap bounds each one.
  }
}
