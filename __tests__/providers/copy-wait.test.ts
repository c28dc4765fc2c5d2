/** The one loop every provider waits for a copy with (src/providers/copy-wait.ts). */
import { describe, expect, it } from '@jest/globals';
import { CopyPendingError, isCopyPending, minutes, waitForCopy, type CopyProgress } from '../../src/providers/copy-wait.js';

/** A clock that only moves when the loop sleeps. */
function virtualTime() {
  let now = 0;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => now,
    sleep: async (ms: number) => {
      pauses.push(ms);
      now += ms;
    },
  };
}

describe('waitForCopy', () => {
  it('reports progress at every look and answers the finished copy', async () => {
    const t = virtualTime();
    const seen: CopyProgress[] = [];
    let looks = 0;
    const done = await waitForCopy(
      { image: 'img', region: 'r1', timeoutMs: 60_000, pollMs: 15_000, ...t, onProgress: (p) => void seen.push(p) },
      async () => (++looks < 3 ? { state: 'pending' } : { done: 'copy-id' }),
    );
    expect(done).toBe('copy-id');
    expect(seen).toEqual([
      { state: 'pending', elapsedMs: 0 },
      { state: 'pending', elapsedMs: 15_000 },
    ]);
    expect(t.pauses).toEqual([15_000, 15_000]);
  });

  it('gives up at the deadline, last look right at it, with the message saying the copy goes on', async () => {
    const t = virtualTime();
    const error = await waitForCopy({ image: 'web-debian12', region: 'us-east-1', timeoutMs: 40_000, pollMs: 15_000, ...t }, async () => ({
      state: 'pending',
    })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isCopyPending(error)).toBe(true);
    expect(error).toBeInstanceOf(CopyPendingError);
    expect((error as Error).message).toBe(
      'the copy of web-debian12 into us-east-1 is still pending after 0.7 min; it continues in the cloud; run distribute again to wait for it',
    );
    expect(t.pauses).toEqual([15_000, 15_000, 10_000]);
  });

  it('counts the pauses when the clock does not move (a sleep that does not wait still ends the wait)', async () => {
    let looks = 0;
    const error = await waitForCopy(
      { image: 'i', region: 'r', timeoutMs: 60_000, pollMs: 15_000, sleep: async () => undefined, now: () => 0, pauseFirst: true },
      async () => {
        looks += 1;
        return { state: 'pending' };
      },
    ).catch((e: unknown) => e);
    expect(isCopyPending(error)).toBe(true);
    expect(looks).toBe(4); // after 15, 30, 45 and 60 s
  });

  it('says minutes as users read them', () => {
    expect(minutes(120 * 60_000)).toBe('120');
    expect(minutes(90_000)).toBe('2');
    expect(minutes(30_000)).toBe('0.5');
  });
});
