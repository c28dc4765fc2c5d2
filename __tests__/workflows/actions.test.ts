/**
 * The composite actions of .github/actions/: the hygiene rules the workflows
 * follow (third-party actions pinned by commit SHA, no expressions inside
 * scripts, `shell: bash` on every script, no `secrets` or `vars`, which a
 * composite action cannot read), and the cloud-login action that every job of
 * the pipeline that talks to a cloud runs: what it takes, what it passes to
 * each login action, and that each of those jobs uses it. actionlint and the
 * workflow parser check the actions in lint.test.ts; its script runs for real
 * in scripts.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  shell?: string;
  if?: string;
  with?: Dict;
  env?: Dict;
}
interface Action {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { value?: string }>;
  runs: { using: string; steps?: Step[] };
}
interface Job {
  permissions?: Dict;
  env?: Dict;
  steps?: Step[];
}

const text = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const ACTIONS = readdirSync(path.join(ROOT, '.github/actions'))
  .map((d) => `.github/actions/${d}/action.yml`)
  .filter((f) => existsSync(path.join(ROOT, f)))
  .sort();
const CLOUD_LOGIN_FILE = '.github/actions/cloud-login/action.yml';
const CLOUD_LOGIN = './.image-builder/.github/actions/cloud-login';
/** The pipeline's secrets that a plan-only run replaces with the plan identity's, where set. */
const PLAN_SECRETS: Record<string, string> = {
  AWS_ROLE_ARN: 'AWS_PLAN_ROLE_ARN',
  GCP_SERVICE_ACCOUNT: 'GCP_PLAN_SERVICE_ACCOUNT',
  AZURE_CLIENT_ID: 'AZURE_PLAN_CLIENT_ID',
};
/** Every job that talks to a cloud, in both pipeline workflows. */
const LOGIN_JOBS = [
  ...['plan', 'build', 'verify', 'distribute', 'lifecycle'].map((job) => ['.github/workflows/image-builder.yml', job] as const),
  ...['build', 'verify'].map((job) => ['.github/workflows/image-builder-build.yml', job] as const),
];

/** Every `uses:` line of a file, with its line number. */
function usesLines(file: string): { line: number; ref: string; comment: string }[] {
  return text(file)
    .split('\n')
    .flatMap((raw, i) => {
      const m = /^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$/.exec(raw);
      return m ? [{ line: i + 1, ref: m[1], comment: m[2] ?? '' }] : [];
    });
}

it('finds the composite actions', () => {
  expect(ACTIONS).toContain(CLOUD_LOGIN_FILE);
});

describe.each(ACTIONS)('%s', (file) => {
  const action = parse(text(file)) as Action;
  const steps = action.runs.steps ?? [];

  it('is a composite action with a name, a description and steps', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.name).toEqual(expect.any(String));
    expect(action.description).toEqual(expect.any(String));
    expect(steps.length).toBeGreaterThan(0);
  });

  it('pins every third-party action by a full commit SHA with its version in a comment', () => {
    const lines = usesLines(file);
    expect(lines).toHaveLength(steps.filter((s) => s.uses).length);
    for (const { line, ref, comment } of lines) {
      if (ref.startsWith('./')) continue;
      expect({ line, ref, pinned: /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) }).toEqual({ line, ref, pinned: true });
      expect({ line, comment }).toEqual({ line, comment: expect.stringMatching(/^# v\d+\.\d+\.\d+$/) });
    }
  });

  it('keeps ${{ }} out of every script (values reach scripts through env:), and runs each with shell: bash', () => {
    for (const step of steps.filter((s) => s.run !== undefined)) {
      expect({ step: step.name, expression: step.run!.includes('${{'), shell: step.shell }).toEqual({
        step: step.name,
        expression: false,
        shell: 'bash',
      });
    }
  });

  it('reads neither secrets nor vars (a composite action has neither: the job passes them as inputs)', () => {
    const expressions = text(file).match(/\$\{\{[^}]*\}\}/g) ?? [];
    expect(expressions.length).toBeGreaterThan(0);
    for (const e of expressions) expect({ e, reads: /\b(secrets|vars)\./.test(e) }).toEqual({ e, reads: false });
  });

  it('uses only inputs it declares, and re-exports only outputs of its own steps', () => {
    const declared = Object.keys(action.inputs ?? {});
    for (const [, name] of text(file).matchAll(/\binputs\.([\w-]+)/g)) expect(declared).toContain(name);
    const ids = steps.map((s) => s.id).filter(Boolean);
    for (const [name, output] of Object.entries(action.outputs ?? {})) {
      const m = /^\$\{\{ steps\.([\w-]+)\.outputs\.[\w-]+ \}\}$/.exec(String(output.value));
      expect({ name, step: m?.[1] && ids.includes(m[1]) ? m[1] : 'none' }).toEqual({ name, step: m?.[1] });
    }
  });
});

