/**
 * Picks the provider module for a cloud. Each cloud SDK is imported lazily,
 * only when a cloud of that provider is used, so a plan against AWS never
 * loads the GCP or Azure SDKs.
 */
import type { Cloud } from '../topology/model.js';
import type { Provider } from './provider.js';

export interface ProviderContext {
  /** Folder of the topology file: the local store path is relative to it. */
  baseDir: string;
  /** Environment to read endpoints and credentials from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** GCP: a ready OAuth access token (input gcp-access-token). */
  gcpAccessToken?: string;
  /** Azure: AzureCloud | AzureChinaCloud | AzureUSGovernment. */
  azureCloud?: string;
  /** Injectable sleep for retries and polling (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** Log sink for retries and progress (default: none). */
  log?: (message: string) => void;
  /** Hides a secret (token, key) from every later log line. */
  mask?: (secret: string) => void;
}

export async function createProvider(cloud: Cloud, context: ProviderContext): Promise<Provider> {
  switch (cloud.provider) {
    case 'local': {
      const { LocalProvider } = await import('./local.js');
      return new LocalProvider(cloud, context);
    }
    case 'aws': {
      const { createAwsProvider } = await import('./aws.js');
      return createAwsProvider(cloud, context);
    }
    case 'gcp': {
      const { createGcpProvider } = await import('./gcp.js');
      return createGcpProvider(cloud, context);
    }
    case 'azure': {
      const { createAzureProvider } = await import('./azure.js');
      return createAzureProvider(cloud, context);
    }
  }
}
