/**
 * The shape of every workflow file: the reusable pipeline's job graph and
 * matrices, the workflow hygiene rules (read-only top-level permissions,
 * id-token only where a job logs in to a cloud, third-party actions pinned by
 * commit SHA, no expressions inside scripts, secrets passed by name), and the
 * chunk workflow that builds plans above one matrix. The callers in workflows/
 * and the project's CI are in callers.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
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
  name?: string;
  needs?: string | string[];
  if?: string;
  permissions?: Dict;
  uses?: string;
  with?: Dict;
  secrets?: Dict | string;
  strategy?: { matrix?: unknown; 'fail-fast'?: boolean; 'max-parallel'?: unknown };
  steps?: Step[];
  outputs?: Dict;
  'timeout-minutes'?: unknown;
  'continue-on-error'?: unknown;
  environment?: unknown;
}
interface Workflow {
  on: Dict;
  permissions?: Dict;
  concurrency?: Dict;
  jobs: Record<string, Job>;
}

const FILES = [
  ...readdirSync(path.join(ROOT, '.github/workflows')).map((f) => `.github/workflows/${f}`),
  ...readdirSync(path.join(ROOT, 'workflows')).map((f) => `workflows/${f}`),
]
  .filter((f) => f.endsWith('.yml'))
  .sort();

const text = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const load = (file: string): Workflow => parse(text(file)) as Workflow;
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : ([] as string[]).concat(job.needs));
const steps = (job: Job): Step[] => job.steps ?? [];
const LOGIN_ACTIONS = ['aws-actions/configure-aws-credentials', 'google-github-actions/auth', 'azure/login'];
/** The composite action that checks the credentials and runs LOGIN_ACTIONS (actions.test.ts), from the product checkout. */
const CLOUD_LOGIN = './.image-builder/.github/actions/cloud-login';
const CLOUD_LOGIN_FILE = '.github/actions/cloud-login/action.yml';
const logsIn = (job: Job): boolean =>
  steps(job).some((s) => s.uses === CLOUD_LOGIN || LOGIN_ACTIONS.some((a) => s.uses?.startsWith(`${a}@`)));
const REUSABLE = '.github/workflows/image-builder.yml';
const CHUNK = '.github/workflows/image-builder-build.yml';
/** The product's own reusable workflow as a user's repository calls it: at a release tag. */
const SELF_CALL = /^[A-Za-z0-9-]+\/multicloud-image-builder\/\.github\/workflows\/image-builder\.yml@v\d+(\.\d+){0,2}$/;

/** Every `uses:` line of a file, with its line number. */
function usesLines(file: string): { line: number; ref: string; comment: string }[] {
  return text(file)
    .split('\n')
    .flatMap((raw, i) => {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$/.exec(raw);
      return m ? [{ line: i + 1, ref: m[1], comment: m[2] ?? '' }] : [];
    });
}

it('finds the workflow files', () => {
  expect(FILES).toEqual(
    expect.arrayContaining([
      '.github/workflows/ci.yml',
      CHUNK,
      REUSABLE,
      'workflows/dispatch.yml',
      'workflows/nightly.yml',
      'workflows/pull-request.yml',
    ]),
  );
});

