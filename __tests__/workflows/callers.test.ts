/**
 * The ready-to-copy callers in workflows/ (nightly, dispatch, pull request) and
 * the project's own CI: what they call, pass and assert.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
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
  secrets?: Dict | string;
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
const CHUNK = '.github/workflows/image-builder-build.yml';
/** The product's own reusable workflow as a user's repository calls it: at a release tag. */
const SELF_CALL = /^[A-Za-z0-9-]+\/multicloud-image-builder\/\.github\/workflows\/image-builder\.yml@v\d+(\.\d+){0,2}$/;

/** The workflows of this repository that other jobs call, by how a caller names them. */
function calledFile(uses: string): string | undefined {
  if (SELF_CALL.test(uses) || uses === `./${REUSABLE}`) return REUSABLE;
  if (uses === `$/${CHUNK}` || uses === `./${CHUNK}`) return CHUNK;
  return undefined;
}

type Input = { type: 'string' | 'number' | 'boolean'; required?: boolean; default?: unknown };
type Call = { inputs: Record<string, Input>; secrets: Record<string, { required?: boolean }> };
const RANK: Record<string, number> = { none: 0, read: 1, write: 2 };

/** Every job, in workflows/ and .github/workflows/, that calls the pipeline or its chunk workflow. */
const CALLERS = [
  ...readdirSync(path.join(ROOT, 'workflows')).map((f) => `workflows/${f}`),
  ...readdirSync(path.join(ROOT, '.github/workflows')).map((f) => `.github/workflows/${f}`),
]
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .flatMap((file) =>
    Object.entries(load(file).jobs)
      .filter(([, job]) => job.uses !== undefined && calledFile(job.uses) !== undefined)
      .map(([id, job]) => ({ file, id, job, called: calledFile(job.uses!)! })),
  );

describe('every call of the pipeline, in workflows/ and .github/workflows/', () => {
  it('finds the ready-made callers, the CI calls and the chunk call', () => {
    expect(CALLERS.map((c) => `${c.file} ${c.id}`)).toEqual(
      expect.arrayContaining([
        'workflows/nightly.yml images',
        'workflows/dispatch.yml images',
        'workflows/pull-request.yml plan',
        '.github/workflows/ci.yml workflow',
        '.github/workflows/ci.yml workflow-chunked',
        `${REUSABLE} build-chunks`,
      ]),
    );
  });

  describe.each(CALLERS.map((c) => [`${c.file} ${c.id}`, c] as const))('%s', (_, { job, called }) => {
    const call = load(called).on.workflow_call as Call;

    it('passes only inputs the called workflow declares, every required one, each of its type', () => {
      const given = job.with ?? {};
      for (const key of Object.keys(given)) expect(Object.keys(call.inputs)).toContain(key);
      for (const [name, input] of Object.entries(call.inputs)) if (input.required) expect(given).toHaveProperty([name]);
      for (const [name, value] of Object.entries(given)) {
        const expression = typeof value === 'string' && /^\$\{\{.*\}\}$/.test(value.trim());
        const type = call.inputs[name]?.type;
        expect({ name, ok: expression || typeof value === type }).toEqual({ name, ok: true });
      }
    });

    it('passes only secrets the called workflow declares, every required one, each by name', () => {
      const given = (typeof job.secrets === 'object' ? job.secrets : {}) as Dict;
      expect(typeof job.secrets === 'string').toBe(false);
      for (const key of Object.keys(given)) expect(Object.keys(call.secrets)).toContain(key);
      for (const [name, secret] of Object.entries(call.secrets)) if (secret.required) expect(given).toHaveProperty([name]);
      for (const [name, value] of Object.entries(given)) expect(value).toBe(`\${{ secrets.${name} }}`);
    });

    it('grants every permission the called jobs ask for (a called workflow can only lower them)', () => {
      const asked: Record<string, string> = {};
      for (const inner of Object.values(load(called).jobs))
        for (const [scope, level] of Object.entries(inner.permissions ?? {}))
          if ((RANK[String(level)] ?? 0) > (RANK[asked[scope]] ?? 0)) asked[scope] = String(level);
      for (const [scope, level] of Object.entries(asked))
        expect({ scope, granted: RANK[String(job.permissions?.[scope] ?? 'none')] >= RANK[level] }).toEqual({ scope, granted: true });
    });
  });
});

