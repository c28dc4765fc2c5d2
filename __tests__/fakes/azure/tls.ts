/**
 * A self-signed certificate for 127.0.0.1, made once per test process with
 * openssl in a temporary folder (the Azure bearer policy refuses plain http).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface FakeCertificate {
  cert: string;
  key: string;
}

let pending: Promise<FakeCertificate> | undefined;

async function generate(): Promise<FakeCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'azure-fake-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    return { cert: await readFile(cert, 'utf8'), key: await readFile(key, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function fakeCertificate(): Promise<FakeCertificate> {
  pending ??= generate().catch((error: unknown) => {
    pending = undefined;
    throw new Error(`azure fake: could not make a TLS certificate with openssl: ${String(error)}`);
  });
  return pending;
}
