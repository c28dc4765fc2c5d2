/**
 * Logins and bad input against the real Keystone of
 * scripts/openstack/harness.sh: application credentials from clouds.yaml,
 * token renewal, wrong credentials, a region without Glance, a quota that an
 * upload exceeds (a Glance-shaped 413), and whether an image is in use
 * (Nova and Cinder stand-ins registered in the real catalog, in a region of
 * their own).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOpenStackProvider, type OpenStackProvider } from '../../../src/providers/openstack/index.js';
import { KeystoneSession } from '../../../src/providers/openstack/auth.js';
import { readAuth } from '../../../src/providers/openstack/config.js';
import { Glance } from '../../../src/providers/openstack/glance.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { startStandIns, type StandIns } from '../../fakes/openstack/compute-volume.js';
import { adminToken, describeWithOpenStack, osEnv, registerRegion } from './harness.js';
import { record, testCloud } from './images.js';

describeWithOpenStack('openstack logins and errors against real Keystone', (harness) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'os-auth-'));
  let provider: OpenStackProvider;
  let standIns: StandIns;
  let unregister: (() => Promise<void>) | undefined;
  const usageRegion = `Usage-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    const env = harness();
    standIns = await startStandIns();
    unregister = await registerRegion(env, usageRegion, { compute: standIns.novaUrl, volumev3: standIns.cinderUrl });
    // Made after the registration: its token's catalog has the stand-ins.
    provider = await createOpenStackProvider(testCloud(), { baseDir: dir, env: osEnv(env), sleep: async () => undefined });
  });
  afterAll(async () => {
    await unregister?.();
    await standIns?.close();
  });

  it('logs in with an application credential named by cloud: in clouds.yaml, and masks its secret', async () => {
    const env = harness();
    const secret = randomBytes(12).toString('hex');
    const made = await fetch(`${env.OS_AUTH_URL}/users/${env.OS_ADMIN_USER_ID}/application_credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': await adminToken(env) },
      body: JSON.stringify({ application_credential: { name: `ci-${secret.slice(0, 6)}`, secret } }),
    });
    expect(made.status).toBe(201);
    const { application_credential: credential } = (await made.json()) as { application_credential: { id: string } };
    writeFileSync(
      path.join(dir, 'clouds.yaml'),
      `clouds:\n  ci:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: ${env.OS_AUTH_URL.replace(/\/v3$/, '')}\n` +
        `      application_credential_id: ${credential.id}\n      application_credential_secret: ${secret}\n    region_name: RegionOne\n`,
    );
    const masked: string[] = [];
    const ci = await createOpenStackProvider(
      testCloud({ cloud: 'ci' }),
      { baseDir: dir, env: { HOME: dir }, mask: (s) => void masked.push(s) },
      { cwd: dir },
    );
    expect(masked).toContain(secret);
    expect((await ci.session.token()).projectId).toBe(env.OS_ADMIN_PROJECT_ID);
    expect(Array.isArray(await ci.inventory('RegionTwo'))).toBe(true);
  });

  it('renews the token before it expires', async () => {
    let now = Date.now();
    const session = new KeystoneSession({
      cloud: 'os-test',
      auth: readAuth('os-test', undefined, osEnv(harness())),
      requestMs: 30_000,
      now: () => now,
    });
    const first = await session.token();
    expect((await session.token()).value).toBe(first.value);
    now = first.expiresAt - 60_000; // a minute left: less than the 5 minutes kept in hand
    const renewed = await session.token();
    expect(renewed.value).not.toBe(first.value);
    expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt - 60_000);
  });

  it('wrong credentials: says what Keystone refused and where it was configured, never the password', async () => {
    const env = { ...osEnv(harness()), OS_PASSWORD: 'not-the-password' };
    const failure = await createOpenStackProvider(testCloud(), { baseDir: dir, env }).catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as Error).message).toMatch(
      /openstack cloud "os-test": keystone auth failed with HTTP 401: .*Keystone refused the user name, password, domain or project of the OS_\* variables: correct them/,
    );
    expect((failure as Error).message).not.toContain('not-the-password');
  });

  it('a region without an image endpoint names the regions that have one', async () => {
    await expect(provider.inventory('RegionNine')).rejects.toThrow(
      /region "RegionNine" has no public image \(Glance\) endpoint in the Keystone catalog of the OS_\* variables; regions with one: RegionOne, RegionTwo: use one of them under regions:/,
    );
  });

  it('quota exceeded on upload: a quota error that says what to do, not retried', async () => {
    // Glance answers an upload beyond image_size_total / user_storage_quota with 413 (glance/api/v2/image_data.py,
    // ImageSizeLimitExceeded and StorageQuotaFull -> HTTPRequestEntityTooLarge); the body is webob's JSON error.
    let uploads = 0;
    const server = http.createServer((req, res) => {
      if (req.method === 'PUT') uploads += 1;
      req.resume();
      req.on('end', () => {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            message:
              'Denying attempt to upload image because it exceeds the quota: The size of the data 16777216 will exceed the limit. 0 bytes remaining.<br /><br />',
            code: '413 Request Entity Too Large',
            title: 'Request Entity Too Large',
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const glance = new Glance({
        cloud: 'os-test',
        region: 'RegionOne',
        session: provider.session,
        base,
        requestMs: 30_000,
        sleep: async () => undefined,
      });
      const failure = await glance
        .upload('0a0a0a0a-0000-0000-0000-000000000000', () => new Blob([new Uint8Array(65536)]).stream())
        .catch((e: unknown) => e as ProviderError);
      expect(failure).toBeInstanceOf(ProviderError);
      expect((failure as ProviderError).kind).toBe('quota');
      expect((failure as Error).message).toMatch(
        /openstack cloud "os-test" region RegionOne: upload image data failed with HTTP 413: Denying attempt to upload image because it exceeds the quota.*remove unused images, or ask the cloud operator to raise the image quota. Not retried./,
      );
      expect(uploads).toBe(1);
    } finally {
      server.close();
    }
  });

  it('an image is in use when a server booted from it (Nova) or a volume was made from it (Cinder), across pages', async () => {
    const used = `${randomBytes(4).toString('hex')}-image`;
    standIns.servers.set(used, ['s1', 's2', 's3']);
    standIns.volumes.set(used, ['v1']);
    standIns.servers.set('other', ['s9']);
    const image = { ...record('f'.repeat(32), 'x', usageRegion), id: used };
    expect(await provider.inUse(image)).toEqual({ inUse: true, references: ['server s1', 'server s2', 'server s3', 'volume v1'] });
    expect(await provider.inUse({ ...image, id: 'unused' })).toEqual({ inUse: false, references: [] });
    // Cinder's glance_metadata filter needs microversion 3.4; the project id came from the catalog's URL template.
    const cinder = standIns.requests.filter((r) => r.url.includes('/volumes/detail'));
    expect(cinder.every((r) => r.version === 'volume 3.4')).toBe(true);
    expect(cinder[0].url).toContain(`/v3/${harness().OS_ADMIN_PROJECT_ID}/volumes/detail?glance_metadata=`);
    // RegionTwo has no compute or volume service: nothing there can use an image.
    expect(standIns.requests.length).toBeGreaterThan(0);
    expect(await provider.inUse({ ...image, region: 'RegionTwo' })).toEqual({ inUse: false, references: [] });
  });
});
