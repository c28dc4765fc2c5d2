/**
 * Picks the provider module for a cloud. Each cloud SDK is imported lazily,
 * only when a cloud of that provider is used, so a plan against AWS never
 * loads the GCP or Azure SDKs.
 */
import type { Cloud } from '../topology/model.js';
import type { Provider, ProviderContext } from './provider.js';

export type { Provider, ProviderContext } from './provider.js';

export async function createProvider(cloud: Cloud, context: ProviderContext): Promise<Provider> {
  switch (cloud.provider) {
    case 'local': {
      const { LocalProvider } = await import('./local/store.js');
      return new LocalProvider(cloud, context);
    }
    case 'aws': {
      const { createAwsProvider } = await import('./aws/index.js');
      return createAwsProvider(cloud, context);
    }
    case 'gcp': {
      const { createGcpProvider } = await import('./gcp/index.js');
      return createGcpProvider(cloud, context);
    }
    case 'azure': {
      const { createAzureProvider } = await import('./azure/index.js');
      return createAzureProvider(cloud, context);
    }
  }
}
