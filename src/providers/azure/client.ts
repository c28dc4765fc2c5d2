/**
 * Builds the ComputeManagementClient: sovereign cloud endpoints, the
 * credential (GitHub OIDC federation or the default chain), retries and TLS.
 * @azure/identity and @actions/core are imported only when they are needed.
 */
import { ComputeManagementClient } from '@azure/arm-compute';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { rememberArmError } from './errors.js';
import { RETRY_POLICY, formatMs, timeouts, type Timeouts } from '../retry.js';
import { AZURE_ACCESS_TOKEN_ENV, tokenFromEnv } from './endpoint-token.js';

/** Options beyond ProviderContext, for tests and embedding. */
export interface AzureProviderOptions {
  /** A ready credential (tests pass one returning a fake token). */
  credential?: TokenCredential;
  /** Fetches the GitHub OIDC token for an audience (default: @actions/core getIDToken). */
  getIdToken?: (audience: string) => Promise<string>;
  /** Called with every secret read (the OIDC token) before anything could print it. */
  mask?: (secret: string) => void;
  /** Extra CA certificate(s) to trust, e.g. a private endpoint's or a local fake's. */
  ca?: string | Buffer | (string | Buffer)[];
  /** The SDK retry policy (429/503 with Retry-After, 5xx, connection resets). */
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** Delay between polls of long-running operations and replication (default 15 s). */
  pollIntervalMs?: number;
  /** Give up waiting for a copy or a busy version after this long (default 3 h). */
  waitTimeoutMs?: number;
  /** How long one gallery listing serves inventory and one VM listing serves inUse (default 60 s). */
  cacheMs?: number;
  /** Clock (tests). */
  now?: () => Date;
  /** Deadlines of one request, token requests included (default TIMEOUTS in providers/retry.ts). */
  timeouts?: Partial<Timeouts>;
}

interface SovereignCloud {
  name: string;
  arm: string;
  authorityHost: string;
}

/** The clouds `azure-cloud` may name (az CLI spelling; case is ignored). */
export const AZURE_CLOUDS: Record<string, SovereignCloud> = {
  azurecloud: { name: 'AzureCloud', arm: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com' },
  azurechinacloud: { name: 'AzureChinaCloud', arm: 'https://management.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn' },
  azureusgovernment: {
    name: 'AzureUSGovernment',
    arm: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
  },
};

export function resolveAzureCloud(name: string | undefined): SovereignCloud {
  const cloud = AZURE_CLOUDS[(name || 'AzureCloud').toLowerCase()];
  if (!cloud) {
    throw new Error(
      `azure-cloud "${name}" is not known: use one of ${Object.values(AZURE_CLOUDS)
        .map((c) => c.name)
        .join(', ')}`,
    );
  }
  return cloud;
}

/** The ARM endpoint, token scope and authority host for a cloud and environment. */
export function azureEndpoints(azureCloud: string | undefined, env: NodeJS.ProcessEnv) {
  const cloud = resolveAzureCloud(azureCloud);
  const endpoint = (env.IMAGE_BUILDER_AZURE_ENDPOINT || cloud.arm).replace(/\/+$/, '');
  return { cloud: cloud.name, endpoint, scope: `${cloud.arm}/.default`, authorityHost: cloud.authorityHost };
}

export const OIDC_AUDIENCE = 'api://AzureADTokenExchange';

/**
 * A ready token in IMAGE_BUILDER_AZURE_ACCESS_TOKEN (masked) first; then
 * GitHub OIDC federation when the job may mint ID tokens (id-token: write
 * sets ACTIONS_ID_TOKEN_REQUEST_URL) and AZURE_CLIENT_ID / AZURE_TENANT_ID
 * name the app registration; otherwise DefaultAzureCredential (environment,
 * workload identity, managed identity, az CLI after azure/login, ...).
 */
export async function azureCredential(
  env: NodeJS.ProcessEnv,
  authorityHost: string,
  options: AzureProviderOptions,
): Promise<{ credential: TokenCredential; kind: string }> {
  if (options.credential) return { credential: options.credential, kind: 'given' };
  const token = tokenFromEnv(env, AZURE_ACCESS_TOKEN_ENV, options.mask);
  if (token) return { credential: staticTokenCredential(token), kind: 'access-token' };
  const identity = await import('@azure/identity');
  const { AZURE_CLIENT_ID: clientId, AZURE_TENANT_ID: tenantId } = env;
  const deadlines = timeouts(options.timeouts);
  // Token requests to Microsoft Entra ID get the same per-attempt deadline as ARM calls.
  const common = { authorityHost, additionalPolicies: [{ policy: timeoutPolicy(deadlines), position: 'perRetry' as const }] };
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL && clientId && tenantId) {
    const getIdToken = options.getIdToken ?? (async (audience: string) => (await import('@actions/core')).getIDToken(audience));
    const assertion = async (): Promise<string> => {
      const token = await withinDeadline(getIdToken(OIDC_AUDIENCE), deadlines.requestMs, 'the GitHub OIDC token request');
      options.mask?.(token);
      return token;
    };
    return {
      credential: new identity.ClientAssertionCredential(tenantId, clientId, assertion, common),
      kind: 'github-oidc',
    };
  }
  return {
    credential: new identity.DefaultAzureCredential({ ...common, ...(tenantId ? { tenantId } : {}) }),
    kind: 'default-chain',
  };
}