describe('the callers in workflows/', () => {
  const callers = ['workflows/nightly.yml', 'workflows/dispatch.yml', 'workflows/pull-request.yml'];

  it.each(callers)('%s calls the pipeline at a release tag, with the permissions it needs and no more', (file) => {
    const jobs = Object.values(load(file).jobs).filter((j) => j.uses);
    expect(jobs).toHaveLength(1);
    const [job] = jobs;
    expect(job.uses).toMatch(SELF_CALL);
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', actions: 'read' });
  });

  it('nightly and dispatch log in as the pipeline, the pull request plan as the plan identity only', () => {
    const secrets = (file: string) => Object.keys(Object.values(load(file).jobs).find((j) => j.uses)!.secrets ?? {});
    for (const file of ['workflows/nightly.yml', 'workflows/dispatch.yml'])
      expect(secrets(file).some((n) => n.includes('_PLAN_'))).toBe(false);
    expect(secrets('workflows/pull-request.yml').sort()).toEqual([
      'AWS_PLAN_ROLE_ARN',
      'AZURE_PLAN_CLIENT_ID',
      'AZURE_SUBSCRIPTION_ID',
      'AZURE_TENANT_ID',
      'GCP_PLAN_SERVICE_ACCOUNT',
      'GCP_WORKLOAD_IDENTITY_PROVIDER',
    ]);
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

  it('pull-request only plans, offline unless the head is this repository and the author not Dependabot, and comments with pull-requests: write in that job alone', () => {
    const wf = load('workflows/pull-request.yml');
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.jobs.plan.with).toMatchObject({
      'plan-only': true,
      offline: "${{ github.event.pull_request.head.repo.full_name != github.repository || github.actor == 'dependabot[bot]' }}",
    });
    expect(wf.jobs.comment.permissions).toEqual({ 'pull-requests': 'write' });
    expect(needsOf(wf.jobs.comment)).toEqual(['plan']);
    expect(wf.jobs.comment.if).toBe('${{ !cancelled() && github.event.pull_request.head.repo.full_name == github.repository }}');
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
    expect(runs(wf.jobs.lint)).toContain('npm run typecheck');
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

  it('calls the reusable workflow in dry-run, whole and in chunks of one build (the $/ call), one after the other', () => {
    expect(wf.jobs.workflow).toMatchObject({ uses: './.github/workflows/image-builder.yml', with: { 'dry-run': true } });
    expect(wf.jobs.workflow.with?.['max-cells']).toBeUndefined();
    expect(wf.jobs['workflow-chunked']).toMatchObject({
      uses: './.github/workflows/image-builder.yml',
      with: { topology: wf.jobs.workflow.with?.topology, 'dry-run': true, 'max-cells': 1 },
    });
    // Both calls name their artifacts alike, in one run: never at the same time.
    expect(needsOf(wf.jobs['workflow-chunked'])).toEqual(['workflow']);
  });

  it('asserts what both calls planned and handed on to distribute', () => {
    const job = wf.jobs['workflow-outputs'];
    expect(needsOf(job).sort()).toEqual(['workflow', 'workflow-chunked']);
    const env = steps(job)[0].env ?? {};
    for (const [call, prefix] of [
      ['workflow', 'WHOLE'],
      ['workflow-chunked', 'CHUNKED'],
    ])
      expect(env).toMatchObject({
        [`${prefix}_BUILDS`]: `\${{ needs.${call}.outputs.build-count }}`,
        [`${prefix}_CHUNKS`]: `\${{ needs.${call}.outputs.chunk-count }}`,
        [`${prefix}_RESULTS`]: `\${{ needs.${call}.outputs.result-count }}`,
      });
    expect(steps(job)[0].run).toContain('[ "$CHUNKED_CHUNKS" = 2 ]');
  });
});
