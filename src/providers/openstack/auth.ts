/**
 * A Keystone v3 session: one `POST /v3/auth/tokens` (password with project
 * scope, or an application credential, which carries its own project),
 * the token from `X-Subject-Token`, the image endpoints of the catalog, and a
 * new token before the old one expires (Keystone API reference, "Password
 * authentication with scoped authorization", "Authenticating with an
 * Application Credential"). The token is handed to `mask` before any use.
 */
import { createHash } from 'node:crypto';
import type { OpenStackAuth } from './config.js';
import { realSleep, withRetry } from '../../util/retry.js';
import { RETRY_POLICY, retryDelay, retryable } from '../retry.js';
import { OpenStackHttpError, describeFailure, errorDetail, failureKind } from './errors.js';

export interface CatalogEndpoint {
  interface: string;
  region_id?: string;
  region?: string;
  url: string;
}
interface CatalogEntry {
  type: string;
  name?: string;
  endpoints: CatalogEndpoint[];
}

export interface Token {
  value: string;
  expiresAt: number;
  projectId: string;
  catalog: CatalogEntry[];
}

export interface SessionOptions {
  cloud: string;
  auth: OpenStackAuth;
  mask?: (secret: string) => void;
  /** Renew when less than this is left (default 5 minutes). */
  renewBeforeMs?: number;
  requestMs: number;
  now?: () => number;
  /** Waits between retries (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

export class KeystoneSession {
  private current?: Promise<Token>;
  /** Every log's masker: each token made is handed to all of them. */
  private readonly masks = new Set<(secret: string) => void>();

  constructor(private readonly options: SessionOptions) {
    this.addMask(options.mask);
  }

  /** One more log to hide the tokens from: the token held now, and every later one. */
  addMask(mask: ((secret: string) => void) | undefined): void {
    if (!mask || this.masks.has(mask)) return;
    this.masks.add(mask);
    void this.current?.then((token) => mask(token.value)).catch(() => undefined);
  }

  get authUrl(): string {
    return this.options.auth.authUrl;
  }

  /** A token with more than renewBeforeMs left: the one held, or a new one. */
  async token(): Promise<Token> {
    const now = (this.options.now ?? Date.now)();
    const held = this.current && (await this.current.catch(() => undefined));
    if (held && held.expiresAt - now > (this.options.renewBeforeMs ?? 5 * 60_000)) return held;
    this.current = this.authenticate();
    this.current.catch(() => (this.current = undefined));
    return this.current;
  }

  /** Drops the held token (Glance refused it): the next call authenticates again. */
  invalidate(): void {
    this.current = undefined;
  }

  /**
   * The image service URL of `region` (the catalog's endpoint of type image,
   * the configured interface, that region), without a version suffix.
   */
  async imageEndpoint(region: string): Promise<string> {
    const found = await this.endpoint(['image'], region);
    if (found) return found.replace(/\/v2(\.\d+)?$/, '');
    const itf = this.options.auth.interface;
    const token = await this.token();
    const all = token.catalog.filter((s) => s.type === 'image').flatMap((s) => s.endpoints.filter((e) => e.interface === itf));
    const regions = [...new Set(all.map((e) => e.region_id ?? e.region))].filter(Boolean);
    throw new Error(
      `openstack cloud "${this.options.cloud}": region "${region}" has no ${itf} image (Glance) endpoint in the Keystone catalog ` +
        `of ${this.options.auth.origin}; ` +
        (regions.length
          ? `regions with one: ${regions.join(', ')}: use one of them under regions:`
          : 'the catalog has no image service at all'),
    );
  }

  /** The URL of the first of `types` (compute, volumev3...) in `region` with the configured interface; undefined when none. */
  async endpoint(types: string[], region: string): Promise<string | undefined> {
    const token = await this.token();
    const itf = this.options.auth.interface;
    for (const type of types) {
      const found = token.catalog
        .filter((s) => s.type === type)
        .flatMap((s) => s.endpoints)
        .find((e) => e.interface === itf && (e.region_id ?? e.region) === region);
      if (found) return found.url.replace(/\/+$/, '');
    }
    return undefined;
  }