describe('the cloud-login action', () => {
  const action = parse(text(CLOUD_LOGIN_FILE)) as Action;
  const [check, aws, gcp, azure, openstack] = action.runs.steps!;

  it('checks the credentials, then logs in to each cloud the job uses, and to no other', () => {
    expect(action.runs.steps!.map((s) => s.name)).toEqual([
      'Check the cloud credentials',
      'Log in to AWS',
      'Log in to Google Cloud',
      'Log in to Azure',
      'Log in to OpenStack',
    ]);
    expect(check.if).toBe("inputs.providers != '[]'");
    expect(check.env).toEqual({
      PROVIDERS: '${{ inputs.providers }}',
      IDENTITY: '${{ inputs.identity }}',
      HAS_AWS_ROLE_ARN: "${{ inputs.aws-role-arn != '' }}",
      HAS_GCP_WORKLOAD_IDENTITY_PROVIDER: "${{ inputs.gcp-workload-identity-provider != '' }}",
      HAS_GCP_SERVICE_ACCOUNT: "${{ inputs.gcp-service-account != '' }}",
      HAS_AZURE_CLIENT_ID: "${{ inputs.azure-client-id != '' }}",
      HAS_AZURE_TENANT_ID: "${{ inputs.azure-tenant-id != '' }}",
      HAS_OPENSTACK_CLOUDS_YAML: "${{ inputs.openstack-clouds-yaml != '' }}",
      HAS_OS_AUTH_URL: "${{ inputs.os-auth-url != '' }}",
      HAS_OS_APPLICATION_CREDENTIAL_ID: "${{ inputs.os-application-credential-id != '' }}",
      HAS_OS_APPLICATION_CREDENTIAL_SECRET: "${{ inputs.os-application-credential-secret != '' }}",
    });
    for (const [cloud, step] of [
      ['aws', aws],
      ['gcp', gcp],
      ['azure', azure],
      ['openstack', openstack],
    ] as const) {
      expect(step.if).toBe(`contains(fromJSON(inputs.providers), '${cloud}')`);
    }
  });

  it('passes each login action the secrets and settings the jobs hand it', () => {
    expect(aws.uses).toMatch(/^aws-actions\/configure-aws-credentials@[0-9a-f]{40}$/);
    expect(aws.with).toEqual({
      'role-to-assume': '${{ inputs.aws-role-arn }}',
      'aws-region': '${{ inputs.aws-region }}',
      'role-session-name': 'image-builder',
      'role-duration-seconds': '${{ inputs.aws-role-duration-seconds }}',
    });
    expect(gcp.uses).toMatch(/^google-github-actions\/auth@[0-9a-f]{40}$/);
    expect(gcp.with).toEqual({
      workload_identity_provider: '${{ inputs.gcp-workload-identity-provider }}',
      service_account: '${{ inputs.gcp-service-account }}',
    });
    expect(azure.uses).toMatch(/^azure\/login@[0-9a-f]{40}$/);
    expect(azure.with).toEqual({
      'client-id': '${{ inputs.azure-client-id }}',
      'tenant-id': '${{ inputs.azure-tenant-id }}',
      'subscription-id': '${{ inputs.azure-subscription-id }}',
      'allow-no-subscriptions': "${{ inputs.azure-subscription-id == '' }}",
      environment: '${{ inputs.azure-cloud }}',
    });
    // OpenStack has no OIDC: its step is a script of this action (openstack-login.test.ts runs it).
    expect(openstack.uses).toBeUndefined();
    expect(openstack.env).toEqual({
      CLOUDS_YAML: '${{ inputs.openstack-clouds-yaml }}',
      AUTH_URL: '${{ inputs.os-auth-url }}',
      APP_CREDENTIAL_ID: '${{ inputs.os-application-credential-id }}',
      APP_CREDENTIAL_SECRET: '${{ inputs.os-application-credential-secret }}',
    });
  });

  describe.each(LOGIN_JOBS)('%s, job %s', (file, id) => {
    const job = (parse(text(file)) as { jobs: Record<string, Job> }).jobs[id];
    const steps = job.steps ?? [];
    const at = steps.findIndex((s) => s.uses === CLOUD_LOGIN);
    const login = steps[at];

    it('logs in through the action, with id-token: write, after checking the product out', () => {
      expect(steps.filter((s) => s.uses === CLOUD_LOGIN)).toHaveLength(1);
      expect(job.permissions?.['id-token']).toBe('write');
      const fetch = steps.findIndex((s) => s.with?.path === '.image-builder');
      expect(fetch).toBeGreaterThanOrEqual(0);
      expect(at).toBeGreaterThan(fetch);
      expect(steps[at - 1].id).toBe('clouds');
    });

    it('passes only inputs the action declares, every required one, and each secret by name', () => {
      const declared = action.inputs ?? {};
      for (const key of Object.keys(login.with ?? {})) expect(Object.keys(declared)).toContain(key);
      for (const [name, input] of Object.entries(declared)) if (input.required) expect(login.with).toHaveProperty([name]);
      for (const value of Object.values(login.with ?? {})) {
        const secret = /secrets\.(\w+)/.exec(String(value));
        if (!secret) continue;
        // The plan job of a plan-only run takes the plan identity's secret where it is set.
        const pipeline = Object.entries(PLAN_SECRETS).find(([, plan]) => plan === secret[1])?.[0];
        const expected =
          id === 'plan' && pipeline
            ? `\${{ inputs.plan-only && secrets.${secret[1]} || secrets.${pipeline} }}`
            : `\${{ secrets.${secret[1]} }}`;
        expect(value).toBe(expected);
      }
    });

    it("logs in as the plan identity only in the plan job of a plan-only run, everywhere else as the pipeline's", () => {
      const planSecrets = Object.values(PLAN_SECRETS);
      const used = Object.values(login.with ?? {}).flatMap((v) => [...String(v).matchAll(/secrets\.(\w+)/g)].map((m) => m[1]));
      if (id === 'plan') {
        expect(login.with?.identity).toBe("${{ inputs.plan-only && 'plan' || 'pipeline' }}");
        expect(used).toEqual(expect.arrayContaining(planSecrets));
        // The Azure identity the action and Packer sign in as follows the login's.
        expect(job.env?.AZURE_CLIENT_ID).toBe(login.with?.['azure-client-id']);
      } else {
        expect(login.with?.identity).toBeUndefined();
        for (const secret of used) expect(planSecrets).not.toContain(secret);
      }
    });

    it('logs in to no cloud directly', () => {
      for (const s of steps) {
        expect({
          step: s.name,
          direct: /^(aws-actions\/configure-aws-credentials|google-github-actions\/auth|azure\/login)@/.test(s.uses ?? ''),
        }).toEqual({ step: s.name, direct: false });
      }
    });
  });
});
