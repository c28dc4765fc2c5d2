import { describe, expect, it } from '@jest/globals';
import { Progress, formatDuration, timestamp } from '../../src/report/progress.js';

class Screen {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 80,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let ms = start;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

const at = new Date(2025, 5, 1, 12, 0, 3);

describe('formatDuration and timestamp', () => {
  it('say seconds, minutes and hours the short way', () => {
    expect([0, 999, 45_000, 60_000, 192_000, 3_599_000, 3_720_000].map(formatDuration)).toEqual([
      '0s',
      '1s',
      '45s',
      '1m00s',
      '3m12s',
      '59m59s',
      '1h02m',
    ]);
  });

  it('stamps local time to the second', () => {
    expect(timestamp(at)).toBe('2025-06-01 12:00:03');
  });
});

describe('Progress on a terminal', () => {
  it('draws a line per image and the counter, and redraws them in place', () => {
    const c = clock();
    const screen = new Screen(true);
    const p = new Progress(screen, { clock: c.now, tickMs: 0 });
    p.add('lab/base', 'lab/base');
    p.add('lab/web', 'lab/web');
    p.start('lab/base', 'build', 13 * 60_000);
    p.setCounter('build 1/2');
    c.advance(192_000);
    p.activity('lab/base', '2025-06-01T12:03:15Z: ==> image: TASK [packages : Install]');
    screen.text = '';
    p.tick();
    // Up over the 3 rows drawn, clear, draw again.
    expect(screen.text).toBe(
      '\r\u001b[3A\u001b[J' +
        'lab/base  build   3m12s of ~13m00s  ==> image: TASK [packages : Install]\n' +
        'lab/web   queued\n' +
        'build 1/2 · elapsed 3m12s\n',
    );
  });

  it('scrolls messages above the live lines', () => {
    const screen = new Screen(true);
    const p = new Progress(screen, { clock: clock().now, tickMs: 0 });
    p.add('a', 'lab/a');
    screen.text = '';
    p.log('== distribute');
    p.log('no copy', 'warning');
    expect(screen.text).toBe(
      '\r\u001b[2A\u001b[J== distribute\nlab/a  queued\nelapsed 0s\n\r\u001b[2A\u001b[Jwarning: no copy\nlab/a  queued\nelapsed 0s\n',
    );
  });

  it('says when a stage runs longer than last time, and how each ended', () => {
    const c = clock();
    const screen = new Screen(true);
    const p = new Progress(screen, { clock: c.now, tickMs: 0 });
    p.start('a', 'verify', 60_000);
    c.advance(90_000);
    expect(p.rows()[0]).toBe('a  verify  1m30s of ~1m00s (longer than last time)');
    p.finish('a', 'verification passed in 1m30s');
    expect(p.rows()[0]).toBe('a  verification passed in 1m30s');
  });

  it('never lets a line wrap', () => {
    const screen = new Screen(true, 40);
    const p = new Progress(screen, { clock: clock().now, tickMs: 0 });
    p.start('a', 'build');
    p.activity('a', 'x'.repeat(200));
    const rows = p.rows();
    expect(rows[0]).toHaveLength(39);
    expect(rows[0].endsWith('…')).toBe(true);
    for (const row of rows) expect(row.length).toBeLessThan(40);
  });

  it('leaves the last drawing on screen when stopped, and writes below it afterwards', () => {
    const screen = new Screen(true);
    const p = new Progress(screen, { clock: clock().now, tickMs: 0 });
    p.add('a', 'a');
    p.stop();
    screen.text = '';
    p.log('done');
    expect(screen.text).toBe('done\na  queued\nelapsed 0s\n');
  });
});

describe('Progress off a terminal', () => {
  it('writes timestamped lines, no ANSI codes, warnings and errors to the error stream', () => {
    const c = clock();
    const out = new Screen(false);
    const err = new Screen(false);
    const p = new Progress(out, { clock: c.now, now: () => at, tickMs: 0, err });
    p.add('lab/base', 'lab/base');
    p.setCounter('build 1/1');
    p.start('lab/base', 'build', 600_000);
    p.activity('lab/base', 'TASK [x]');
    c.advance(61_000);
    p.finish('lab/base', 'built in 1m01s');
    p.log('table\n-----\nrow');
    p.log('copy failed', 'error');
    expect(out.text).toBe(
      '[2025-06-01 12:00:03] lab/base: build started (last time 10m00s)\n' +
        '[2025-06-01 12:00:03] lab/base: built in 1m01s\n' +
        '[2025-06-01 12:00:03] table\n[2025-06-01 12:00:03] -----\n[2025-06-01 12:00:03] row\n',
    );
    expect(err.text).toBe('[2025-06-01 12:00:03] error: copy failed\n');
  });

  it('reminds of a long stage every remindMs, and of no finished one', () => {
    const c = clock();
    const out = new Screen(false);
    const p = new Progress(out, { clock: c.now, now: () => at, tickMs: 0, remindMs: 300_000 });
    p.start('a', 'build', 900_000);
    p.start('b', 'build');
    p.finish('b', 'built in 1s');
    out.text = '';
    c.advance(299_000);
    p.tick();
    expect(out.text).toBe('');
    c.advance(1_000);
    p.tick();
    p.tick();
    expect(out.text).toBe('[2025-06-01 12:00:03] a: build running for 5m00s (last time 15m00s)\n');
  });
});
