/**
 * The OpenStack part of the cloud-login action, run for real: the credential
 * check for clouds with provider openstack, and the login step that hands a
 * clouds.yaml secret (as a file only the runner's user may read, named by
 * OS_CLIENT_CONFIG_FILE) or an application credential (the OS_* variables) to
 * the later steps of the job through GITHUB_ENV. What the login exports is read
 * back with the action's own reader of OpenStack credentials, as the action
 * reads it in the next step. Needs bash and jq (see scripts.test.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actionStep, bash, describeWith } from './run-step.js';
import { readAuth } from '../../src/providers/openstack/config.js';

const CLOUD_LOGIN = '.github/actions/cloud-login/action.yml';
const APP_CREDENTIALS = 'OS_AUTH_URL, OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET';

/** A clouds.yaml with a password entry and an application-credential entry (openstacksdk's format). */
const CLOUDS_YAML = [
  'clouds:',
  '  nrec:',
  '    auth:',
  '      auth_url: https://keystone.nrec.example:5000/v3',
  '      username: svc-glance-uploader',
  '      password: "pa$$ word with spaces"',
  '      project_name: images',
  '      user_domain_name: Default',
  '      project_domain_name: Default',
  '    region_name: bgo',
  '  ovh:',
  '    auth_type: v3applicationcredential',
  '    auth:',
  '      auth_url: https://auth.ovh.example/v3',
  '      application_credential_id: 0a1b2c3d',
  "      application_credential_secret: 'ovh-app-secret'   # made 2026-01",
  '  plain:',
  '    auth: { auth_url: https://k.example/v3, username: u, project_name: p }',
  '    password: unquoted-pw # a comment',
].join('\n');

