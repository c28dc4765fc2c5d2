/**
 * The Compute Engine clients of one GCP cloud, in REST (fallback) mode.
 *
 * Endpoint: IMAGE_BUILDER_GCP_ENDPOINT (`https://compute.example.p.googleapis.com`,
 * `http://127.0.0.1:8080`, or a bare host name for https on 443); unset means
 * compute.googleapis.com.
 * Credentials: a ready OAuth access token (input `gcp-access-token`, e.g. the
 * `access_token` output of google-github-actions/auth) in an OAuth2Client,
 * handed to the mask hook first; otherwise Application Default Credentials,
 * which read GOOGLE_APPLICATION_CREDENTIALS (the external_account file that
 * google-github-actions/auth writes for workload identity federation).
 * The client classes and their gax instance come from sdk.ts (what they load).
 */
import { GoogleAuth, OAuth2Client } from 'google-auth-library';
import { formatMs, timeouts, type Timeouts } from '../retry.js';
import { DisksClient, GlobalOperationsClient, ImagesClient, InstanceTemplatesClient, computeGax } from './sdk.js';

export const ENDPOINT_ENV = 'IMAGE_BUILDER_GCP_ENDPOINT';

type ClientOptions = NonNullable<ConstructorParameters<typeof ImagesClient>[0]>;

export interface GcpEndpoint {
  apiEndpoint: string;
  port: number;
  protocol: 'http' | 'https';
}

