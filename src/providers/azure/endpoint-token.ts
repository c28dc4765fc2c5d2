/**
 * A ready access token and an extra CA certificate, read from the
 * environment: for private endpoints with their own certificate authority,
 * tokens fetched by an earlier step, and black-box tests against local fakes.
 *
 *   IMAGE_BUILDER_AZURE_ACCESS_TOKEN  a bearer token for ARM (no sign-in at all)
 *   IMAGE_BUILDER_AZURE_CA_FILE       a PEM file: CA certificate(s) the ARM
 *                                     endpoint's certificate chains to, trusted
 *                                     on top of Node's built-in roots
 *
 * (NODE_EXTRA_CA_CERTS works too, but only when set before Node starts.)
 */
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';

export const AZURE_ACCESS_TOKEN_ENV = 'IMAGE_BUILDER_AZURE_ACCESS_TOKEN';
export const AZURE_CA_FILE_ENV = 'IMAGE_BUILDER_AZURE_CA_FILE';

/** The token in `env[name]`, handed to `mask` before anything could print it; undefined when unset. */
export function tokenFromEnv(env: NodeJS.ProcessEnv, name: string, mask?: (secret: string) => void): string | undefined {
  const token = env[name]?.trim();
  if (!token) return undefined;
  mask?.(token);
  return token;
}

/**
 * Node's built-in roots plus the certificates of the PEM file named by
 * `env[name]` (a `ca` option replaces the roots, so they are kept here);
 * undefined when unset. An unreadable or non-PEM file is a clear error.
 */
export async function caFromEnv(env: NodeJS.ProcessEnv, name: string): Promise<string[] | undefined> {
  const file = env[name]?.trim();
  if (!file) return undefined;
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`${name}="${file}" cannot be read (${code}): name a PEM file holding the endpoint's CA certificate, or unset ${name}`, {
      cause: error,
    });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`${name}="${file}" holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate in PEM form`);
  }
  return [...rootCertificates, pem];
}
