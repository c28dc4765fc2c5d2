/**
 * secure.yaml beside clouds.yaml, as openstacksdk reads them
 * (openstack/config/loader.py and _util.merge_clouds; see clouds-yaml.ts).
 * No services: the last test answers Keystone's token request itself.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { secureFiles } from '../../../src/providers/openstack/clouds-yaml.js';
import { readAuth } from '../../../src/providers/openstack/config.js';
import { createOpenStackProvider } from '../../../src/providers/openstack/index.js';
import { testCloud } from './images.js';

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'os-secure-'));
}

function write(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** clouds.yaml without secrets, as a team shares it. */
const PUBLIC = `
clouds:
  nrec:
    auth:
      auth_url: https://api.nrec.example:5000
      username: alice
      project_name: demo
      user_domain_name: dataporten
    region_name: bgo
  other:
    auth: { auth_url: https://other.example/v3 }
`;

const SECRET = `
clouds:
  nrec:
    auth:
      password: only-in-secure
`;

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('openstack secure.yaml', () => {
  it('looks for secure.yaml as for clouds.yaml, OS_CLIENT_SECURE_FILE first', () => {
    expect(secureFiles({ HOME: '/home/u', OS_CLIENT_SECURE_FILE: 'conf/s.yaml', OS_CLIENT_CONFIG_FILE: '/x/c.yaml' }, '/work')).toEqual([
      '/work/conf/s.yaml',
      '/work/secure.yaml',
      '/work/secure.yml',
      '/work/secure.json',
      '/home/u/.config/openstack/secure.yaml',
      '/home/u/.config/openstack/secure.yml',
      '/home/u/.config/openstack/secure.json',
      '/etc/openstack/secure.yaml',
      '/etc/openstack/secure.yml',
      '/etc/openstack/secure.json',
    ]);
  });

  it('takes a password kept only in the secure.yaml OS_CLIENT_SECURE_FILE names', () => {
    const dir = tmp();
    write(path.join(dir, 'clouds.yaml'), PUBLIC);
    const secure = write(path.join(tmp(), 'vault', 'nrec-secure.yaml'), SECRET);
    // A secure.yaml in ~/.config/openstack too: the variable's file comes first.
    write(path.join(dir, '.config', 'openstack', 'secure.yaml'), 'clouds: { nrec: { auth: { password: not-this-one } } }');
    const auth = readAuth('os-prod', 'nrec', { HOME: dir, OS_CLIENT_SECURE_FILE: secure }, dir);
    expect(auth).toMatchObject({ method: 'password', username: 'alice', password: 'only-in-secure', projectName: 'demo', region: 'bgo' });
    expect(auth.origin).toBe(`clouds.yaml entry "nrec" (${path.join(dir, 'clouds.yaml')}, merged with ${secure})`);
  });

  it('finds secure.yaml in the current directory whichever clouds.yaml was found', () => {
    const home = tmp();
    const cwd = tmp();
    write(path.join(home, '.config', 'openstack', 'clouds.yaml'), PUBLIC);
    write(path.join(cwd, 'secure.yaml'), SECRET);
    const auth = readAuth('os-prod', undefined, { HOME: home, OS_CLOUD: 'nrec' }, cwd);
    expect(auth).toMatchObject({ password: 'only-in-secure', username: 'alice', authUrl: 'https://api.nrec.example:5000/v3' });
  });

  it('reads secure.yml, and secure.yaml before it in the same place', () => {
    const dir = tmp();
    write(path.join(dir, 'clouds.yaml'), PUBLIC);
    write(path.join(dir, 'secure.yml'), SECRET);
    expect(readAuth('os', 'nrec', { HOME: dir }, dir).password).toBe('only-in-secure');
    write(path.join(dir, 'secure.yaml'), 'clouds: { nrec: { auth: { password: from-yaml } } }');
    expect(readAuth('os', 'nrec', { HOME: dir }, dir).password).toBe('from-yaml');
  });

  it('merges secure.yaml over clouds.yaml key by key at every depth, its values winning', () => {
    const dir = tmp();
    write(path.join(dir, 'clouds.yaml'), PUBLIC.replace('project_name: demo', 'project_name: demo\n      password: stale'));
    write(
      path.join(dir, 'secure.yaml'),
      'clouds:\n  nrec:\n    auth:\n      password: fresh\n      project_domain_name: dataporten\n    interface: internal\n',
    );
    const auth = readAuth('os', 'nrec', { HOME: dir }, dir);
    expect(auth).toMatchObject({
      authUrl: 'https://api.nrec.example:5000/v3',
      username: 'alice',
      password: 'fresh',
      projectName: 'demo',
      userDomain: { name: 'dataporten' },
      projectDomain: { name: 'dataporten' },
      region: 'bgo',
      interface: 'internal',
    });
  });

  it('takes an application credential whose secret only secure.yaml holds, as the CI way', () => {
    const dir = tmp();
    write(
      path.join(dir, 'clouds.yaml'),
      'clouds:\n  ci:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: https://k.example/v3\n      application_credential_id: ac1\n',
    );
    write(path.join(dir, 'secure.yaml'), 'clouds:\n  ci:\n    auth:\n      application_credential_secret: app-secret\n');
    expect(readAuth('os', 'ci', { HOME: dir }, dir)).toMatchObject({
      method: 'application_credential',
      appCredentialId: 'ac1',
      appCredentialSecret: 'app-secret',
    });
  });

  it('takes a cloud named in secure.yaml alone, with or without a clouds.yaml, as openstacksdk does', () => {
    const whole = `clouds:\n  solo:\n    auth:\n      auth_url: https://solo.example:5000\n      username: bob\n      password: pw\n      project_id: p1\n`;
    const alone = tmp();
    const secure = write(path.join(alone, 'secure.yaml'), whole);
    const auth = readAuth('os', 'solo', { HOME: alone }, alone);
    expect(auth).toMatchObject({ username: 'bob', password: 'pw', projectId: 'p1', authUrl: 'https://solo.example:5000/v3' });
    expect(auth.origin).toBe(`clouds.yaml entry "solo" (${secure})`);

    const both = tmp();
    write(path.join(both, 'clouds.yaml'), PUBLIC);
    write(path.join(both, 'secure.yaml'), whole);
    expect(readAuth('os', 'solo', { HOME: both }, both).origin).toBe(`clouds.yaml entry "solo" (${path.join(both, 'secure.yaml')})`);
  });

  it('names both files when the entry lacks a field, and the clouds of both when it has no such cloud', () => {
    const dir = tmp();
    const clouds = write(path.join(dir, 'clouds.yaml'), PUBLIC);
    const secure = write(path.join(dir, 'secure.yaml'), 'clouds:\n  nrec:\n    auth:\n      user_domain_name: other\n  extra: {}\n');
    expect(() => readAuth('os', 'nrec', { HOME: dir }, dir)).toThrow(
      `missing from clouds.yaml entry "nrec" (${clouds}, merged with ${secure}): password (OS_PASSWORD)`,
    );
    expect(() => readAuth('os', 'nope', { HOME: dir }, dir)).toThrow(
      `${clouds} and ${secure} have no cloud "nope" (cloud:); they have "nrec", "other", "extra": write one of them`,
    );
  });

  it('names the file and the line of a malformed secure.yaml, and no secret of it', () => {
    const dir = tmp();
    write(path.join(dir, 'clouds.yaml'), PUBLIC);
    const secure = write(path.join(dir, 'secure.yaml'), 'clouds:\n  nrec:\n    auth:\n      password: hunter2-secret\n     extra: [\n');
    const text = message(() => readAuth('os', 'nrec', { HOME: dir }, dir));
    expect(text).toContain(`openstack cloud "os": ${secure} is not valid YAML: `);
    expect(text).toMatch(/at line 5, column \d+/);
    expect(text).not.toContain('hunter2');
  });

  it('names a secure.yaml that is not a mapping of clouds', () => {
    const dir = tmp();
    write(path.join(dir, 'clouds.yaml'), PUBLIC);
    const secure = write(path.join(dir, 'secure.yaml'), '- password: x\n');
    expect(() => readAuth('os', 'nrec', { HOME: dir }, dir)).toThrow(`${secure} is not of the form "clouds: { <name>: { auth: ... } }"`);
    write(secure, 'clouds: [nrec]\n');
    expect(() => readAuth('os', 'nrec', { HOME: dir }, dir)).toThrow(`${secure} is not of the form`);
  });

  it('masks a password read from secure.yaml before Keystone is asked', async () => {
    // Keystone answers a POST /v3/auth/tokens with wrong credentials 401 Unauthorized (Identity API v3,
    // "Password authentication with unscoped authorization"); nothing else is asked of it here.
    const asked: string[] = [];
    const keystone = http.createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }),
      );
    });
    await new Promise<void>((resolve) => keystone.listen(0, '127.0.0.1', resolve));
    try {
      const dir = tmp();
      const { port } = keystone.address() as AddressInfo;
      write(path.join(dir, 'clouds.yaml'), PUBLIC.replace('https://api.nrec.example:5000', `http://127.0.0.1:${port}`));
      write(path.join(dir, 'secure.yaml'), SECRET);
      const masked: string[] = [];
      const made = createOpenStackProvider(
        testCloud({ cloud: 'nrec' }),
        { baseDir: dir, env: { HOME: dir }, mask: (s) => void masked.push(s), sleep: async () => undefined },
        { cwd: dir },
      );
      await expect(made).rejects.toThrow(/Keystone refused/);
      expect(masked).toContain('only-in-secure');
      expect(asked).toEqual(['POST /v3/auth/tokens']);
    } finally {
      await new Promise((resolve) => keystone.close(resolve));
    }
  });
});