describe.each(FILES)('%s', (file) => {
  const wf = load(file);
  const jobs = Object.entries(wf.jobs);

  it('grants only contents: read at the top level', () => {
    expect(wf.permissions).toEqual({ contents: 'read' });
  });

  it('pins every third-party action by a full commit SHA with its version in a comment', () => {
    const lines = usesLines(file);
    expect(lines.length).toBeGreaterThan(0);
    for (const { line, ref, comment } of lines) {
      if (ref.startsWith('./') || ref.startsWith('$/')) continue;
      if (SELF_CALL.test(ref)) continue;
      expect({ line, ref, pinned: /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) }).toEqual({ line, ref, pinned: true });
      expect({ line, comment }).toEqual({ line, comment: expect.stringMatching(/^# v\d+\.\d+\.\d+$/) });
    }
  });

  it('keeps ${{ }} out of every script (values reach scripts through env:)', () => {
    for (const [id, job] of jobs) {
      for (const step of steps(job)) {
        const script = step.run ?? (step.uses?.startsWith('actions/github-script@') ? String(step.with?.script ?? '') : '');
        expect({ job: id, step: step.name ?? step.id, expression: script.includes('${{') }).toEqual({
          job: id,
          step: step.name ?? step.id,
          expression: false,
        });
      }
    }
  });

  it('passes secrets by name, never with secrets: inherit', () => {
    expect(text(file)).not.toMatch(/secrets:\s*inherit/);
    for (const [, job] of jobs) if (job.secrets !== undefined) expect(typeof job.secrets).toBe('object');
  });

  it('gives id-token: write exactly to the jobs that log in to a cloud or call the pipeline', () => {
    for (const [id, job] of jobs) {
      const callsPipeline = job.uses !== undefined && /\/image-builder(-build)?\.yml(@[\w.-]+)?$/.test(job.uses);
      const wants = logsIn(job) || callsPipeline;
      expect({ job: id, idToken: job.permissions?.['id-token'] ?? 'none' }).toEqual({ job: id, idToken: wants ? 'write' : 'none' });
    }
  });

  it('widens no other permission, except pull-requests: write for the job that comments and contents: write for the job that tags a release', () => {
    const allowed = [
      { file: 'workflows/pull-request.yml', job: 'comment', scope: 'pull-requests', level: 'write' },
      { file: '.github/workflows/release.yml', job: 'tag', scope: 'contents', level: 'write' },
    ];
    for (const [id, job] of jobs) {
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        if (scope === 'id-token' || level === 'read' || level === 'none') continue;
        expect(allowed).toContainEqual({ file, job: id, scope, level });
      }
    }
  });

  it('bounds every job that runs steps with a timeout', () => {
    for (const [id, job] of jobs)
      if (job.steps) expect({ job: id, timeout: job['timeout-minutes'] !== undefined }).toEqual({ job: id, timeout: true });
  });

  it('checks out without leaving the token in .git/config', () => {
    for (const [, job] of jobs) {
      for (const step of steps(job).filter((s) => s.uses?.startsWith('actions/checkout@')))
        expect(step.with?.['persist-credentials']).toBe(false);
    }
  });
});

describe('the reusable pipeline (image-builder.yml)', () => {
  const wf = load(REUSABLE);
  const call = wf.on.workflow_call as { inputs: Record<string, { type: string }>; secrets: Record<string, { required: boolean }> };
  const { plan, build, verify, distribute, lifecycle } = wf.jobs;
  const chunks = wf.jobs['build-chunks'];

  it('is callable with the documented inputs and optional named secrets', () => {
    expect(Object.keys(call.inputs)).toEqual(
      expect.arrayContaining([
        'topology',
        'clouds',
        'images',
        'dry-run',
        'delete',
        'force',
        'offline',
        'plan-only',
        'max-parallel',
        'max-cells',
        'packer-version',
        'runner',
      ]),
    );
    expect(call.inputs.delete).toMatchObject({ type: 'boolean', default: false });
    expect(call.inputs.environment).toMatchObject({ type: 'string', default: '' });
    expect(call.inputs['build-timeout']).toMatchObject({ type: 'number', default: 120 });
    expect(call.inputs['aws-role-duration-seconds']).toMatchObject({ type: 'number', default: 0 });
    expect(Object.keys(call.secrets).sort()).toEqual([
      'AWS_PLAN_ROLE_ARN',
      'AWS_ROLE_ARN',
      'AZURE_CLIENT_ID',
      'AZURE_PLAN_CLIENT_ID',
      'AZURE_SUBSCRIPTION_ID',
      'AZURE_TENANT_ID',
      'GCP_PLAN_SERVICE_ACCOUNT',
      'GCP_SERVICE_ACCOUNT',
      'GCP_WORKLOAD_IDENTITY_PROVIDER',
      'IMAGE_BUILDER_REPO_TOKEN',
      'OPENSTACK_CLOUDS_YAML',
      'OS_APPLICATION_CREDENTIAL_ID',
      'OS_APPLICATION_CREDENTIAL_SECRET',
      'OS_AUTH_URL',
    ]);
    for (const secret of Object.values(call.secrets)) expect(secret.required).toBe(false);
  });

  it('hands build-timeout to the action in every build and verification', () => {
    for (const job of [build, verify]) {
      const action = steps(job).find((s) => s.uses === './.image-builder')!;
      expect(action.with?.['build-timeout']).toBe('${{ inputs.build-timeout }}');
    }
  });

  it('runs the jobs that change the clouds in the environment the caller names, and a plan-only run in none', () => {
    for (const job of [build, verify, distribute, lifecycle]) expect(job.environment).toBe('${{ inputs.environment }}');
    expect(plan.environment).toBe("${{ !inputs.plan-only && inputs.environment || '' }}");
    expect(chunks.with?.environment).toBe('${{ inputs.environment }}');
  });

  it('runs plan -> build -> verify -> distribute -> lifecycle', () => {
    expect(needsOf(plan)).toEqual([]);
    expect(needsOf(build)).toEqual(['plan']);
    expect(needsOf(verify)).toEqual(expect.arrayContaining(['plan', 'build']));
    expect(needsOf(distribute)).toEqual(expect.arrayContaining(['plan', 'build', 'verify', 'build-chunks']));
    expect(needsOf(lifecycle)).toEqual(expect.arrayContaining(['distribute']));
    expect(needsOf(chunks)).toEqual(['plan']);
  });

  it('builds and verifies one job per cell of the plan matrix, skipped when there is nothing to build', () => {
    for (const job of [build, verify]) {
      expect(job.strategy).toEqual({
        'fail-fast': false,
        'max-parallel': '${{ inputs.max-parallel }}',
        matrix: '${{ fromJSON(needs.plan.outputs.matrix) }}',
      });
      expect(job.if).toContain("needs.plan.outputs.has-builds == 'true'");
      expect(job.if).toContain("needs.plan.outputs.chunk-count == '1'");
    }
    expect(plan.outputs).toMatchObject({
      matrix: '${{ steps.plan.outputs.matrix }}',
      'has-builds': '${{ steps.plan.outputs.has-builds }}',
      chunks: '${{ steps.plan.outputs.chunks }}',
      'chunk-count': '${{ steps.plan.outputs.chunk-count }}',
      providers: '${{ steps.plan.outputs.providers }}',
    });
  });

  it('builds a plan above one matrix chunk by chunk, through the sibling workflow at the same commit', () => {
    expect(chunks.if).toContain("needs.plan.outputs.chunk-count != '1'");
    expect(chunks.if).toContain("needs.plan.outputs.has-builds == 'true'");
    expect(chunks.strategy).toEqual({
      'fail-fast': false,
      'max-parallel': 1,
      matrix: { chunk: '${{ fromJSON(needs.plan.outputs.chunks) }}' },
    });
    expect(chunks.uses).toBe('$/.github/workflows/image-builder-build.yml');
    expect(chunks.with).toMatchObject({ chunk: '${{ matrix.chunk }}', 'max-cells': '${{ inputs.max-cells }}' });
    // Every secret but the plan identity's: a chunk never plans.
    expect(Object.keys(chunks.secrets as Dict).sort()).toEqual(
      Object.keys(call.secrets)
        .filter((n) => !n.includes('_PLAN_'))
        .sort(),
    );
    for (const [name, value] of Object.entries(chunks.secrets as Dict)) expect(value).toBe(`\${{ secrets.${name} }}`);
  });

  it('runs the action of its own repository at its own commit in every job', () => {
    for (const [id, job] of Object.entries(wf.jobs).filter(([, j]) => j.steps)) {
      const all = steps(job);
      const fetch = all.findIndex((s) => s.with?.path === '.image-builder');
      expect({ job: id, fetch: all[fetch]?.with }).toEqual({
        job: id,
        fetch: {
          repository: '${{ job.workflow_repository }}',
          ref: '${{ job.workflow_sha }}',
          token: '${{ secrets.IMAGE_BUILDER_REPO_TOKEN || github.token }}',
          path: '.image-builder',
          'persist-credentials': false,
        },
      });
      const runs = all.map((s, i) => ({ s, i })).filter(({ s }) => s.uses === './.image-builder');
      expect(runs.length).toBeGreaterThan(0);
      for (const { i } of runs) expect(i).toBeGreaterThan(fetch);
      // The cloud-login action is read from that checkout too: it must be on disk first.
      for (const { i } of all.map((s, i) => ({ s, i })).filter(({ s }) => s.uses?.startsWith('./.image-builder/'))) {
        expect({ job: id, login: i > fetch }).toEqual({ job: id, login: true });
      }
    }
  });

  it('gives each job its command', () => {
    const command = (job: Job) =>
      steps(job)
        .filter((s) => s.uses === './.image-builder')
        .map((s) => s.with?.command);
    expect(command(plan)).toEqual(['plan', 'plan']);
    expect(command(build)).toEqual(['build']);
    expect(command(verify)).toEqual(['verify']);
    expect(command(distribute)).toEqual(['distribute']);
    expect(command(lifecycle)).toEqual(['lifecycle']);
    const action = (job: Job) => steps(job).find((s) => s.uses === './.image-builder' && s.id !== 'scope')!.with!;
    expect(action(plan)).toMatchObject({ offline: '${{ inputs.offline }}', force: '${{ inputs.force }}', chunk: 0 });
    expect(action(build)).toMatchObject({ cell: '${{ toJSON(matrix) }}', 'dry-run': '${{ inputs.dry-run }}' });
    expect(action(verify)).toMatchObject({ cell: '${{ toJSON(matrix) }}' });
    expect(action(lifecycle)).toMatchObject({ delete: '${{ inputs.delete }}', 'dry-run': '${{ inputs.dry-run }}' });
    expect(action(distribute)).toMatchObject({ 'dry-run': '${{ inputs.dry-run }}' });
  });

  it('carries each result from build to verify to distribute and lifecycle as artifacts', () => {
    const upload = (job: Job, name: RegExp) =>
      steps(job).find((s) => s.uses?.startsWith('actions/upload-artifact@') && name.test(String(s.with?.name)));
    const built = upload(build, /built/)!;
    expect(built.with).toMatchObject({
      name: 'image-builder-built-${{ matrix.cloud }}--${{ matrix.name }}',
      // A dry run's stand-in (pipeline-scripts.test.ts), else what the build wrote.
      path: '${{ inputs.dry-run && steps.standin.outputs.file || steps.build.outputs.result-file }}',
    });
    const fetched = steps(verify).find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(fetched.with?.name).toBe(built.with?.name);
    const verified = upload(verify, /result/)!;
    expect(verified.if).toBe("steps.verify.outcome == 'success'");
    for (const job of [distribute, lifecycle]) {
      // Every result of the run, listed by name prefix through the REST API (pipeline-scripts.test.ts).
      const list = steps(job).find((s) => s.id === 'results')!;
      const prefix = /run-artifacts\.mjs (\S+)$/m.exec(String(list.run))![1];
      expect('image-builder-result-lab--ib-base-debian12-0123'.startsWith(prefix)).toBe(true);
      expect(verified.with?.name).toMatch(new RegExp(`^${prefix}`));
      for (const other of ['image-builder-built-lab--x', 'image-builder-rejected-lab--x', 'image-builder-plan'])
        expect(other.startsWith(prefix)).toBe(false);
      const all = steps(job).find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
      expect(all.with).toMatchObject({ 'merge-multiple': true, 'artifact-ids': '${{ steps.results.outputs.ids }}' });
      const action = steps(job).find((s) => s.uses === './.image-builder')!;
      expect(all.with?.path).toBe(`\${{ inputs.dry-run && 'image-builder-dry-run-results' || '${action.with?.results}' }}`);
      expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write', actions: 'read' });
    }
    expect(distribute.outputs).toEqual({ 'result-count': '${{ steps.results.outputs.count }}' });
    expect((wf.on.workflow_call as { outputs: Record<string, { value: string }> }).outputs['result-count'].value).toBe(
      '${{ jobs.distribute.outputs.result-count }}',
    );
    expect(upload(plan, /plan/)!.with).toMatchObject({ path: '${{ steps.plan.outputs.plan-file }}' });
  });

  it('verifies in a dry run too (the verification template of the stand-in), in both workflows', () => {
    const chunkVerify = load(CHUNK).jobs.verify;
    for (const job of [verify, chunkVerify]) {
      expect(job.if).not.toContain('dry-run');
      expect(steps(job).find((s) => s.id === 'verify')?.with?.['dry-run']).toBe('${{ inputs.dry-run }}');
    }
  });

  it('distributes what passed even when some builds failed, and promotes only after every copy', () => {
    expect(distribute.if).toContain('!cancelled()');
    expect(distribute.if).toContain("needs.plan.result == 'success'");
    expect(lifecycle.if).toContain("needs.distribute.result == 'success'");
    for (const job of [build, verify, chunks, distribute, lifecycle]) expect(job.if).toContain('!inputs.plan-only');
  });

  it('logs in only to the clouds the job uses, with the same steps in every job', () => {
    const block = (job: Job) => {
      const all = steps(job);
      const from = all.findIndex((s) => s.id === 'clouds');
      return all.slice(from + 1, from + 2);
    };
    const reference = block(build);
    expect(reference).toEqual([
      {
        name: 'Log in to the clouds in use',
        if: "steps.clouds.outputs.providers != '[]'",
        uses: CLOUD_LOGIN,
        with: {
          providers: '${{ steps.clouds.outputs.providers }}',
          'aws-role-arn': '${{ secrets.AWS_ROLE_ARN }}',
          'gcp-workload-identity-provider': '${{ secrets.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
          'gcp-service-account': '${{ secrets.GCP_SERVICE_ACCOUNT }}',
          'azure-client-id': '${{ secrets.AZURE_CLIENT_ID }}',
          'azure-tenant-id': '${{ secrets.AZURE_TENANT_ID }}',
          'azure-subscription-id': '${{ secrets.AZURE_SUBSCRIPTION_ID }}',
          'openstack-clouds-yaml': '${{ secrets.OPENSTACK_CLOUDS_YAML }}',
          'os-auth-url': '${{ secrets.OS_AUTH_URL }}',
          'os-application-credential-id': '${{ secrets.OS_APPLICATION_CREDENTIAL_ID }}',
          'os-application-credential-secret': '${{ secrets.OS_APPLICATION_CREDENTIAL_SECRET }}',
          'aws-region': '${{ inputs.aws-region }}',
          'aws-role-duration-seconds': '${{ env.LOGIN_AWS_SESSION_SECONDS }}',
          'azure-cloud': '${{ inputs.azure-cloud }}',
        },
      },
    ]);
    // The plan job logs in as the plan identity in a plan-only run, for a session of its own (actions.test.ts).
    expect(block(plan)[0].with).toEqual({
      ...reference[0].with,
      identity: "${{ inputs.plan-only && 'plan' || 'pipeline' }}",
      'aws-role-arn': '${{ inputs.plan-only && secrets.AWS_PLAN_ROLE_ARN || secrets.AWS_ROLE_ARN }}',
      'gcp-service-account': '${{ inputs.plan-only && secrets.GCP_PLAN_SERVICE_ACCOUNT || secrets.GCP_SERVICE_ACCOUNT }}',
      'azure-client-id': '${{ inputs.plan-only && secrets.AZURE_PLAN_CLIENT_ID || secrets.AZURE_CLIENT_ID }}',
      'aws-role-duration-seconds': '${{ steps.limits.outputs.plan-aws-session-seconds }}',
    });
    const action = (parse(text(CLOUD_LOGIN_FILE)) as { runs: { steps: Step[] } }).runs.steps;
    expect(action.map((s) => s.name)).toEqual([
      'Check the cloud credentials',
      'Log in to AWS',
      'Log in to Google Cloud',
      'Log in to Azure',
      'Log in to OpenStack',
    ]);
    expect(action[0].if).toBe("inputs.providers != '[]'");
    for (const [cloud, step] of [
      ['aws', action[1]],
      ['gcp', action[2]],
      ['azure', action[3]],
      ['openstack', action[4]],
    ] as const) {
      expect(step.if).toBe(`contains(fromJSON(inputs.providers), '${cloud}')`);
    }
    for (const job of [verify, distribute, lifecycle]) expect(block(job)).toEqual(reference);
    for (const job of Object.values(wf.jobs)) expect(steps(job).filter((s) => s.uses === CLOUD_LOGIN).length).toBe(logsIn(job) ? 1 : 0);
    const scope = (job: Job) => steps(job).find((s) => s.id === 'clouds')!.env!.SCOPE;
    expect(scope(plan)).toBe("${{ !inputs.offline && steps.scope.outputs.providers || '[]' }}");
    expect(scope(build)).toBe(`\${{ format('["{0}"]', matrix.provider) }}`);
    expect(scope(distribute)).toBe('${{ needs.plan.outputs.providers }}');
    expect(scope(lifecycle)).toBe('${{ needs.plan.outputs.providers }}');
  });

  it('never runs two pipelines of one topology at once, and never cancels one halfway', () => {
    expect(wf.concurrency?.['cancel-in-progress']).toBe(false);
    expect(wf.concurrency?.group).toMatch(/\|\| format\('image-builder-\{0\}-\{1\}', github\.repository, inputs\.topology\) \}\}$/);
  });

  it('keys plans and dry runs by topology and ref, apart from real runs and from each other', () => {
    expect(wf.concurrency?.group).toBe(
      "${{ inputs.plan-only && format('image-builder-plan-{0}-{1}-{2}', github.repository, inputs.topology, github.ref)" +
        " || inputs.dry-run && format('image-builder-dry-run-{0}-{1}-{2}', github.repository, inputs.topology, github.ref)" +
        " || format('image-builder-{0}-{1}', github.repository, inputs.topology) }}",
    );
  });
});

