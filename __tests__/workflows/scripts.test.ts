/**
 * The scripts inside the workflows and the composite actions they use, run for
 * real: each is read from its YAML file and run the way GitHub runs it (bash -eo pipefail, values in env), or,
 * for the pull-request comment, as github-script runs it with a fake GitHub API.
 * Needs bash, jq and shellcheck (Debian packages; jq and shellcheck are on
 * GitHub's runners too): where one is missing its tests are skipped with a
 * reason, except under CI, where they fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, actionStep, bash, describeWith, load, loadAction, step } from './run-step.js';
import { chunkBuilds } from '../../src/plan/matrix.js';
import type { BuildCell } from '../../src/plan/types.js';
import { runPlan } from '../../src/commands/plan.js';
import { parseInputs } from '../../src/io/inputs.js';
import type { Reporter } from '../../src/io/reporter.js';

/** The composite action that checks the credentials and logs in, and its path as the jobs use it. */
const CLOUD_LOGIN = '.github/actions/cloud-login/action.yml';
const CLOUD_LOGIN_USES = './.image-builder/.github/actions/cloud-login';

const cell = (i: number): BuildCell => ({
  cloud: `c${i % 7}`,
  provider: 'aws',
  image: `r${i}`,
  os: 'debian12',
  fingerprint: `f${i}`,
  name: `ib-r${i}-debian12-f${i}`,
  region: 'eu-west-1',
  regions: ['eu-west-1'],
});

describeWith(['bash', 'jq'], 'the chunk slice (image-builder-build.yml)', () => {
  const slice = step('.github/workflows/image-builder-build.yml', 'cells', 'slice').run!;
  const builds = Array.from({ length: 600 }, (_, i) => cell(i));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-plan-'));
  writeFileSync(path.join(dir, 'image-builder-plan.json'), JSON.stringify({ version: 1, builds, copies: [], retirements: [] }));

  it.each([
    [0, 256],
    [1, 256],
    [2, 256],
    [0, 100],
    [5, 100],
    [0, 1],
  ])("chunk %i of %i cells is the action's own chunk", (chunk, size) => {
    const r = bash(slice, { PLAN_DIR: dir, CHUNK: String(chunk), MAX_CELLS: String(size) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.outputs.matrix)).toEqual({ include: chunkBuilds(builds, size)[chunk] });
    expect(r.outputs['has-builds']).toBe('true');
  });

  it('says there is nothing to build past the last chunk', () => {
    const r = bash(slice, { PLAN_DIR: dir, CHUNK: '3', MAX_CELLS: '256' });
    expect(r.outputs).toEqual({ matrix: '{"include":[]}', 'has-builds': 'false' });
  });
});

