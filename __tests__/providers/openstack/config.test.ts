import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cloudsFiles } from '../../../src/providers/openstack/clouds-yaml.js';
import { keystoneV3, readAuth } from '../../../src/providers/openstack/config.js';

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'os-config-'));
}

const CLOUDS = `
clouds:
  nrec:
    auth:
      auth_url: https://api.nrec.example:5000
      username: alice
      password: s3cret-pw
      project_name: demo
      user_domain_name: dataporten
      project_domain_name: dataporten
    region_name: bgo
    interface: public
  ci:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example/v3/
      application_credential_id: 0123abcd
      application_credential_secret: app-s3cret
    regions: [osl, bgo]
`;

describe('openstack config', () => {
  it('looks for clouds.yaml as the OpenStack tools do, OS_CLIENT_CONFIG_FILE first, each place as .yaml, .yml and .json', () => {
    expect(cloudsFiles({ HOME: '/home/u', OS_CLIENT_CONFIG_FILE: 'conf/c.yaml' }, '/work')).toEqual([
      '/work/conf/c.yaml',
      '/work/clouds.yaml',
      '/work/clouds.yml',
      '/work/clouds.json',
      '/home/u/.config/openstack/clouds.yaml',
      '/home/u/.config/openstack/clouds.yml',
      '/home/u/.config/openstack/clouds.json',
      '/etc/openstack/clouds.yaml',
      '/etc/openstack/clouds.yml',
      '/etc/openstack/clouds.json',
    ]);
  });

  it('reads a password entry of ./clouds.yaml named by cloud:', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'clouds.yaml'), CLOUDS);
    const auth = readAuth('os-prod', 'nrec', { HOME: dir }, dir);
    expect(auth).toMatchObject({
      authUrl: 'https://api.nrec.example:5000/v3',
      method: 'password',
      username: 'alice',
      projectName: 'demo',
      userDomain: { name: 'dataporten' },
      projectDomain: { name: 'dataporten' },
      region: 'bgo',
      interface: 'public',
    });
    expect(auth.origin).toContain('clouds.yaml entry "nrec"');
  });

  it('reads an application credential from ~/.config/openstack/clouds.yaml via OS_CLOUD', () => {
    const home = tmp();
    mkdirSync(path.join(home, '.config', 'openstack'), { recursive: true });
    writeFileSync(path.join(home, '.config', 'openstack', 'clouds.yaml'), CLOUDS);
    const auth = readAuth('os-prod', undefined, { HOME: home, OS_CLOUD: 'ci' }, tmp());
    expect(auth).toMatchObject({
      method: 'application_credential',
      appCredentialId: '0123abcd',
      authUrl: 'https://keystone.example/v3',
      region: 'osl',
    });
  });

  it('names the known entries when cloud: names an unknown one, and never a secret', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'clouds.yaml'), CLOUDS);
    let message = '';
    try {
      readAuth('os-prod', 'nrecc', { HOME: dir }, dir);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/has no cloud "nrecc" \(cloud:\); it has "nrec", "ci": write one of them/);
    expect(message).not.toMatch(/s3cret/);
  });

  it('says where it looked when there is no clouds.yaml', () => {
    const dir = tmp();
    expect(() => readAuth('os-prod', 'nrec', { HOME: dir }, dir)).toThrow(
      /no clouds.yaml was found \(looked at .*clouds.yaml.*\/etc\/openstack\/clouds.yaml, each also as .yml or .json, and for a secure.yaml/,
    );
  });

  it('uses the OS_* variables without cloud: and OS_CLOUD, with application credentials', () => {
    const auth = readAuth('os', undefined, {
      OS_AUTH_URL: 'http://k:5000/v3',
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_APPLICATION_CREDENTIAL_ID: 'id1',
      OS_APPLICATION_CREDENTIAL_SECRET: 'sec',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'internalURL',
    });
    expect(auth).toMatchObject({ method: 'application_credential', appCredentialId: 'id1', region: 'RegionOne', interface: 'internal' });
  });

  it('names every missing field of the OS_* variables, and what to set without any', () => {
    expect(() => readAuth('os', undefined, { OS_AUTH_URL: 'http://k:5000', OS_USERNAME: 'u' })).toThrow(
      /missing from the OS_\* variables: password \(OS_PASSWORD\); project_name or project_id/,
    );
    expect(() => readAuth('os', undefined, {})).toThrow(/no credentials: write cloud: <entry of clouds.yaml>/);
    expect(() => readAuth('os', undefined, { OS_AUTH_URL: 'http://k', OS_AUTH_TYPE: 'token' })).toThrow(
      /auth_type "token" .* is not supported/,
    );
  });

  it('adds /v3 to an auth_url without a version', () => {
    expect(keystoneV3('https://k:5000/')).toBe('https://k:5000/v3');
    expect(keystoneV3('https://k/identity/v3')).toBe('https://k/identity/v3');
    expect(keystoneV3('https://k/v2.0')).toBe('https://k/v3');
  });
});
