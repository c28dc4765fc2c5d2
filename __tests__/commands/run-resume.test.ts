/**
 * `image-builder run` killed at each stage, then run again: the second run
 * goes on from what the first one finished, and no image is built or
 * verified twice.
 *
 * A kill is played in this process: at the chosen point the run stops for
 * good (its checkpoints never return again), and a kill during a Packer
 * build or verification also kills Packer (SIGKILL to its process group, as
 * when the whole process tree dies). Nothing the killed run would have done
 * afterwards happens; the next run starts on what it left on disk.
 */
import { afterAll, expect, it } from '@jest/globals';
import type { Checkpoint } from '../../src/commands/run-images.js';
import { interruptRunning } from '../../src/util/process.js';
import type { PackerEvent } from '../helpers/fake-packer-run.js';
import { describeWith } from '../helpers/tools.js';
import { removeTempDirs } from '../helpers/tree.js';
import { runFixture, type RunFixture } from '../helpers/run-fixture.js';

afterAll(removeTempDirs);

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A checkpoint that freezes the run at `point` and ever after; `frozen` lists where it stopped. */
function killer(point: (c: Checkpoint) => boolean) {
  const state = { killed: false, frozen: [] as Checkpoint[] };
  const checkpoint = async (c: Checkpoint): Promise<void> => {
    if (state.killed || point(c)) {
      state.killed = true;
      state.frozen.push(c);
      await new Promise<never>(() => undefined);
    }
  };
  return { state, checkpoint };
}

const image = (e: PackerEvent) => (e.folder.includes('--ib-web-') ? 'web' : 'base');
/** Finished builds and verifications per image, e.g. { 'build base': 1, ... }. */
function finished(f: RunFixture): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of f.packer.events().filter((e) => e.what === 'done'))
    counts[`${e.mode} ${image(e)}`] = (counts[`${e.mode} ${image(e)}`] ?? 0) + 1;
  return counts;
}

async function expectComplete(f: RunFixture): Promise<void> {
  const where = async (region: string) => (await f.store(region)).map((r) => `${r.image} ${r.channel} ${r.verified}`).sort();
  expect(await where('rack1')).toEqual(['base gold passed', 'web gold passed']);
  expect(await where('rack2')).toEqual(['base gold passed']);
  expect(f.planAfter()).toMatchObject({ builds: [], copies: [] });
  expect(finished(f)).toEqual({ 'build base': 1, 'build web': 1, 'verify base': 1, 'verify web': 1 });
}

describeWith(['qemu-img'], 'run after a kill', () => {
  it.each([
    ['after the plan, before any build', (c: Checkpoint) => c.stage === 'build'],
    ['before the second image', (c: Checkpoint) => c.stage === 'build' && c.image === 'lab/web/debian12'],
    ['before distribute', (c: Checkpoint) => c.stage === 'distribute'],
    ['before lifecycle', (c: Checkpoint) => c.stage === 'lifecycle'],
    ['before the last plan', (c: Checkpoint) => c.stage === 'plan again'],
  ])('killed %s: the next run finishes the rest', async (_when, point) => {
    const f = runFixture();
    const kill = killer(point);
    void f.run({}, { checkpoint: kill.checkpoint });
    await until('the kill', () => kill.state.killed);
    const resumed = await f.run();
    expect({ exitCode: resumed.exitCode, errors: resumed.errors }).toEqual({ exitCode: 0, errors: [] });
    await expectComplete(f);
  });

  it.each([
    ['building', 'build' as const, ['build web', 'verify web']],
    ['verifying', 'verify' as const, ['verify web']],
  ])('killed while Packer was %s the second image: the next run redoes only that step', async (_what, mode, redone) => {
    const f = runFixture({ hang: { mode, image: '--ib-web-' } });
    const kill = killer(() => false);
    void f.run({}, { checkpoint: kill.checkpoint });
    await until(`Packer ${mode} web`, () => f.packer.events().some((e) => e.what === 'start' && e.mode === mode && image(e) === 'web'));
    // The process tree dies: the run stops for good, and Packer with it.
    kill.state.killed = true;
    interruptRunning('SIGKILL');
    await until('the killed run to stop', () => kill.state.frozen.length > 0);
    const before = f.packer.events().length;

    f.packer.set({});
    const resumed = await f.run();
    expect({ exitCode: resumed.exitCode, errors: resumed.errors }).toEqual({ exitCode: 0, errors: [] });
    const again = f.packer
      .events()
      .slice(before)
      .filter((e) => e.what === 'start');
    expect(again.map((e) => `${e.mode} ${image(e)}`)).toEqual(redone);
    expect(resumed.images.map((i) => [i.image, i.action])).toEqual([
      ['base', 'none'],
      ['web', mode],
    ]);
    await expectComplete(f);
  });
});
