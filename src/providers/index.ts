/**
 * Picks the provider module for a cloud. Each cloud SDK is imported lazily,
 * only when a cloud of that provider is used, so a plan against AWS never
 * loads the GCP or Azure SDKs.
 */
import type { Cloud } from '../topology/model.js';
import type { BuildHooks, Provider, ProviderContext } from './provider.js';

export type { BuildHooks, Provider, ProviderContext, ResolvedSource } from './provider.js';

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
      const { withBuildZone } = await import('./gcp/zones.js');
      return withBuildZone(await createGcpProvider(cloud, context), context);
    }
    case 'azure': {
      const { createAzureProvider } = await import('./azure/index.js');
      return createAzureProvider(cloud, context);
    }
    case 'openstack': {
      const { createOpenStackProvider } = await import('./openstack/index.js');
      return createOpenStackProvider(cloud, context);
    }
  }
}

/**
 * The provider's part in builds and verification beyond Packer's cloud
 * builders. Needs no credentials: a dry run makes them without logging in.
 */
export async function createBuildHooks(cloud: Cloud, context: ProviderContext): Promise<BuildHooks> {
  switch (cloud.provider) {
    case 'local': {
      const { LocalBuildHooks } = await import('./local/build.js');
      return new LocalBuildHooks(cloud, context);
    }
    case 'openstack': {
      // Built here by the local QEMU path, then uploaded to Glance (credentials only then).
      const { OpenStackBuildHooks } = await import('./openstack/build.js');
      const { createOpenStackProvider } = await import('./openstack/index.js');
      return new OpenStackBuildHooks(cloud, context, () => createOpenStackProvider(cloud, context));
    }
    case 'aws':
    case 'gcp':
    case 'azure':
      // Packer creates the image in the cloud and verification boots its id.
      return {};
  }
}
