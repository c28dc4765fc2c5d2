/**
 * Ctrl-C during `image-builder run`: the signal reaches Packer's process
 * group once, the run waits for Packer to tear its machine down, starts
 * nothing new, ends with 130 and a line saying what was kept; the next run
 * continues from there. And the Interrupt rules on their own (SIGTERM, a
 * third signal).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { Interrupt } from '../../src/commands/run-signals.js';
import { describeWith } from '../helpers/tools.js';
import { removeTempDirs } from '../helpers/tree.js';
import { runFixture } from '../helpers/run-fixture.js';

afterAll(removeTempDirs);

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeWith(['qemu-img'], 'Ctrl-C during run', () => {
  it('lets Packer tear down, keeps what is finished, exits 130, and the next run builds only the rest', async () => {
    const f = runFixture({ hang: { mode: 'build', image: '--ib-web-' }, teardownMs: 300 });
    const running = f.run();
    const webStarted = () => f.packer.events().some((e) => e.what === 'start' && e.folder.includes('--ib-web-'));
    await until('the web build', webStarted);
    f.signals.emit('SIGINT', 'SIGINT');
    const report = await running;

    expect({ exitCode: report.exitCode, outcome: report.outcome }).toEqual({ exitCode: 130, outcome: 'interrupted' });
    const web = f.packer.events().filter((e) => e.folder.includes('--ib-web-'));
    expect(web.map((e) => e.what)).toEqual(['start', 'interrupted', 'torn-down']);
    // The run ended after Packer had torn down (it waited), and started nothing after the signal.
    expect(Date.parse(report.finishedAt)).toBeGreaterThanOrEqual(web[2].at);
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['plan', 'done'],
      ['build', 'interrupted'],
      ['verify', 'done'],
      ['distribute', 'skipped'],
      ['lifecycle', 'skipped'],
      ['plan again', 'skipped'],
    ]);
    expect(report.images.map((i) => [i.image, i.verdict, i.stages.map((s) => `${s.name} ${s.status}`)])).toEqual([
      ['base', 'passed', ['build done', 'verify done']],
      ['web', null, ['build interrupted']],
    ]);
    const text = f.out.text + f.err.text;
    expect(text).toContain('SIGINT: stopping. Packer tears its machine down first (one tool running)');
    expect(text).toMatch(
      /interrupted \(SIGINT\) after \d+s\. Kept: built lab\/base\/debian12; verified lab\/base\/debian12, and the results in .*\. Stopped: lab\/web\/debian12 \(its machine was torn down; it starts again next time\)\. Run the same command to continue/,
    );
    // Packer's failure after the interrupt is no error of its own.
    expect(report.errors).toEqual([]);
    expect(f.signals.listenerCount('SIGINT')).toBe(0);

    f.packer.set({});
    const next = await f.run();
    expect(next.exitCode).toBe(0);
    const done = f.packer.events().filter((e) => e.what === 'done');
    expect(done.map((e) => `${e.mode} ${e.folder.includes('--ib-web-') ? 'web' : 'base'}`)).toEqual([
      'build base',
      'verify base',
      'build web',
      'verify web',
    ]);
  });
});

describe('Interrupt', () => {
  function setup() {
    const source = new EventEmitter();
    const said: string[] = [];
    const forwarded: string[] = [];
    const interrupt = new Interrupt(
      source,
      (m) => said.push(m),
      (signal) => (forwarded.push(signal), 1),
    );
    interrupt.arm();
    return { source, said, forwarded, interrupt };
  }

  it('forwards one SIGINT for SIGTERM too, and ends with 143', () => {
    const { source, forwarded, interrupt } = setup();
    expect(interrupt.requested).toBe(false);
    source.emit('SIGTERM', 'SIGTERM');
    expect(forwarded).toEqual(['SIGINT']);
    expect({ requested: interrupt.requested, exitCode: interrupt.exitCode }).toEqual({ requested: true, exitCode: 143 });
  });

  it('kills the tools at the third signal, never earlier', () => {
    const { source, said, forwarded } = setup();
    source.emit('SIGINT', 'SIGINT');
    source.emit('SIGINT', 'SIGINT');
    expect(forwarded).toEqual(['SIGINT']);
    expect(said[1]).toBe('SIGINT: still stopping, waiting for the tools to exit (1 more to kill them at once)');
    source.emit('SIGINT', 'SIGINT');
    expect(forwarded).toEqual(['SIGINT', 'SIGKILL']);
    expect(said[2]).toMatch(/^SIGINT: killed the running tool: a machine Packer had started may be left/);
  });

  it('stops listening when disarmed', () => {
    const { source, interrupt } = setup();
    interrupt.disarm();
    expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
  });
});