describeWith(['bash', 'jq'], 'the credential check (the cloud-login action of every job that logs in)', () => {
  const check = actionStep(CLOUD_LOGIN, 'Check the cloud credentials').run!;
  const none = {
    HAS_AWS_ROLE_ARN: 'false',
    HAS_GCP_WORKLOAD_IDENTITY_PROVIDER: 'false',
    HAS_GCP_SERVICE_ACCOUNT: 'false',
    HAS_AZURE_CLIENT_ID: 'false',
    HAS_AZURE_TENANT_ID: 'false',
    HAS_OPENSTACK_CLOUDS_YAML: 'false',
    HAS_OS_AUTH_URL: 'false',
    HAS_OS_APPLICATION_CREDENTIAL_ID: 'false',
    HAS_OS_APPLICATION_CREDENTIAL_SECRET: 'false',
  };

  it('passes when every cloud in use has its secrets, and for the local provider alone', () => {
    expect(
      bash(check, {
        ...none,
        PROVIDERS: '["aws","gcp"]',
        HAS_AWS_ROLE_ARN: 'true',
        HAS_GCP_WORKLOAD_IDENTITY_PROVIDER: 'true',
        HAS_GCP_SERVICE_ACCOUNT: 'true',
      }).code,
    ).toBe(0);
    expect(bash(check, { ...none, PROVIDERS: '["local"]' }).code).toBe(0);
  });

  it('fails naming exactly the missing secrets of the clouds in use', () => {
    const r = bash(check, { ...none, PROVIDERS: '["azure","gcp","local"]', HAS_GCP_SERVICE_ACCOUNT: 'true', HAS_AZURE_TENANT_ID: 'true' });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '::error title=image-builder::the selected images live in ["azure","gcp","local"] but these secrets are empty: GCP_WORKLOAD_IDENTITY_PROVIDER, AZURE_CLIENT_ID. ' +
        'Pass them in the secrets: block of the job that calls this workflow (docs/workflows.md).\n',
    );
    expect(r.out).not.toContain('AWS_ROLE_ARN');
  });

  it("names the plan identity's secret first in a plan-only run, and says how to plan without one", () => {
    const r = bash(check, { ...none, IDENTITY: 'plan', PROVIDERS: '["aws","azure","gcp"]', HAS_AZURE_TENANT_ID: 'true' });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'these secrets are empty: AWS_PLAN_ROLE_ARN (or AWS_ROLE_ARN), GCP_WORKLOAD_IDENTITY_PROVIDER, ' +
        'GCP_PLAN_SERVICE_ACCOUNT (or GCP_SERVICE_ACCOUNT), AZURE_PLAN_CLIENT_ID (or AZURE_CLIENT_ID).',
    );
    expect(r.out).toContain('A plan-only run (pull requests) logs in with the read-only plan identity');
    expect(r.out).toContain('offline: true');
    expect(bash(check, { ...none, IDENTITY: 'pipeline', PROVIDERS: '["aws"]' }).out).not.toContain('plan identity');
  });

  it('is the same script in every job that logs in: each runs it through the one cloud-login action', () => {
    expect(actionStep(CLOUD_LOGIN, 'Check the cloud credentials').shell).toBe('bash');
    // The check, and the OpenStack login (openstack-login.test.ts), which has no login action to call.
    expect(
      loadAction(CLOUD_LOGIN)
        .runs.steps!.filter((s) => s.run !== undefined)
        .map((s) => s.name),
    ).toEqual(['Check the cloud credentials', 'Log in to OpenStack']);
    const jobs = [
      ...['plan', 'build', 'verify', 'distribute', 'lifecycle'].map((job) => ['.github/workflows/image-builder.yml', job] as const),
      ...['build', 'verify'].map((job) => ['.github/workflows/image-builder-build.yml', job] as const),
    ];
    for (const [file, job] of jobs) {
      const all = load(file).jobs[job].steps ?? [];
      expect({ file, job, logins: all.filter((s) => s.uses === CLOUD_LOGIN_USES).length }).toEqual({ file, job, logins: 1 });
      expect({ file, job, ownCheck: all.some((s) => s.name === 'Check the cloud credentials') }).toEqual({ file, job, ownCheck: false });
    }
  });

  it('treats a missing scope as no cloud at all', () => {
    const clouds = step('.github/workflows/image-builder.yml', 'distribute', 'clouds').run!;
    expect(bash(clouds, { SCOPE: '' }).outputs).toEqual({ providers: '[]' });
    expect(bash(clouds, { SCOPE: '["aws"]' }).outputs).toEqual({ providers: '["aws"]' });
  });
});

describeWith(['bash', 'jq'], "ci.yml's assertions on the plan outputs", () => {
  const check = step('.github/workflows/ci.yml', 'self-test', "Check the plan's outputs").run!;
  let env: Record<string, string>;

  beforeAll(async () => {
    // Offline: on CI's clean checkout the local store is empty, so the online
    // plan there equals this one; here a developer's .images may hold builds.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-ci-plan-'));
    const raw: Record<string, string> = {
      command: 'plan',
      topology: path.join(ROOT, 'examples/local/topology.yml'),
      offline: 'true',
      summary: 'false',
      'plan-file': path.join(dir, 'plan.json'),
    };
    const outputs: Record<string, string> = {};
    const reporter: Reporter = {
      info: () => undefined,
      warning: () => undefined,
      error: () => undefined,
      group: (_n, fn) => fn(),
      setOutput: (name, value) => {
        outputs[name] = value;
      },
      summary: async () => undefined,
      mask: () => undefined,
    };
    await runPlan(
      parseInputs((name) => raw[name] ?? ''),
      reporter,
    );
    env = {
      HAS_BUILDS: outputs['has-builds'],
      BUILD_COUNT: outputs['build-count'],
      COPY_COUNT: outputs['copy-count'],
      RETIRE_COUNT: outputs['retire-count'],
      CHUNK_COUNT: outputs['chunk-count'],
      CHUNKS: outputs.chunks,
      PROVIDERS: outputs.providers,
      MATRIX: outputs.matrix,
      PLAN_FILE: outputs['plan-file'],
    };
  });

  it('hold for what the action outputs for the local example', () => {
    const r = bash(check, env);
    expect(r.out).toContain('plan outputs as expected');
    expect(r.code).toBe(0);
  });

  it('catch an output that is off', () => {
    const r = bash(check, { ...env, COPY_COUNT: '2' });
    expect(r.code).toBe(1);
    expect(r.out).toContain("::error title=self-test::copy-count is '2', expected 1");
  });
});

