/**
 * Credentials and endpoints of the GCP provider: application default
 * credentials from an external_account file (as google-github-actions/auth
 * writes it) exchanged at the fake's STS, and IMAGE_BUILDER_GCP_ENDPOINT forms.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createGcpProvider } from '../../../src/providers/gcp/index.js';
import { parseEndpoint } from '../../../src/providers/gcp/client.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { startSilentServer, type SilentServer } from '../../helpers/silent-server.js';
import { gcpCloud as cloud, useGcpFake } from '../../fakes/gcp/harness.js';

const gcp = useGcpFake();

describe('credentials', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gcp-adc-'));
    saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    await rm(dir, { recursive: true, force: true });
  });

  /** The kind of file google-github-actions/auth writes, its token exchange pointed at the gcp.fake. */
  async function externalAccountFile(): Promise<void> {
    await writeFile(path.join(dir, 'oidc-token'), 'header.payload.signature');
    await writeFile(
      path.join(dir, 'creds.json'),
      JSON.stringify({
        type: 'external_account',
        audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/providers/gh',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${gcp.fake.url}/v1/token`,
        credential_source: { file: path.join(dir, 'oidc-token') },
      }),
    );
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(dir, 'creds.json');
  }

  it('uses application default credentials (an external_account file) when no token is given', async () => {
    gcp.seedManaged('img');
    await externalAccountFile();
    const p = await gcp.provider({}, null);
    await p.inventory('europe-west1');
    await p.inUse(await gcp.record(p, 'img'));
    expect(gcp.fake.calls.count('sts.token')).toBe(1);
    const sts = gcp.fake.calls.log.find((c) => c.op === 'sts.token')!;
    expect(sts.body).toMatchObject({ subject_token: 'header.payload.signature' });
    expect(gcp.fake.calls.log.filter((c) => c.op !== 'sts.token').every((c) => c.token === 'fake-sts-access-token')).toBe(true);
    expect(gcp.masked).toEqual([]);
  });

  it('says when getting credentials failed rather than blaming compute permissions', async () => {
    await externalAccountFile();
    gcp.fake.failNext('sts.token', { status: 400, reason: 'invalid_grant', message: 'The audience in the token does not match' });
    const p = await gcp.provider({}, null);
    const error = await p.inventory('europe-west1').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/Getting credentials failed \(127\.0\.0\.1:\d+\)/);
    expect(gcp.fake.calls.count('sts.token')).toBe(1);
    expect(gcp.fake.calls.count('images.list')).toBe(0);
  });

  it('without any credentials, fails before the first API call with what to do', async () => {
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    const saved = { detect: process.env.METADATA_SERVER_DETECTION, home: process.env.HOME };
    process.env.METADATA_SERVER_DETECTION = 'none'; // never probe a metadata server from a test
    process.env.HOME = dir; // no gcloud user credentials either
    try {
      await expect(gcp.provider({}, null)).rejects.toThrow(
        /cloud "gcp-prod" \(gcp\): no Google credentials found .*run google-github-actions\/auth before this step/,
      );
    } finally {
      for (const [key, value] of [
        ['METADATA_SERVER_DETECTION', saved.detect],
        ['HOME', saved.home],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    expect(gcp.fake.calls.log).toEqual([]);
  });
});

describe('endpoint and project', () => {
  it('says what is missing: project, endpoint form', async () => {
    await expect(createGcpProvider({ ...cloud, project: undefined }, { baseDir: '.' })).rejects.toThrow(/needs "project"/);
    expect(parseEndpoint('http://127.0.0.1:8080')).toEqual({ apiEndpoint: '127.0.0.1', port: 8080, protocol: 'http' });
    expect(parseEndpoint('compute.example.p.googleapis.com')).toEqual({
      apiEndpoint: 'compute.example.p.googleapis.com',
      port: 443,
      protocol: 'https',
    });
    expect(parseEndpoint(undefined)).toBeUndefined();
    expect(() => parseEndpoint('https://x.example.com/compute/v1')).toThrow(/host \(and port\) only/);
  });
});

describe('deadlines', () => {
  let silent: SilentServer | undefined;
  afterEach(async () => {
    await silent?.close();
    silent = undefined;
  });

  it('a compute endpoint that accepts connections and never answers fails at the deadline, retried, naming it', async () => {
    silent = await startSilentServer();
    const p = await createGcpProvider(
      cloud,
      { baseDir: '.', env: { IMAGE_BUILDER_GCP_ENDPOINT: silent.url }, gcpAccessToken: 'fake-access-token', sleep: async () => undefined },
      { timeouts: { requestMs: 200 }, retry: { attempts: 3 } },
    );
    const started = Date.now();
    const error = await p.inventory('europe-west1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'transient', operation: 'images.list' });
    const message = (error as Error).message;
    expect(message).toContain(`images.list failed with ETIMEDOUT: no answer from ${silent.url} within 200 ms (request deadline).`);
    expect(message).toContain(
      `${silent.url} did not answer within the deadline (200 ms, 150 s for globalOperations.wait), retries included`,
    );
    expect(silent.requests).toHaveLength(3);
    expect(silent.requests[0]).toMatch(/^GET \/compute\/v1\/projects\/test-project\/global\/images/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a token exchange that never answers fails at the deadline as a credentials failure', async () => {
    silent = await startSilentServer();
    const dir = await mkdtemp(path.join(tmpdir(), 'gcp-adc-'));
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    try {
      await writeFile(path.join(dir, 'oidc-token'), 'header.payload.signature');
      await writeFile(
        path.join(dir, 'creds.json'),
        JSON.stringify({
          type: 'external_account',
          audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/providers/gh',
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
          token_url: `${silent.url}/v1/token`,
          credential_source: { file: path.join(dir, 'oidc-token') },
        }),
      );
      process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(dir, 'creds.json');
      const p = await gcp.provider({ timeouts: { requestMs: 200 }, retry: { attempts: 2 } }, null);
      const error = (await p.inventory('europe-west1').catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(/failed with ETIMEDOUT: no answer from http:\/\/127\.0\.0\.1:\d+ within 200 ms/);
      expect(error.message).toMatch(/Getting credentials failed \(127\.0\.0\.1:\d+\)/);
      expect(silent.requests).toEqual(['POST /v1/token', 'POST /v1/token']);
      expect(gcp.fake.calls.count('images.list')).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