/** Keeps ARM error bodies the SDK would drop (see rememberArmError). */
const armErrorPolicy: PipelinePolicy = {
  name: 'imageBuilderArmErrors',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status >= 400) rememberArmError(request, response.bodyAsText);
    return response;
  },
};

/**
 * One deadline per request attempt, on the whole exchange (connection, TLS,
 * the answer's headers and body). core-rest-pipeline's own `timeout` request
 * field stops counting once the headers arrive and fails as an AbortError,
 * which its retry policy never retries (it retries RestErrors only,
 * policies/retryPolicy.js); so this policy aborts through the request's
 * abortSignal and fails as a RestError with code ETIMEDOUT, which the
 * exponential retry strategy retries like any socket timeout
 * (isSystemError). `isRestError` accepts any Error named RestError.
 */
export function timeoutPolicy(deadlines: Timeouts, log?: (message: string) => void): PipelinePolicy {
  return {
    name: 'imageBuilderTimeout',
    async sendRequest(request, next) {
      const ms = deadlines.requestMs;
      const outer = request.abortSignal;
      const deadline = new AbortController();
      const onAbort = () => deadline.abort();
      outer?.addEventListener('abort', onAbort);
      const timer = setTimeout(() => deadline.abort(), ms);
      request.abortSignal = deadline.signal;
      try {
        return await next(request);
      } catch (error) {
        if (!deadline.signal.aborted || outer?.aborted) throw error;
        const origin = new URL(request.url).origin;
        log?.(`azure: ${request.method} ${origin} gave no answer within ${formatMs(ms)}`);
        throw Object.assign(new Error(`no answer from ${origin} within ${formatMs(ms)} (request deadline)`), {
          name: 'RestError',
          code: 'ETIMEDOUT',
          request,
        });
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', onAbort);
        request.abortSignal = outer;
      }
    },
  };
}

/** A promise that gives up after `ms` (for calls outside any pipeline). */
function withinDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} gave no answer within ${formatMs(ms)}: run again`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Logs each throttled or failed attempt the SDK is about to retry. */
function retryLogPolicy(log: (message: string) => void): PipelinePolicy {
  return {
    name: 'imageBuilderRetryLog',
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status === 429 || response.status >= 500) {
        const after = response.headers.get('retry-after');
        const path = new URL(request.url).pathname.split('/').slice(-2).join('/');
        log(`azure: ${request.method} .../${path} answered ${response.status}${after ? ` (Retry-After ${after})` : ''}`);
      }
      return response;
    },
  };
}

/** A token credential that never expires, for tests and pre-fetched tokens. */
export function staticTokenCredential(token: string): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

export function createComputeClient(
  credential: TokenCredential,
  subscription: string,
  endpoints: { endpoint: string; scope: string },
  options: AzureProviderOptions,
  log?: (message: string) => void,
): ComputeManagementClient {
  const client = new ComputeManagementClient(credential, subscription, {
    endpoint: endpoints.endpoint,
    credentials: { scopes: [endpoints.scope] },
    retryOptions: {
      // The providers' shared policy (retry.ts): the SDK counts retries, not attempts.
      maxRetries: options.retry?.maxRetries ?? RETRY_POLICY.attempts - 1,
      retryDelayInMs: options.retry?.retryDelayInMs ?? RETRY_POLICY.throttledBaseMs,
      maxRetryDelayInMs: options.retry?.maxRetryDelayInMs ?? RETRY_POLICY.maxDelayMs,
    },
    ...(options.ca ? { tlsOptions: { ca: options.ca } } : {}),
    additionalPolicies: [
      { policy: armErrorPolicy, position: 'perCall' },
      ...(log ? [{ policy: retryLogPolicy(log), position: 'perRetry' as const }] : []),
    ],
    userAgentOptions: { userAgentPrefix: 'multicloud-image-builder' },
  });
  // After the Sign phase: the deadline counts the request itself, not the wait for a token (which has its own).
  client.pipeline.addPolicy(timeoutPolicy(timeouts(options.timeouts), log), { afterPhase: 'Sign' });
  return client;
}