describe('the pull-request comment (workflows/pull-request.yml)', () => {
  const script = String(step('workflows/pull-request.yml', 'comment', 'Comment the plan').with!.script);
  type Comment = { id: number; body: string; user: { type: string } };
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<void>;
  const matrix = { include: [cell(1), { ...cell(2), regions: ['eu-west-1', 'us-east-1'] }] };
  const env = {
    TOPOLOGY: 'topology.yml',
    RESULT: 'success',
    MATRIX: JSON.stringify(matrix),
    BUILD_COUNT: '2',
    COPY_COUNT: '1',
    RETIRE_COUNT: '0',
    RUN_URL: 'https://github.com/o/r/actions/runs/7',
  };

  /** A pull request's comments behind the few calls github-script's client offers. */
  function fakeGitHub(comments: Comment[]) {
    const calls: string[] = [];
    const listComments = async () => ({ data: comments });
    const github = {
      paginate: async (fn: unknown, args: { issue_number: number }) => {
        expect(fn).toBe(listComments);
        expect(args.issue_number).toBe(42);
        return comments;
      },
      rest: {
        issues: {
          listComments,
          createComment: async ({ body }: { body: string }) => {
            calls.push('create');
            comments.push({ id: comments.length + 1, body, user: { type: 'Bot' } });
          },
          updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
            calls.push(`update ${comment_id}`);
            comments.find((c) => c.id === comment_id)!.body = body;
          },
        },
      },
    };
    return { github, calls };
  }
  const context = { repo: { owner: 'o', repo: 'r' }, issue: { number: 42 } };
  const run = (github: unknown, vars: Record<string, string>) =>
    new AsyncFunction('github', 'context', 'process', script)(github, context, { env: vars });

  it('creates one comment, then updates it on every later push', async () => {
    const comments: Comment[] = [{ id: 1, body: 'looks good', user: { type: 'User' } }];
    const { github, calls } = fakeGitHub(comments);
    await run(github, env);
    await run(github, { ...env, BUILD_COUNT: '1', MATRIX: JSON.stringify({ include: [cell(1)] }) });
    expect(calls).toEqual(['create', 'update 2']);
    expect(comments).toHaveLength(2);
    expect(comments[1].body).toContain('<!-- image-builder-plan: topology.yml -->');
    expect(comments[1].body).toContain('**1** to build');
    expect(comments[1].body).not.toContain(cell(2).name);
  });

  it('shows the counts and one row per image to build', async () => {
    const comments: Comment[] = [];
    await run(fakeGitHub(comments).github, env);
    const body = comments[0].body;
    expect(body).toContain('**2** to build, **1** to copy, **0** to retire.');
    expect(body).toContain(`| c2 | r2 | debian12 | \`${cell(2).name}\` | eu-west-1 | eu-west-1, us-east-1 |  |`);
    expect(body).toContain("[the run's summary](https://github.com/o/r/actions/runs/7)");
  });

  it("says why each image is built, with a cell's pipes escaped", async () => {
    const comments: Comment[] = [];
    const why = 'base image moved: ami-1 | debian-12-a (2026-10-01) -> ami-2 | debian-12-b (2026-11-01)';
    await run(fakeGitHub(comments).github, { ...env, BUILD_COUNT: '1', MATRIX: JSON.stringify({ include: [{ ...cell(1), why }] }) });
    const row = comments[0].body.split('\n').find((l) => l.includes(cell(1).name))!;
    expect(row).toContain('| base image moved: ami-1 \\| debian-12-a (2026-10-01) -> ami-2 \\| debian-12-b (2026-11-01) |');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(9);
  });

  it('leaves a comment that only quotes the marker alone when a person wrote it', async () => {
    const comments: Comment[] = [{ id: 1, body: 'why <!-- image-builder-plan: topology.yml -->?', user: { type: 'User' } }];
    const { github, calls } = fakeGitHub(comments);
    await run(github, env);
    expect(calls).toEqual(['create']);
    expect(comments[0].body).toBe('why <!-- image-builder-plan: topology.yml -->?');
  });

  it('says so when the plan failed', async () => {
    const comments: Comment[] = [];
    const { github } = fakeGitHub(comments);
    await run(github, { ...env, RESULT: 'failure', MATRIX: '' });
    expect(comments[0].body).toContain('The plan failed: see [the run](https://github.com/o/r/actions/runs/7).');
  });
});

describeWith(['shellcheck'], 'shellcheck', () => {
  const files = readdirSync(path.join(ROOT, '.github/workflows'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => `.github/workflows/${f}`);
  it('checks every workflow of the project', () => {
    expect(files).toEqual(expect.arrayContaining(['.github/workflows/image-builder.yml', '.github/workflows/release.yml']));
  });
  const scripts: (readonly [string, string])[] = files.flatMap((file) =>
    Object.entries(load(file).jobs).flatMap(([job, j]) =>
      (j.steps ?? []).filter((s) => s.run).map((s) => [`${file} ${job}: ${s.name ?? s.run!.split('\n')[0]}`, s.run!] as const),
    ),
  );
  scripts.push(
    ...(loadAction(CLOUD_LOGIN).runs.steps ?? [])
      .filter((s) => s.run)
      .map((s) => [`${CLOUD_LOGIN}: ${s.name ?? s.run!.split('\n')[0]}`, s.run!] as const),
  );

  it.each(scripts)('%s', (_, script) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-shellcheck-'));
    const file = path.join(dir, 'step.sh');
    writeFileSync(file, `#!/usr/bin/env bash\n${script}`);
    const r = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', file], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