  /** POST /v3/auth/tokens, throttled and transient failures retried under the providers' policy. */
  private async authenticate(): Promise<Token> {
    const { auth, cloud, requestMs } = this.options;
    const url = `${auth.authUrl}/auth/tokens`;
    const post = async (): Promise<{ response: Response; text: string }> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ auth: authBody(auth) }),
        signal: AbortSignal.timeout(requestMs),
      });
      const text = await response.text();
      if (response.status !== 201 && response.status !== 200) throw new OpenStackHttpError(response.status, errorDetail(text));
      return { response, text };
    };
    let answer: { response: Response; text: string };
    try {
      answer = await withRetry(post, {
        attempts: RETRY_POLICY.attempts,
        retryable: (error) => retryable(failureKind(error)),
        delay: (error, n) => retryDelay(n, failureKind(error), (error as OpenStackHttpError).retryAfterMs),
        sleep: this.options.sleep ?? realSleep,
      });
    } catch (error) {
      const status = error instanceof OpenStackHttpError ? error.status : 0;
      const what = auth.method === 'password' ? 'user name, password, domain or project' : 'application credential';
      throw describeFailure(error, {
        cloud,
        operation: 'keystone auth',
        endpoint: auth.authUrl,
        requestMs,
        advice:
          status === 401 || status === 403
            ? `Keystone refused the ${what} of ${auth.origin}: correct them (an application credential may have expired or been deleted). Not retried.`
            : undefined,
      });
    }
    const { response, text } = answer;
    const value = response.headers.get('x-subject-token') ?? '';
    if (value) for (const mask of this.masks) mask(value);
    const body = JSON.parse(text) as { token: { expires_at: string; project?: { id: string }; catalog?: CatalogEntry[] } };
    const projectId = body.token.project?.id;
    if (!value || !projectId) {
      throw new Error(
        `openstack cloud "${cloud}": Keystone at ${auth.authUrl} gave ${value ? 'an unscoped' : 'no'} token for ${auth.origin}; ` +
          'name the project (project_name or project_id) or use an application credential',
      );
    }
    return { value, expiresAt: Date.parse(body.token.expires_at), projectId, catalog: body.token.catalog ?? [] };
  }
}

const sessions = new Map<string, KeystoneSession>();

/**
 * The session of these credentials in this process, made once: every command
 * and hook that reaches the same cloud shares its token (each new token costs
 * Glance a validation call to Keystone). Keyed by the cloud and the settings,
 * with the password or secret only as a hash.
 */
export function sharedSession(options: SessionOptions): KeystoneSession {
  const { password, appCredentialSecret, origin: _origin, ...settings } = options.auth;
  const secret = createHash('sha256')
    .update(`${password ?? ''}\0${appCredentialSecret ?? ''}`)
    .digest('hex');
  const key = JSON.stringify([options.cloud, settings, secret]);
  let session = sessions.get(key);
  if (!session) sessions.set(key, (session = new KeystoneSession(options)));
  session.addMask(options.mask);
  return session;
}

function authBody(auth: OpenStackAuth): Record<string, unknown> {
  const user = {
    ...(auth.userId ? { id: auth.userId } : { name: auth.username }),
    ...(auth.userId ? {} : { domain: auth.userDomain ?? { id: 'default' } }),
  };
  if (auth.method === 'application_credential') {
    const credential = auth.appCredentialId
      ? { id: auth.appCredentialId, secret: auth.appCredentialSecret }
      : { name: auth.appCredentialName, secret: auth.appCredentialSecret, user };
    return { identity: { methods: ['application_credential'], application_credential: credential } };
  }
  const project = auth.projectId
    ? { id: auth.projectId }
    : { name: auth.projectName, domain: auth.projectDomain ?? auth.userDomain ?? { id: 'default' } };
  return {
    identity: { methods: ['password'], password: { user: { ...user, password: auth.password } } },
    scope: { project },
  };
}
