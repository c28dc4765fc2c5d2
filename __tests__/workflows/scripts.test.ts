/**
 * The scripts inside the workflows and the composite actions they use, run for
 * real: each is read from its YAML file and run the way GitHub runs it (bash -eo pipefail, values in env), or,
 * for the pull-request comment, as github-script runs it with a fake GitHub API.
 * Needs bash, jq and shellcheck (Debian packages; jq and shellcheck are on
 * GitHub's runners too): where one is missing its tests are skipped with a
 * reason, except under CI, where they fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { chunkBuilds } from '../../src/plan/matrix.js';
import type { BuildCell } from '../../src/plan/types.js';
import { runPlan } from '../../src/commands/plan.js';
import { parseInputs } from '../../src/io/inputs.js';
import type { Reporter } from '../../src/io/reporter.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const IN_CI = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
}
type Workflow = { jobs: Record<string, { steps?: Step[] }> };
type Action = { runs: { using: string; steps?: Step[] } };
const load = (file: string) => parse(readFileSync(path.join(ROOT, file), 'utf8')) as Workflow;
const loadAction = (file: string) => parse(readFileSync(path.join(ROOT, file), 'utf8')) as Action;

function step(file: string, job: string, name: string): Step {
  const found = load(file).jobs[job].steps?.find((s) => s.name === name || s.id === name);
  if (!found) throw new Error(`${file}: job ${job} has no step ${name}`);
  return found;
}

/** A step of a composite action (`runs.steps`), by name or id. */
function actionStep(file: string, name: string): Step {
  const found = loadAction(file).runs.steps?.find((s) => s.name === name || s.id === name);
  if (!found) throw new Error(`${file}: no step ${name}`);
  return found;
}

/** The composite action that checks the credentials and logs in, and its path as the jobs use it. */
const CLOUD_LOGIN = '.github/actions/cloud-login/action.yml';
const CLOUD_LOGIN_USES = './.image-builder/.github/actions/cloud-login';

interface Ran {
  code: number;
  out: string;
  outputs: Record<string, string>;
}

/** Runs a `run:` script as GitHub does for `shell: bash`, with GITHUB_OUTPUT. */
function bash(script: string, env: Record<string, string>): Ran {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-script-'));
  const file = path.join(dir, 'step.sh');
  const output = path.join(dir, 'output');
  writeFileSync(file, script);
  writeFileSync(output, '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    env: { PATH: process.env.PATH, ...env, GITHUB_OUTPUT: output },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const at = l.indexOf('=');
        return [l.slice(0, at), l.slice(at + 1)];
      }),
  );
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, outputs };
}

function installed(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function describeWith(tools: string[], title: string, body: () => void): void {
  const missing = tools.filter((t) => !installed(t));
  if (missing.length === 0) describe(title, body);
  else if (IN_CI)
    describe(title, () =>
      it(`has ${tools.join(', ')}`, () => {
        throw new Error(`${missing.join(', ')} not installed: CI must install it`);
      }),
    );
  else {
    console.warn(`Skipping "${title}": ${missing.join(', ')} not installed (set CI to make this a failure).`);
    describe.skip(title, body);
  }
}

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
      '::error title=image-builder::the selected images live in ["azure","gcp","local"] but these secrets are empty: GCP_WORKLOAD_IDENTITY_PROVIDER AZURE_CLIENT_ID.',
    );
    expect(r.out).not.toContain('AWS_ROLE_ARN');
  });

  it('is the same script in every job that logs in: each runs it through the one cloud-login action', () => {
    expect(actionStep(CLOUD_LOGIN, 'Check the cloud credentials').shell).toBe('bash');
    expect(loadAction(CLOUD_LOGIN).runs.steps!.filter((s) => s.run !== undefined)).toHaveLength(1);
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
    expect(body).toContain(`| c2 | r2 | debian12 | \`${cell(2).name}\` | eu-west-1 | eu-west-1, us-east-1 |`);
    expect(body).toContain("[the run's summary](https://github.com/o/r/actions/runs/7)");
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
  const files = ['.github/workflows/ci.yml', '.github/workflows/image-builder.yml', '.github/workflows/image-builder-build.yml'];
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
