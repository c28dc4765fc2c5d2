/**
 * The one retry policy of every provider: which kinds are retried, how many
 * attempts, and the delay before each retry (exponential backoff with full
 * jitter, at least a Retry-After the cloud asked for, never more than the
 * cap). AWS applies it through the SDK's retry strategy, GCP through
 * withRetry, Azure through the SDK pipeline's retry options.
 */
import type { ErrorKind } from './errors.js';

export const RETRY_POLICY = {
  /** Calls in all, the first one included. */
  attempts: 6,
  /** Backoff base for throttling: slower, the cloud asked us to slow down. */
  throttledBaseMs: 1_000,
  /** Backoff base for 5xx, network errors and timeouts. */
  transientBaseMs: 200,
  /** No single wait is longer, Retry-After included. */
  maxDelayMs: 20_000,
} as const;

export type RetryPolicy = { [K in keyof typeof RETRY_POLICY]: number };

/**
 * Deadlines of one cloud call (one attempt: a call that runs out is a
 * `transient` failure, retried under RETRY_POLICY, then reported naming the
 * endpoint and the deadline). AWS applies them through the SDK's
 * NodeHttpHandler, GCP through the auth client's transport, Azure through a
 * pipeline policy on every request (token requests included).
 */
export const TIMEOUTS = {
  /** Until the TCP connection is up (AWS; the others count it in requestMs). */
  connectMs: 10_000,
  /** One request until its whole answer arrived; also the longest silence on a socket. */
  requestMs: 60_000,
  /** One long poll: GCP globalOperations.wait answers after up to 2 minutes by design. */
  longPollMs: 150_000,
} as const;

export type Timeouts = { [K in keyof typeof TIMEOUTS]: number };

/** The deadlines with a caller's overrides (tests use a few hundred ms). */
export function timeouts(overrides: Partial<Timeouts> = {}): Timeouts {
  return { ...TIMEOUTS, ...overrides };
}

/** "60 s", "200 ms": a deadline as messages name it. */
export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Throttling and transient failures are retried; quota, permission, not-found, conflict and other never are. */
export function retryable(kind: ErrorKind): boolean {
  return kind === 'throttled' || kind === 'transient';
}

/** The wait before retry number `attempt` (1-based). */
export function retryDelay(
  attempt: number,
  kind: ErrorKind,
  hintMs?: number,
  policy: RetryPolicy = RETRY_POLICY,
  random: () => number = Math.random,
): number {
  const base = kind === 'throttled' ? policy.throttledBaseMs : policy.transientBaseMs;
  const jitter = Math.floor(random() * Math.min(policy.maxDelayMs, base * 2 ** (attempt - 1)));
  const hinted = hintMs === undefined ? jitter : Math.max(jitter, hintMs);
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(hinted)));
}
