/**
 * Waiting for a copy into another region, one loop for every provider: each
 * reports the same progress (state and time waited at every look) and gives
 * up at the same deadline with the same message. Giving up never cancels the
 * copy: it goes on in the cloud, and the next distribute finds it pending and
 * waits for it instead of starting another.
 */

/** One look at a pending copy: the cloud's own state word, and how long the wait has lasted. */
export interface CopyProgress {
  state: string;
  elapsedMs: number;
}

/** The copy did not finish within the deadline; it continues in the cloud. */
export class CopyPendingError extends Error {
  constructor(
    readonly image: string,
    readonly region: string,
    readonly waitedMs: number,
    readonly state: string,
  ) {
    super(
      `the copy of ${image} into ${region} is still ${state} after ${minutes(waitedMs)} min; ` +
        'it continues in the cloud; run distribute again to wait for it',
    );
    this.name = 'CopyPendingError';
  }
}

export function isCopyPending(error: unknown): error is CopyPendingError {
  return error instanceof CopyPendingError;
}

/** Whole minutes, at least one decimal below one minute ("0.5"). */
export function minutes(ms: number): string {
  const m = ms / 60_000;
  return m >= 1 ? String(Math.round(m)) : String(Math.round(m * 10) / 10);
}

export interface CopyWait {
  /** Named in the message: the image and the region it is copied into. */
  image: string;
  region: string;
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between looks. */
  pollMs: number;
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds (default Date.now). */
  now?: () => number;
  onProgress?: (progress: CopyProgress) => void;
  /** Pause before the first look (EC2 may not list a new copy right after CopyImage). */
  pauseFirst?: boolean;
}

/** What one look found: the finished copy, or the state it is still in. */
export type Look<T> = { done: T } | { state: string };

/**
 * Looks until `look` answers done. The time waited is the clock's, or the sum
 * of the pauses when that is larger (a sleep that does not really wait, as in
 * tests, still reaches the deadline).
 */
export async function waitForCopy<T>(wait: CopyWait, look: () => Promise<Look<T>>): Promise<T> {
  const now = wait.now ?? Date.now;
  const started = now();
  let paused = 0;
  const elapsed = () => Math.max(now() - started, paused);
  const pause = async (ms: number) => {
    await wait.sleep(ms);
    paused += ms;
  };
  if (wait.pauseFirst) await pause(Math.min(wait.pollMs, wait.timeoutMs));
  for (;;) {
    const seen = await look();
    if ('done' in seen) return seen.done;
    const waited = elapsed();
    wait.onProgress?.({ state: seen.state, elapsedMs: waited });
    if (waited >= wait.timeoutMs) throw new CopyPendingError(wait.image, wait.region, waited, seen.state);
    await pause(Math.max(1, Math.min(wait.pollMs, wait.timeoutMs - waited)));
  }
}
