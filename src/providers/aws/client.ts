/**
 * One EC2Client per region, created on first use and cached. Endpoint and
 * credentials follow the AWS SDK's own conventions:
 * - endpoint: AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL (unless
 *   AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), read from the provider's env.
 *   The SDK reads these from process.env by itself; we read them from
 *   `context.env` so a caller-supplied environment works the same way.
 * - credentials: an explicit `credentials` option; else static keys in a
 *   caller-supplied env (masked first); else the SDK default chain, which
 *   picks up what aws-actions/configure-aws-credentials exported after its
 *   OIDC exchange (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 *   AWS_SESSION_TOKEN, or AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), shared
 *   profiles, SSO, container and instance roles.
 */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { AwsRetryStrategy, type RetryEvent } from './retry.js';
import { timeouts, type Timeouts } from '../retry.js';

export type AwsCredentials = NonNullable<EC2ClientConfig['credentials']>;

export interface AwsClientOptions {
  /** Environment to read endpoint variables and static keys from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Explicit endpoint (wins over the environment). */
  endpoint?: string;
  /** Credentials or a credential provider; default: the SDK chain. */
  credentials?: AwsCredentials;
  /** Called with each secret before it is used, e.g. core.setSecret. */
  mask?: (secret: string) => void;
  /** Attempts per call, first try included (default 8). */
  maxAttempts?: number;
  /** Delay before retry `attempt`; default exponential backoff with full jitter. */
  backoff?: (attempt: number, throttled: boolean) => number;
  sleep: (ms: number) => Promise<void>;
  onRetry?: (event: RetryEvent) => void;
  /** Deadlines of one attempt (default TIMEOUTS in providers/retry.ts). */
  timeouts?: Partial<Timeouts>;
}

/** The endpoint the SDK would use from these variables, or undefined for AWS itself. */
export function endpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_EC2 || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * Static keys from a caller-supplied environment. process.env is left to the
 * SDK chain, which also handles web identity, profiles and refreshes.
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv | undefined, mask?: (secret: string) => void): AwsCredentials | undefined {
  if (!env || env === process.env) return undefined;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  for (const secret of [accessKeyId, secretAccessKey, sessionToken]) if (secret) mask?.(secret);
  return { accessKeyId, secretAccessKey, sessionToken };
}

/**
 * The SDK's NodeHttpHandler options (@smithy/node-http-handler 4.x,
 * NodeHttpHandlerOptions in @smithy/types): `connectionTimeout` abandons a
 * connection not up in time; `requestTimeout` fails a request whose answer has
 * not begun in time, but only with `throwOnRequestTimeout` (without it the
 * handler merely logs a warning); `socketTimeout` fails a socket silent that
 * long, which also bounds an answer that stalls midway. Each failure is a
 * TimeoutError the retry strategy treats as transient.
 */
export function requestHandlerOptions(deadlines: Timeouts) {
  return {
    connectionTimeout: deadlines.connectMs,
    requestTimeout: deadlines.requestMs,
    throwOnRequestTimeout: true,
    socketTimeout: deadlines.requestMs,
  };
}

export class AwsClients {
  private readonly clients = new Map<string, EC2Client>();
  private readonly endpoint: string | undefined;
  private readonly credentials: AwsCredentials | undefined;
  readonly timeouts: Timeouts;

  constructor(private readonly options: AwsClientOptions) {
    this.endpoint = options.endpoint ?? endpointFromEnv(options.env ?? process.env);
    this.credentials = options.credentials ?? credentialsFromEnv(options.env, options.mask);
    this.timeouts = timeouts(options.timeouts);
  }

  /** The endpoint calls into `region` go to, for messages. */
  endpointOf(region: string): string {
    return this.endpoint ?? `https://ec2.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
  }

  get(region: string): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      const retryStrategy = new AwsRetryStrategy({
        region,
        maxAttempts: this.options.maxAttempts,
        backoff: this.options.backoff,
        sleep: this.options.sleep,
        onRetry: this.options.onRetry,
      });
      client = new EC2Client({
        region,
        maxAttempts: retryStrategy.maxAttempts,
        retryStrategy,
        requestHandler: requestHandlerOptions(this.timeouts),
        ...(this.endpoint ? { endpoint: this.endpoint } : {}),
        ...(this.credentials ? { credentials: this.credentials } : {}),
      });
      // The SDK's logger middleware copies every answer through its sensitive-data
      // filter for the logger, even for the default one that logs nothing; we give
      // it none, so it only cost time (a fifth of reading a page of 1,000 AMIs).
      client.middlewareStack.remove('loggerMiddleware');
      this.clients.set(region, client);
    }
    return client;
  }

  /** Closes every cached client's sockets. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
