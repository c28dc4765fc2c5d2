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
 */
import { DisksClient, GlobalOperationsClient, ImagesClient, InstanceTemplatesClient } from '@google-cloud/compute';
import { GoogleAuth, OAuth2Client } from 'google-auth-library';

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
}

/** One set of clients sharing one auth client; the optional ones are made on first use. */
export class GcpClients {
  readonly images: ImagesClient;
  private readonly options: ClientOptions;
  private operationsClient?: GlobalOperationsClient;
  private disksClient?: DisksClient;
  private templatesClient?: InstanceTemplatesClient;

  constructor(settings: GcpClientSettings) {
    const options: ClientOptions = { fallback: true };
    if (settings.endpoint) Object.assign(options, settings.endpoint);
    if (settings.accessToken) {
      settings.mask?.(settings.accessToken);
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: settings.accessToken });
      options.authClient = auth;
    } else {
      // One ADC instance for every client: one token exchange, not one per client. Without
      // projectId, external_account credentials ask Cloud Resource Manager for the project
      // behind the pool's project number (an extra call, and a permission the run may lack).
      options.auth = new GoogleAuth({ scopes: ImagesClient.scopes, projectId: settings.project });
    }
    this.options = options;
    this.images = new ImagesClient({ ...options });
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
      await auth.getClient();
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
    return (this.operationsClient ??= new GlobalOperationsClient({ ...this.options }));
  }

  get disks(): DisksClient {
    return (this.disksClient ??= new DisksClient({ ...this.options }));
  }

  get templates(): InstanceTemplatesClient {
    return (this.templatesClient ??= new InstanceTemplatesClient({ ...this.options }));
  }

  async close(): Promise<void> {
    await Promise.all([this.images.close(), this.operationsClient?.close(), this.disksClient?.close(), this.templatesClient?.close()]);
  }
}
