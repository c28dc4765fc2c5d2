/**
 * Retry with exponential backoff and full jitter, for calls that are safe to
 * repeat. Sleep is injectable so tests do not wait.
 */
export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
  /** Decides whether an error is worth another try; returns a delay hint in ms, true, or false. */
  retryable: (error: unknown) => boolean | number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** The wait before retry number `attempt` (default: full jitter on baseMs, maxMs, or the retryable's hint). */
  delay?: (error: unknown, attempt: number) => number;
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 20_000;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const verdict = options.retryable(error);
      if (verdict === false || attempt >= attempts) throw error;
      const backoff = Math.min(max, base * 2 ** (attempt - 1));
      const delay =
        options.delay?.(error, attempt) ?? (typeof verdict === 'number' ? Math.max(verdict, 0) : Math.floor(Math.random() * backoff));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
