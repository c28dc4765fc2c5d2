/**
 * The ready-to-copy callers in workflows/ (nightly, dispatch, pull request) and
 * the project's own CI: what they call, pass and assert.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

type Dict = Record<string, unknown>;
interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Dict;
  env?: Dict;
}
interface Job {
  needs?: string | string[];
  if?: string;
  permissions?: Dict;
  uses?: string;
  with?: Dict;
  secrets?: Dict;
  steps?: Step[];
}
interface Workflow {
  on: Dict;
  jobs: Record<string, Job>;
}

const load = (file: string): Workflow => parse(readFileSync(path.join(ROOT, file), 'utf8')) as Workflow;
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : ([] as string[]).concat(job.needs));
const steps = (job: Job): Step[] => job.steps ?? [];
const REUSABLE = '.github/workflows/image-builder.yml';
/** The product's own reusable workflow as a user's repository calls it: at a release tag. */
const SELF_CALL = /^[A-Za-z0-9-]+\/multicloud-image-builder\/\.github\/workflows\/image-builder\.yml@v\d+(\.\d+){0,2}$/;

describe('the callers in workflows/', () => {
  const reusable = load(REUSABLE).on.workflow_call as { inputs: Dict; secrets: Dict };
  const callers = ['workflows/nightly.yml', 'workflows/dispatch.yml', 'workflows/pull-request.yml'];

  it.each(callers)('%s calls the pipeline at a release tag with known inputs and secrets', (file) => {
    const jobs = Object.values(load(file).jobs).filter((j) => j.uses);
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job.uses).toMatch(SELF_CALL);
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    for (const key of Object.keys(job.with ?? {})) expect(Object.keys(reusable.inputs)).toContain(key);
    for (const key of Object.keys(job.secrets as Dict)) expect(Object.keys(reusable.secrets)).toContain(key);
  });

  it('nightly runs on a schedule', () => {
    expect(load('workflows/nightly.yml').on).toEqual({ schedule: [{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }] });
  });

  it('dispatch takes clouds, images, dry-run, force and delete and hands them on', () => {
    const wf = load('workflows/dispatch.yml');
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; default: unknown }> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(['clouds', 'delete', 'dry-run', 'force', 'images']);
    expect(inputs.delete).toMatchObject({ type: 'boolean', default: false });
    for (const name of Object.keys(inputs)) expect(wf.jobs.images.with?.[name]).toBe(`\${{ inputs.${name} }}`);
  });

  it('pull-request only plans, offline for forks, and comments with pull-requests: write in that job alone', () => {
    const wf = load('workflows/pull-request.yml');
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.jobs.plan.with).toMatchObject({ 'plan-only': true, offline: '${{ github.event.pull_request.head.repo.fork }}' });
    expect(wf.jobs.comment.permissions).toEqual({ 'pull-requests': 'write' });
    expect(needsOf(wf.jobs.comment)).toEqual(['plan']);
    expect(wf.jobs.comment.if).toContain('!github.event.pull_request.head.repo.fork');
    expect(steps(wf.jobs.comment)[0].uses).toMatch(/^actions\/github-script@[0-9a-f]{40}$/);
  });
});

describe("the project's CI (ci.yml)", () => {
  const wf = load('.github/workflows/ci.yml');
  const runs = (job: Job) =>
    steps(job)
      .map((s) => s.run ?? '')
      .join('\n');

  it('runs the tests, the typecheck and check-dist', () => {
    expect(runs(wf.jobs.test)).toContain('bash scripts/test.sh');
    expect(runs(wf.jobs.lint)).toContain('npx tsc --noEmit');
    expect(runs(wf.jobs['check-dist'])).toMatch(/npm run build[\s\S]*git diff --exit-code[^\n]*dist/);
  });

  it('runs the action from the checkout and asserts its plan outputs', () => {
    const [plan] = steps(wf.jobs['self-test']).filter((s) => s.uses === './');
    expect(plan.with).toMatchObject({ command: 'plan', topology: 'examples/local/topology.yml' });
    expect(existsSync(path.join(ROOT, 'examples/local/topology.yml'))).toBe(true);
    const check = steps(wf.jobs['self-test']).find((s) => s.name === "Check the plan's outputs")!;
    for (const output of ['has-builds', 'build-count', 'copy-count', 'chunk-count', 'chunks', 'providers', 'matrix', 'plan-file']) {
      expect(Object.values(check.env ?? {})).toContain(`\${{ steps.plan.outputs.${output} }}`);
    }
  });

  it('requires the action to fail on a broken topology', () => {
    const job = wf.jobs['self-test-broken'];
    const broken = steps(job).find((s) => s.id === 'broken')!;
    expect(broken).toMatchObject({ uses: './', 'continue-on-error': true });
    expect(existsSync(path.join(ROOT, String(broken.with?.topology)))).toBe(true);
    expect(steps(job).at(-1)!.env).toEqual({ OUTCOME: '${{ steps.broken.outcome }}' });
    expect(steps(job).at(-1)!.run).toContain('"$OUTCOME" != failure');
  });

  it('runs the reusable workflow itself in dry-run', () => {
    expect(wf.jobs.workflow).toMatchObject({ uses: './.github/workflows/image-builder.yml', with: { 'dry-run': true } });
  });
});
