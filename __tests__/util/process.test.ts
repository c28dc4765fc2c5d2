import { runProcess } from '../../src/util/process.js';

describe('runProcess', () => {
  it('keeps the last lines of both streams and the exit code', async () => {
    const r = await runProcess('sh', ['-c', 'for i in 1 2 3 4 5; do echo out$i; done; echo err >&2; exit 3'], { tail: 3 });
    expect(r.code).toBe(3);
    expect(r.timedOut).toBe(false);
    expect(r.tail).toHaveLength(3);
    expect(r.tail).toContain('err');
  });

  it('interrupts a run past its time limit (SIGINT, so Packer can tear down), then kills it after the grace period', async () => {
    // Exit code 130 comes from the trap: the run stopped on SIGINT by itself, no SIGKILL after the grace period
    // (a killed run reads 128); the grace period is longer than the test's time limit, so waiting it out would fail.
    const polite = await runProcess('sh', ['-c', 'trap "echo tearing down; exit 130" INT; while :; do sleep 0.05; done'], {
      timeoutMs: 200,
      graceMs: 600_000,
    });
    expect(polite).toMatchObject({ timedOut: true, code: 130 });
    expect(polite.tail).toContain('tearing down');
    const started = Date.now();
    const stubborn = await runProcess('sh', ['-c', 'trap "" INT; while :; do sleep 0.05; done'], { timeoutMs: 200, graceMs: 300 });
    expect(stubborn.timedOut).toBe(true);
    expect(stubborn.code).not.toBe(0);
    expect(stubborn.code).toBe(128); // ended by a signal: SIGKILL, since it ignores SIGINT
    expect(Date.now() - started).toBeGreaterThanOrEqual(450); // not before timeoutMs + graceMs (500 ms)
  });

  it('says when the program cannot be run', async () => {
    await expect(runProcess('no-such-program-here', [])).rejects.toThrow('could not run no-such-program-here');
  });
});
