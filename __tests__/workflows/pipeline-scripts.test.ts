/**
 * The scripts the reusable pipeline added around the action, run for real as
 * GitHub runs them: the job limits the plan job works out from build-timeout
 * (expressions cannot add), the stand-in result a dry build hands to verify,
 * and the check that every listed result arrived in distribute and lifecycle.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bash, describeWith, load, step, type Step } from './run-step.js';
import { readResults, resultFile } from '../../src/commands/results.js';
import type { BuildCell } from '../../src/plan/types.js';

const MAIN = '.github/workflows/image-builder.yml';
const CHUNK = '.github/workflows/image-builder-build.yml';

describeWith(['bash'], 'the job limits (plan job)', () => {
  const limits = step(MAIN, 'plan', 'limits').run!;
  const run = (buildTimeout: string, awsDuration: string) => bash(limits, { BUILD_TIMEOUT: buildTimeout, AWS_DURATION: awsDuration });

  it('gives build and verify jobs build-timeout + 45 minutes, and an AWS session as long, by default', () => {
    const r = run('120', '0');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ 'packer-job-minutes': '165', 'aws-session-seconds': '9900', 'plan-aws-session-seconds': '3600' });
    expect(r.out).not.toContain('::warning');
  });

  it("keeps an automatic AWS session within AWS's 1 to 12 hours", () => {
    expect(run('5', '0').outputs).toMatchObject({ 'packer-job-minutes': '50', 'aws-session-seconds': '3600' });
    expect(run('700', '0').outputs).toMatchObject({ 'packer-job-minutes': '745', 'aws-session-seconds': '43200' });
  });

  it('takes an explicit AWS session for every job, and warns when it is shorter than a build job', () => {
    const r = run('120', '14400');
    expect(r.outputs).toEqual({ 'packer-job-minutes': '165', 'aws-session-seconds': '14400', 'plan-aws-session-seconds': '14400' });
    expect(r.out).not.toContain('::warning');
    const short = run('120', '3600');
    expect(short.code).toBe(0);
    expect(short.out).toContain(
      '::warning title=image-builder::an AWS session of 3600 s is shorter than a build job may run (165 minutes)',
    );
  });

  it('warns when a job could outlast the 360 minutes of a GitHub-hosted runner', () => {
    const r = run('330', '0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('::warning title=image-builder::build and verify jobs may run 375 minutes (build-timeout 330 + 45)');
  });

  it.each([
    ['0', '0', "build-timeout is '0': write a whole number of minutes from 1 to 9999"],
    ['90.5', '0', "build-timeout is '90.5': write a whole number of minutes"],
    ['', '0', "build-timeout is '': write a whole number of minutes"],
    ['120', '-1', "aws-role-duration-seconds is '-1': write 0 (as long as a build job) or a whole number of seconds from 900 to 43200"],
    ['120', '600', "aws-role-duration-seconds is 600: AWS takes 900 to 43200 seconds, and at most the role's maximum session duration"],
    ['120', '50000', 'aws-role-duration-seconds is 50000: AWS takes 900 to 43200 seconds'],
  ])('refuses build-timeout %j with aws-role-duration-seconds %j', (buildTimeout, awsDuration, message) => {
    const r = run(buildTimeout, awsDuration);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`::error title=image-builder::${message}`);
    expect(r.outputs).toEqual({});
  });

  it('is what the build and verify jobs of both workflows are bounded by, and what their logins last', () => {
    const main = load(MAIN).jobs as Record<
      string,
      { 'timeout-minutes'?: unknown; env?: Record<string, unknown>; with?: Record<string, unknown> }
    >;
    const plan = load(MAIN).jobs.plan as { outputs?: Record<string, string> };
    expect(plan.outputs).toMatchObject({
      'packer-job-minutes': '${{ steps.limits.outputs.packer-job-minutes }}',
      'aws-session-seconds': '${{ steps.limits.outputs.aws-session-seconds }}',
    });
    for (const id of ['build', 'verify']) {
      expect(main[id]['timeout-minutes']).toBe('${{ fromJSON(needs.plan.outputs.packer-job-minutes) }}');
      expect(main[id].env?.LOGIN_AWS_SESSION_SECONDS).toBe('${{ needs.plan.outputs.aws-session-seconds }}');
    }
    for (const id of ['distribute', 'lifecycle'])
      expect(main[id].env?.LOGIN_AWS_SESSION_SECONDS).toBe('${{ needs.plan.outputs.aws-session-seconds }}');
    expect(main['build-chunks'].with).toMatchObject({
      'build-timeout': '${{ inputs.build-timeout }}',
      'job-timeout-minutes': '${{ fromJSON(needs.plan.outputs.packer-job-minutes) }}',
      'aws-role-duration-seconds': '${{ fromJSON(needs.plan.outputs.aws-session-seconds) }}',
    });
    const chunk = load(CHUNK).jobs as typeof main;
    for (const id of ['build', 'verify']) {
      expect(chunk[id]['timeout-minutes']).toBe('${{ inputs.job-timeout-minutes }}');
      expect(chunk[id].env?.LOGIN_AWS_SESSION_SECONDS).toBe('${{ inputs.aws-role-duration-seconds }}');
    }
    expect(step(MAIN, 'plan', 'Log in to the clouds in use').with?.['aws-role-duration-seconds']).toBe(
      '${{ steps.limits.outputs.plan-aws-session-seconds }}',
    );
  });
});

describeWith(['bash', 'jq'], "a dry build's stand-in result", () => {
  const standin = step(MAIN, 'build', 'standin');
  const cell: BuildCell = {
    cloud: 'lab',
    provider: 'local',
    image: 'base',
    os: 'debian12',
    fingerprint: '8192a97c695028cfd7293381bae642d3',
    name: 'ib-base-debian12-8192a97c695028cf',
    region: 'rack1',
    regions: ['rack1', 'rack2'],
  };

  it('is a build result verify reads, under the name build would give it, and only in a dry run', async () => {
    expect(standin.if).toBe('inputs.dry-run');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-standin-'));
    const r = bash(standin.run!, { CELL: JSON.stringify(cell), RESULTS: 'image-builder-results' }, dir);
    expect(r.code).toBe(0);
    const results = path.join(dir, 'image-builder-results');
    expect(r.outputs.file).toBe(path.relative(dir, resultFile(results, cell)));
    const [read, ...more] = await readResults(results);
    expect(more).toEqual([]);
    expect(read).toEqual({
      ...cell,
      version: 1,
      imageId: 'dry-run',
      builtAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      durationSeconds: 0,
      packerVersion: '',
      verified: 'unverified',
    });
  });

  it('goes to verify in place of a real result, which the dry run does not make', () => {
    const keep = step(MAIN, 'build', 'Keep the result for verify');
    expect(keep.if).toBeUndefined();
    expect(keep.with?.path).toBe('${{ inputs.dry-run && steps.standin.outputs.file || steps.build.outputs.result-file }}');
    expect(step(MAIN, 'verify', 'verify').with).toMatchObject({ 'dry-run': '${{ inputs.dry-run }}' });
  });
});

describeWith(['bash'], 'the check that every listed result arrived (distribute, lifecycle)', () => {
  const check = step(MAIN, 'distribute', 'Check that every verified result arrived').run!;
  const folder = (files: number) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-arrived-'));
    mkdirSync(path.join(dir, 'nested'));
    for (let i = 0; i < files; i++) writeFileSync(path.join(dir, i % 2 ? 'nested' : '', `lab--ib-r${i}.json`), '{}');
    writeFileSync(path.join(dir, 'notes.txt'), 'not a result');
    return dir;
  };

  it('passes when as many results arrived as were listed, and when none were', () => {
    expect(bash(check, { RESULTS: folder(3), COUNT: '3' })).toMatchObject({ code: 0, out: expect.stringContaining('3 verified results') });
    expect(bash(check, { RESULTS: '/nonexistent/image-builder-results', COUNT: '0' }).code).toBe(0);
  });

  it('fails naming both counts when one is missing', () => {
    const dir = folder(2);
    const r = bash(check, { RESULTS: dir, COUNT: '3' });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`::error title=image-builder::3 verified results were listed, but 2 arrived in ${dir}`);
    expect(readdirSync(dir)).toContain('notes.txt');
  });

  it('is the same three steps in distribute and lifecycle: list through the API, fetch by id, check', () => {
    const handOff = (job: string): Step[] => {
      const steps = load(MAIN).jobs[job].steps!;
      const at = steps.findIndex((s) => s.id === 'results');
      return steps.slice(at, at + 3);
    };
    const [list, fetch, arrived] = handOff('distribute');
    expect(handOff('lifecycle')).toEqual([list, fetch, arrived]);
    expect(list.run).toContain('node .image-builder/scripts/run-artifacts.mjs image-builder-result-');
    expect(list.env).toEqual({ GITHUB_TOKEN: '${{ github.token }}' });
    expect(fetch.uses).toMatch(/^actions\/download-artifact@[0-9a-f]{40}$/);
    expect(fetch.if).toBe("steps.results.outputs.count != '0'");
    expect(fetch.env).toEqual({ ACTIONS_ARTIFACT_MAX_ARTIFACT_COUNT: '${{ steps.results.outputs.list-limit }}' });
    expect(fetch.with).toEqual({
      'artifact-ids': '${{ steps.results.outputs.ids }}',
      'github-token': '${{ github.token }}',
      'merge-multiple': true,
      path: "${{ inputs.dry-run && 'image-builder-dry-run-results' || 'image-builder-results' }}",
    });
    expect(arrived.env).toEqual({ RESULTS: fetch.with?.path, COUNT: '${{ steps.results.outputs.count }}' });
  });
});

describeWith(['bash'], "ci.yml's check of what both calls of the pipeline handed on", () => {
  const check = step('.github/workflows/ci.yml', 'workflow-outputs', 'Check the outputs of both calls').run!;
  const good = {
    WHOLE_BUILDS: '2',
    WHOLE_CHUNKS: '1',
    WHOLE_RESULTS: '2',
    CHUNKED_BUILDS: '2',
    CHUNKED_CHUNKS: '2',
    CHUNKED_RESULTS: '2',
  };

  it('holds for two builds, whole and in two chunks, each handing on two results', () => {
    expect(bash(check, good)).toMatchObject({
      code: 0,
      out: expect.stringContaining('both calls built, verified and handed on 2 results'),
    });
  });

  it.each([
    ['CHUNKED_CHUNKS', '1', "the chunked call made '1' chunks, expected 2 (max-cells: 1)"],
    ['WHOLE_RESULTS', '0', "distribute of the whole call received '0' results, expected 2"],
    ['CHUNKED_RESULTS', '', "distribute of the chunked call received '' results, expected 2"],
  ])('fails when %s is %j', (name, value, message) => {
    const r = bash(check, { ...good, [name]: value });
    expect(r.code).toBe(1);
    expect(r.out).toContain(`::error title=workflow::${message}`);
  });
});