/** Reads an endpoint URL or host; throws a clear Error on what gax cannot use. */
export function parseEndpoint(value: string | undefined): GcpEndpoint | undefined {
  const raw = value?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new Error(`${ENDPOINT_ENV}="${raw}" is not a URL or host name`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${ENDPOINT_ENV}="${raw}": only http and https endpoints are supported`);
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw new Error(`${ENDPOINT_ENV}="${raw}": give the host (and port) only; the client adds /compute/v1/...`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
  return { apiEndpoint: url.hostname.replace(/^\[|\]$/g, ''), port, protocol };
}

export interface GcpClientSettings {
  /** The project every call names; given to ADC so it never looks the project up itself. */
  project: string;
  endpoint?: GcpEndpoint;
  accessToken?: string;
  mask?: (secret: string) => void;
  /** Deadlines of one request (default TIMEOUTS in providers/retry.ts). */
  timeouts?: Partial<Timeouts>;
}

/** globalOperations.wait is a long poll: Compute Engine answers it after up to 2 minutes. */
const LONG_POLL = /\/operations\/[^/]+\/wait$/;

/** What a fetch is given: a URL, its text, or a request-like object. */
function urlOf(input: unknown): URL | undefined {
  try {
    if (input instanceof URL) return input;
    if (typeof input === 'string') return new URL(input);
    const url = (input as { url?: unknown } | undefined)?.url;
    return url === undefined ? undefined : new URL(String(url));
  } catch {
    return undefined;
  }
}

/**
 * Gives every compute request a deadline. In REST (fallback) mode gax ignores
 * its own `timeout` call option (google-gax 5 fallbackServiceStub.js hands
 * the request to `auth.fetch` with no deadline; measured: a call with
 * `timeout: 200` against a silent server never returned), so the deadline
 * goes to gaxios (`timeout`, an AbortSignal.timeout over the whole exchange,
 * gaxios 7 common.d.ts). A request it cuts fails as ETIMEDOUT naming the host
 * and the deadline; the provider retries it as transient.
 */
export function withDeadlines<A extends OAuth2Client | GoogleAuth>(auth: A, deadlines: Timeouts): A {
  type Fetch = (input: unknown, init?: Record<string, unknown>) => Promise<unknown>;
  const fetch = (auth.fetch as Fetch).bind(auth);
  const timed = async (input: unknown, init?: Record<string, unknown>) => {
    const url = urlOf(input);
    const ms = url && LONG_POLL.test(url.pathname) ? deadlines.longPollMs : deadlines.requestMs;
    try {
      return await fetch(input, { ...init, timeout: ms });
    } catch (error) {
      const signal = init?.signal as AbortSignal | undefined;
      if (!signal?.aborted && isAbort(error)) throw timedOut(error, url, ms);
      throw error;
    }
  };
  return Object.assign(auth, { fetch: timed as A['fetch'] });
}

function isAbort(error: unknown): boolean {
  const e = error as { name?: unknown; cause?: { name?: unknown } } | undefined;
  return [e?.name, e?.cause?.name].some((n) => n === 'AbortError' || n === 'TimeoutError');
}

/**
 * The aborted request's error, now saying which deadline ran out where (code
 * ETIMEDOUT: transient, see errors.ts). A token request made on the way (a
 * refresh, the STS exchange) names its own URL and deadline, and keeps its
 * config, so the error still reads as a credentials failure.
 */
function timedOut(error: unknown, url: URL | undefined, ms: number): Error {
  const config = (error as { config?: { url?: unknown; timeout?: unknown } } | undefined)?.config;
  const failed = (config?.url === undefined ? undefined : urlOf({ url: config.url })) ?? url;
  const deadline = typeof config?.timeout === 'number' ? config.timeout : ms;
  const message = `no answer from ${failed ? failed.origin : 'the endpoint'} within ${formatMs(deadline)} (request deadline)`;
  return Object.assign(error instanceof Error ? error : new Error(String(error)), { message, code: 'ETIMEDOUT', timeoutMs: deadline });
}

/**
 * google-auth-library 10 gives the STS token exchange of external_account
 * credentials a Gaxios of its own (baseexternalclient.js: `new StsCredentials(
 * { tokenExchangeEndpoint, clientAuthentication })`, no transporter), so the
 * client's transporterOptions miss it: its defaults get the same deadline.
 */
function deadlineOnTokenExchange(client: unknown, ms: number): void {
  const sts = (client as { stsCredential?: { transporter?: { defaults?: { timeout?: number } } } }).stsCredential;
  if (sts?.transporter?.defaults) sts.transporter.defaults.timeout ??= ms;
}

/** One set of clients sharing one auth client; the optional ones are made on first use. */
export class GcpClients {
  readonly images: ImagesClient;
  private readonly options: ClientOptions;
  private operationsClient?: GlobalOperationsClient;
  private disksClient?: DisksClient;
  private templatesClient?: InstanceTemplatesClient;
  readonly timeouts: Timeouts;
  /** Where the compute calls go, for messages. */
  readonly url: string;

  constructor(settings: GcpClientSettings) {
    const options: ClientOptions = { fallback: true };
    if (settings.endpoint) Object.assign(options, settings.endpoint);
    const { protocol = 'https', apiEndpoint = 'compute.googleapis.com', port = 443 } = settings.endpoint ?? {};
    this.url = `${protocol}://${apiEndpoint.includes(':') ? `[${apiEndpoint}]` : apiEndpoint}:${port}`;
    const deadlines = (this.timeouts = timeouts(settings.timeouts));
    // Token requests (impersonation, refresh) go through the auth client's own transport: the same deadline.
    const transporterOptions = { timeout: deadlines.requestMs };
    if (settings.accessToken) {
      settings.mask?.(settings.accessToken);
      const auth = new OAuth2Client({ transporterOptions });
      auth.setCredentials({ access_token: settings.accessToken });
      options.authClient = withDeadlines(auth, deadlines);
    } else {
      // One ADC instance for every client: one token exchange, not one per client. Without
      // projectId, external_account credentials ask Cloud Resource Manager for the project
      // behind the pool's project number (an extra call, and a permission the run may lack).
      const auth = new GoogleAuth({ scopes: ImagesClient.scopes, projectId: settings.project, clientOptions: { transporterOptions } });
      options.auth = withDeadlines(auth, deadlines);
    }
    this.options = options;
    this.images = new ImagesClient({ ...options }, computeGax);
  }

  /**
   * Finds the application default credentials before any API call: without
   * them, the SDK's clients would each fail on their own, some of them
   * outside any caller's reach.
   */
  async checkCredentials(cloud: string): Promise<void> {
    const auth = this.options.auth;
    if (!(auth instanceof GoogleAuth)) return;
    try {
      deadlineOnTokenExchange(await auth.getClient(), this.timeouts.requestMs);
    } catch (error) {
      throw new Error(
        `cloud "${cloud}" (gcp): no Google credentials found (${(error as Error).message.split('.')[0]}): ` +
          'run google-github-actions/auth before this step (workload identity federation), or pass the gcp-access-token input; ' +
          'outside GitHub, set GOOGLE_APPLICATION_CREDENTIALS',
        { cause: error },
      );
    }
  }

  get operations(): GlobalOperationsClient {
    return (this.operationsClient ??= new GlobalOperationsClient({ ...this.options }, computeGax));
  }

  get disks(): DisksClient {
    return (this.disksClient ??= new DisksClient({ ...this.options }, computeGax));
  }

  get templates(): InstanceTemplatesClient {
    return (this.templatesClient ??= new InstanceTemplatesClient({ ...this.options }, computeGax));
  }

  async close(): Promise<void> {
    await Promise.all([this.images.close(), this.operationsClient?.close(), this.disksClient?.close(), this.templatesClient?.close()]);
  }
}