/** The NAME=value lines a step wrote to GITHUB_ENV. */
function githubEnv(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** The log without the ::add-mask:: commands (the runner swallows those). */
const shown = (out: string) =>
  out
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

describeWith(['bash', 'jq'], 'the OpenStack credential check (cloud-login)', () => {
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
    PROVIDERS: '["openstack"]',
  };
  // The check accepts a clouds.yaml the machine itself holds; the test of a
  // runner without any cannot run where one is.
  const machineHasClouds = existsSync('/etc/openstack/clouds.yaml');

  it('passes with the clouds.yaml secret, or with all three secrets of an application credential', () => {
    expect(bash(check, { ...none, HAS_OPENSTACK_CLOUDS_YAML: 'true' }).code).toBe(0);
    const r = bash(check, {
      ...none,
      HAS_OS_AUTH_URL: 'true',
      HAS_OS_APPLICATION_CREDENTIAL_ID: 'true',
      HAS_OS_APPLICATION_CREDENTIAL_SECRET: 'true',
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('credentials present for ["openstack"]');
  });

  (machineHasClouds ? it.skip : it)('fails naming the secrets when OpenStack has none, and the runner none of its own', () => {
    const r = bash(check, { ...none, PROVIDERS: '["local","openstack"]' });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      '::error title=image-builder::the selected images live in ["local","openstack"] but these secrets are empty: ' +
        `OPENSTACK_CLOUDS_YAML (or ${APP_CREDENTIALS}). Pass them in the secrets: block of the job that calls this workflow ` +
        "(docs/workflows.md). OpenStack also takes a self-hosted runner's own clouds.yaml or secure.yaml (~/.config/openstack/ or /etc/openstack/).",
    );
  });

  it('names exactly the missing parts of an application credential, even beside a clouds.yaml', () => {
    const r = bash(check, {
      ...none,
      HAS_OPENSTACK_CLOUDS_YAML: 'true',
      HAS_OS_AUTH_URL: 'true',
      HAS_OS_APPLICATION_CREDENTIAL_ID: 'true',
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('these secrets are empty: OS_APPLICATION_CREDENTIAL_SECRET. Pass them');
    expect(r.out).not.toContain('OS_AUTH_URL,');
    const secretOnly = bash(check, { ...none, HAS_OS_APPLICATION_CREDENTIAL_SECRET: 'true' });
    expect(secretOnly.out).toContain('these secrets are empty: OS_AUTH_URL, OS_APPLICATION_CREDENTIAL_ID.');
  });

  it("names OpenStack's secrets beside other clouds' in one message, and only when OpenStack is in use", () => {
    if (!machineHasClouds) {
      const r = bash(check, { ...none, PROVIDERS: '["aws","openstack"]' });
      expect(r.out).toContain(`these secrets are empty: AWS_ROLE_ARN, OPENSTACK_CLOUDS_YAML (or ${APP_CREDENTIALS}).`);
    }
    const aws = bash(check, { ...none, PROVIDERS: '["aws"]' });
    expect(aws.code).toBe(1);
    expect(aws.out).not.toContain('OPENSTACK');
    expect(aws.out).not.toContain('OS_');
  });

  it("accepts a self-hosted runner's own credentials: its clouds.yaml or secure.yaml, OS_CLIENT_CONFIG_FILE, OS_CLIENT_SECURE_FILE or OS_* variables", () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ib-os-home-'));
    mkdirSync(path.join(home, '.config/openstack'), { recursive: true });
    writeFileSync(path.join(home, '.config/openstack/clouds.yaml'), CLOUDS_YAML);
    expect(bash(check, { ...none, HOME: home }).code).toBe(0);
    expect(bash(check, { ...none, OS_CLIENT_CONFIG_FILE: path.join(home, '.config/openstack/clouds.yaml') }).code).toBe(0);
    expect(bash(check, { ...none, OS_AUTH_URL: 'https://keystone.example:5000/v3' }).code).toBe(0);
    // Where openstacksdk looks too: secure.yaml, and the .yml and .json spellings.
    for (const name of ['secure.yaml', 'clouds.yml', 'clouds.json']) {
      const other = mkdtempSync(path.join(os.tmpdir(), 'ib-os-home-'));
      mkdirSync(path.join(other, '.config/openstack'), { recursive: true });
      writeFileSync(path.join(other, '.config/openstack', name), CLOUDS_YAML);
      expect(bash(check, { ...none, HOME: other }).code).toBe(0);
    }
    expect(bash(check, { ...none, OS_CLIENT_SECURE_FILE: path.join(home, '.config/openstack/clouds.yaml') }).code).toBe(0);
    if (!machineHasClouds) {
      // A file that is not there is no credential.
      expect(bash(check, { ...none, OS_CLIENT_CONFIG_FILE: path.join(home, 'absent.yaml') }).code).toBe(1);
      expect(bash(check, { ...none, HOME: mkdtempSync(path.join(os.tmpdir(), 'ib-os-home-')) }).code).toBe(1);
    }
  });
});

describeWith(['bash'], 'the OpenStack login (cloud-login)', () => {
  const login = actionStep(CLOUD_LOGIN, 'Log in to OpenStack');
  const script = login.run!;

  /** A runner's temp folder and GITHUB_ENV file, as GitHub gives every job. */
  function runner() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-os-login-'));
    const temp = path.join(dir, '_temp');
    mkdirSync(temp);
    const env = path.join(dir, 'github-env');
    writeFileSync(env, '');
    return { temp, env };
  }
  const inputs = { CLOUDS_YAML: '', AUTH_URL: '', APP_CREDENTIAL_ID: '', APP_CREDENTIAL_SECRET: '' };

  it('runs only for OpenStack, and gets the secrets through env:, never inside the script', () => {
    expect(login.if).toBe("contains(fromJSON(inputs.providers), 'openstack')");
    expect(login.shell).toBe('bash');
    expect(login.env).toEqual({
      CLOUDS_YAML: '${{ inputs.openstack-clouds-yaml }}',
      AUTH_URL: '${{ inputs.os-auth-url }}',
      APP_CREDENTIAL_ID: '${{ inputs.os-application-credential-id }}',
      APP_CREDENTIAL_SECRET: '${{ inputs.os-application-credential-secret }}',
    });
    expect(script).not.toContain('${{');
  });

  it('writes the clouds.yaml secret to a file only the runner may read, and names it in OS_CLIENT_CONFIG_FILE', () => {
    const { temp, env } = runner();
    const r = bash(script, { ...inputs, CLOUDS_YAML, RUNNER_TEMP: temp, GITHUB_ENV: env });
    expect(r.code).toBe(0);
    const file = path.join(temp, 'image-builder-openstack/clouds.yaml');
    expect(githubEnv(env)).toEqual({ OS_CLIENT_CONFIG_FILE: file });
    expect(readFileSync(file, 'utf8')).toBe(`${CLOUDS_YAML}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    // The action's own reader finds both entries through the variable.
    const read = { OS_CLIENT_CONFIG_FILE: file, HOME: temp };
    expect(readAuth('nrec', 'nrec', read)).toMatchObject({
      method: 'password',
      password: 'pa$$ word with spaces',
      authUrl: 'https://keystone.nrec.example:5000/v3',
    });
    expect(readAuth('ovh', 'ovh', read)).toMatchObject({ method: 'application_credential', appCredentialSecret: 'ovh-app-secret' });
  });

  it("masks each password and secret of the clouds.yaml on its own, and never prints the file's text", () => {
    const { temp, env } = runner();
    const r = bash(script, { ...inputs, CLOUDS_YAML, RUNNER_TEMP: temp, GITHUB_ENV: env });
    const masks = r.out.split('\n').filter((l) => l.startsWith('::add-mask::'));
    expect(masks).toEqual(['::add-mask::pa$$ word with spaces', '::add-mask::ovh-app-secret', '::add-mask::unquoted-pw']);
    for (const text of ['pa$$ word', 'ovh-app-secret', 'unquoted-pw', 'svc-glance-uploader', 'keystone.nrec.example', 'clouds:'])
      expect({ text, shown: shown(r.out).includes(text) }).toEqual({ text, shown: false });
    expect(r.out).toContain('OpenStack: clouds.yaml from OPENSTACK_CLOUDS_YAML');
  });

  it('replaces a clouds.yaml left readable by others with one of mode 0600', () => {
    const { temp, env } = runner();
    const dir = path.join(temp, 'image-builder-openstack');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(path.join(dir, 'clouds.yaml'), 'old', { mode: 0o644 });
    expect(bash(script, { ...inputs, CLOUDS_YAML, RUNNER_TEMP: temp, GITHUB_ENV: env }).code).toBe(0);
    expect(statSync(path.join(dir, 'clouds.yaml')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(path.join(dir, 'clouds.yaml'), 'utf8')).toBe(`${CLOUDS_YAML}\n`);
  });

  it('exports an application credential as the OS_* variables, its secret masked before anything else is written', () => {
    const { temp, env } = runner();
    const r = bash(script, {
      ...inputs,
      // A secret pasted with its line end still works.
      AUTH_URL: 'https://keystone.example.org:5000',
      APP_CREDENTIAL_ID: 'c0ffee',
      APP_CREDENTIAL_SECRET: 's3cr3t-app-credential\n',
      RUNNER_TEMP: temp,
      GITHUB_ENV: env,
    });
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('::add-mask::s3cr3t-app-credential');
    expect(r.out.match(/::add-mask::/g)).toHaveLength(1);
    expect(shown(r.out)).not.toContain('s3cr3t');
    expect(r.out).toContain('OpenStack: application credential c0ffee at https://keystone.example.org:5000 (OS_* variables)');
    const exported = githubEnv(env);
    expect(exported).toEqual({
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_AUTH_URL: 'https://keystone.example.org:5000',
      OS_APPLICATION_CREDENTIAL_ID: 'c0ffee',
      OS_APPLICATION_CREDENTIAL_SECRET: 's3cr3t-app-credential',
    });
    expect(readAuth('nrec', undefined, exported)).toMatchObject({
      method: 'application_credential',
      authUrl: 'https://keystone.example.org:5000/v3',
      appCredentialId: 'c0ffee',
      appCredentialSecret: 's3cr3t-app-credential',
    });
  });

  it('refuses a secret of two lines or an auth URL that is no URL, naming the secret and printing no value', () => {
    const { temp, env } = runner();
    const base = { ...inputs, AUTH_URL: 'https://k.example/v3', APP_CREDENTIAL_ID: 'c0ffee', RUNNER_TEMP: temp, GITHUB_ENV: env };
    const twoLines = bash(script, { ...base, APP_CREDENTIAL_SECRET: 'first-half\nsecond-half' });
    expect(twoLines.code).toBe(1);
    expect(twoLines.out).toContain(
      '::error title=image-builder::the secret OS_APPLICATION_CREDENTIAL_SECRET holds a line break: store it as one line',
    );
    expect(shown(twoLines.out)).not.toContain('half');
    const badUrl = bash(script, { ...base, AUTH_URL: 'keystone.example.org', APP_CREDENTIAL_SECRET: 'x-secret' });
    expect(badUrl.code).toBe(1);
    expect(badUrl.out).toContain('::error title=image-builder::the secret OS_AUTH_URL is not a URL');
    expect(readFileSync(env, 'utf8')).toBe('');
  });

  it("exports nothing without secrets: the runner's own credentials stay in force", () => {
    const { temp, env } = runner();
    const r = bash(script, { ...inputs, RUNNER_TEMP: temp, GITHUB_ENV: env });
    expect(r.code).toBe(0);
    expect(readFileSync(env, 'utf8')).toBe('');
    expect(existsSync(path.join(temp, 'image-builder-openstack'))).toBe(false);
    expect(r.out).toContain("OpenStack: no OpenStack secrets; the runner's own clouds.yaml or OS_* variables are used");
  });
});
