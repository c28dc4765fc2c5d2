/**
 * `image-builder run` on a local fleet with the Packer stand-in: the whole
 * pipeline, a second run with nothing to do, its JSON report, progress on and
 * off a terminal, --parallel 2, --dry-run, and the tools it needs.
 */
import { afterAll, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RunReportSchema } from '../../src/report/run-report.js';
import { describeWith } from '../helpers/tools.js';
import { removeTempDirs } from '../helpers/tree.js';
import { changeWeb, runFixture } from '../helpers/run-fixture.js';

afterAll(removeTempDirs);

const ESC = '\u001b[';
const STAMP = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] /;

describeWith(['qemu-img'], 'run', () => {
  it('plans, builds and verifies each image, distributes, promotes, and ends with nothing left to do', async () => {
    const f = runFixture();
    const reportFile = path.join(f.dir, 'report.json');
    const report = await f.run({ report: reportFile });

    expect({ outcome: report.outcome, exitCode: report.exitCode, errors: report.errors }).toEqual({
      outcome: 'succeeded',
      exitCode: 0,
      errors: [],
    });
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['plan', 'done'],
      ['build', 'done'],
      ['verify', 'done'],
      ['distribute', 'done'],
      ['lifecycle', 'done'],
      ['plan again', 'done'],
    ]);
    // Each image built once and verified once, its verify after its build.
    const done = f.packer.events().filter((e) => e.what === 'done');
    expect(done.map((e) => `${e.mode} ${e.folder.replace(/-\d{8}t\d+$|-[0-9a-f]{16}.*$/, '')}`).sort()).toEqual([
      'build lab--ib-base-debian12',
      'build lab--ib-web-debian12',
      'verify lab--ib-base-debian12',
      'verify lab--ib-web-debian12',
    ]);
    // Gold and verified where the topology needs each image.
    const where = async (region: string) => (await f.store(region)).map((r) => `${r.image} ${r.channel} ${r.verified}`).sort();
    expect(await where('rack1')).toEqual(['base gold passed', 'web gold passed']);
    expect(await where('rack2')).toEqual(['base gold passed']);
    expect(f.planAfter()).toMatchObject({ builds: [], copies: [] });
    expect(report.plan).toEqual({ builds: 2, copies: 1, retirements: 0, images: 2 });
    expect(report.planAfter).toEqual({ builds: 0, copies: 0, retirements: 0, images: 2 });
    expect(report.stages.find((s) => s.name === 'distribute')?.counts).toEqual({ copied: 1, failed: 0 });
    expect(report.stages.find((s) => s.name === 'lifecycle')?.counts).toMatchObject({ promoted: 3 });

    // The report file: the schema's shape exactly, ids and verdicts of the store.
    const written = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(RunReportSchema.parse(written)).toEqual(report);
    const rack1 = await f.store('rack1');
    for (const image of report.images) {
      const stored = rack1.find((r) => r.image === image.image);
      expect(image).toMatchObject({ action: 'build', verdict: 'passed', imageId: stored?.id, name: stored?.name });
      expect(image.stages.map((s) => [s.name, s.status])).toEqual([
        ['build', 'done'],
        ['verify', 'done'],
      ]);
      expect(existsSync(image.resultFile as string)).toBe(true);
    }
    expect(report.accelerator).toBe('tcg');
    expect(report.options.parallel).toBe(1);
  });

  it('a second run builds nothing; a changed recipe builds only its image', async () => {
    const f = runFixture();
    await f.run();
    const before = f.packer.events().length;
    const again = await f.run();
    expect(f.packer.events().length).toBe(before);
    expect(again.exitCode).toBe(0);
    expect(again.stages.filter((s) => s.name === 'build' || s.name === 'verify').map((s) => s.status)).toEqual(['skipped', 'skipped']);
    expect(again.images.map((i) => [i.image, i.action, i.verdict])).toEqual([
      ['base', 'none', 'passed'],
      ['web', 'none', 'passed'],
    ]);

    changeWeb(f.dir);
    const changed = await f.run();
    expect(changed.exitCode).toBe(0);
    const started = f.packer
      .events()
      .slice(before)
      .filter((e) => e.what === 'start');
    expect(started.map((e) => `${e.mode} ${e.folder.includes('ib-web-') ? 'web' : 'base'}`)).toEqual(['build web', 'verify web']);
    expect(
      (await f.store('rack1'))
        .filter((r) => r.image === 'web')
        .map((r) => r.channel)
        .sort(),
    ).toEqual(['gold', 'outdated']);
  });

  it('shows plain timestamped lines off a terminal: stages, the QEMU notice once, the stage times', async () => {
    const f = runFixture();
    await f.run();
    const out = f.out.text;
    expect(out).not.toContain(ESC);
    const lines = out.trimEnd().split('\n');
    // Every line is stamped (a table's rows too).
    expect(lines.filter((l) => !STAMP.test(l))).toEqual([]);
    const text = lines.map((l) => l.replace(STAMP, '')).join('\n');
    expect(text.match(/QEMU has no KVM here/g)).toHaveLength(1);
    expect(text).toContain('IMAGE_BUILDER_ACCELERATOR=tcg chooses it');
    expect(text).toMatch(/lab\/base\/debian12: build started\n/);
    expect(text).toMatch(/lab\/base\/debian12: built in \d+s/);
    expect(text).toMatch(/lab\/web\/debian12: verification passed in \d+s/);
    expect(text).toContain('Images and regions:');
    expect(text).toMatch(/Stage times:\nstage +status +time +detail/);
    expect(text).toMatch(/run done in \d+s; the last plan: 0 builds, 0 copies, 0 retirements for 2 images: nothing left to do/);
    // Packer's own lines stay in the run's log file.
    expect(text).not.toContain('Starting the build');
    const log = readFileSync(path.join(f.dir, 'state', 'work', 'run.log'), 'utf8');
    expect(log).toMatch(/lab\/base\/debian12 ==> image: Starting the build\.\.\./);
  });

  it('shows one live line per image on a terminal, with the stage, the elapsed time and the counter', async () => {
    const f = runFixture({}, true);
    await f.run();
    // An estimate needs a last time: the history of the first run gives it to the second.
    changeWeb(f.dir);
    f.out.text = '';
    await f.run();
    const out = f.out.text;
    expect(out).toContain(`${ESC}J`);
    expect(out).not.toMatch(STAMP);
    // Each redraw moves up over the block, clears it, and ends with the block drawn anew: its line and the counter.
    const frames = out.split(`${ESC}J`).map((frame) => frame.split('\r')[0]);
    const live = frames.filter((frame) =>
      /\nlab\/web\/debian12 {2}build {3}\d+s of ~\d+s.*\nbuild 1\/1 · verify 0\/1 · elapsed \d+s\n$/.test(`\n${frame}`),
    );
    expect(live.length).toBeGreaterThan(0);
    expect(
      frames.some((frame) => /\nlab\/web\/debian12 {2}verify {2}\d+s.*\nbuild 1\/1 · verify 1\/1 · elapsed \d+s\n$/.test(`\n${frame}`)),
    ).toBe(true);
    expect(out).toMatch(/build 1\/1 · verify 0\/1 · elapsed \d+s/);
    expect(out).toMatch(/build 1\/1 · verify 1\/1 · elapsed \d+s/);
  });

  it('--parallel 2 builds both images at once', async () => {
    const f = runFixture({ delayMs: 400 });
    const report = await f.run({ parallel: 2 });
    expect(report.exitCode).toBe(0);
    expect(report.options.parallel).toBe(2);
    const builds = f.packer.events().filter((e) => e.mode === 'build');
    const starts = builds.filter((e) => e.what === 'start').map((e) => e.at);
    const firstDone = Math.min(...builds.filter((e) => e.what === 'done').map((e) => e.at));
    expect(starts).toHaveLength(2);
    expect(Math.max(...starts)).toBeLessThan(firstDone);
  });

  it('one at a time by default for images built on this host', async () => {
    const f = runFixture({ delayMs: 200 });
    await f.run();
    const builds = f.packer.events().filter((e) => e.mode === 'build');
    const [first, second] = builds.filter((e) => e.what === 'start').map((e) => e.at);
    const firstDone = Math.min(...builds.filter((e) => e.what === 'done').map((e) => e.at));
    expect(second).toBeGreaterThanOrEqual(firstDone);
    expect(first).toBeLessThan(firstDone);
  });

  it('--dry-run writes the templates and changes nothing', async () => {
    const f = runFixture();
    const report = await f.run({}, {}, { dryRun: true });
    expect(report.exitCode).toBe(0);
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['plan', 'done'],
      ['build', 'done'],
      ['verify', 'skipped'],
      ['distribute', 'done'],
      ['lifecycle', 'done'],
      ['plan again', 'skipped'],
    ]);
    expect(f.packer.events()).toEqual([]);
    expect(await f.store('rack1')).toEqual([]);
    const work = path.join(f.dir, 'state', 'work');
    const templates = readdirSync(work).filter((d) => existsSync(path.join(work, d, 'image.pkr.json')));
    expect(templates.map((d) => d.replace(/-debian12-.*/, ''))).toEqual(['lab--ib-base', 'lab--ib-web']);
    expect(f.out.text).toContain('dry run: nothing is built, copied or changed');
  });

  it('names every missing tool in one message before building anything', async () => {
    const f = runFixture();
    const report = await f.run({}, { tools: (t) => !['packer', 'qemu-system-x86_64'].includes(t) });
    expect(report.exitCode).toBe(1);
    expect(report.errors).toEqual([
      'packer, qemu-system-x86_64 are not installed, and the builds need them: on Debian or Ubuntu, sudo apt-get install packer qemu-system-x86 ' +
        '(from a clone of image-builder: sudo bash scripts/setup.sh --system), then run again',
    ]);
    expect(f.packer.events()).toEqual([]);
  });
});