describe('the chunk workflow (image-builder-build.yml)', () => {
  const wf = load(CHUNK);
  const main = load(REUSABLE);

  it('builds and verifies with exactly the steps of the main pipeline', () => {
    expect(wf.jobs.build.steps).toEqual(main.jobs.build.steps);
    expect(wf.jobs.verify.steps).toEqual(main.jobs.verify.steps);
  });

  it('takes its matrix from the chunk slice of the plan file, skipped when the slice is empty', () => {
    expect(needsOf(wf.jobs.build)).toEqual(['cells']);
    expect(needsOf(wf.jobs.verify)).toEqual(['cells', 'build']);
    for (const job of [wf.jobs.build, wf.jobs.verify]) {
      expect(job.strategy).toMatchObject({ 'fail-fast': false, matrix: '${{ fromJSON(needs.cells.outputs.matrix) }}' });
      expect(job.if).toContain("needs.cells.outputs.has-builds == 'true'");
    }
  });

  it('accepts every input and secret the main pipeline passes', () => {
    const call = wf.on.workflow_call as { inputs: Dict; secrets: Dict };
    const passes = main.jobs['build-chunks'];
    expect(Object.keys(call.inputs).sort()).toEqual(Object.keys(passes.with!).sort());
    expect(Object.keys(call.secrets).sort()).toEqual(Object.keys(passes.secrets as Dict).sort());
  });
});
