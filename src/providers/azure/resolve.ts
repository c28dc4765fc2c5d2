/**
 * The marketplace image an Azure source names today, in the build location:
 * - `version: latest` (the default): the newest of the versions Virtual
 *   Machine Images - List returns for publisher/offer/sku in the location,
 *   by version order (Major.Minor.Build, numbers compared as numbers: List
 *   answers in no promised order, and text order puts 0.20250101.9 after
 *   0.20250101.10);
 * - a concrete version: Virtual Machine Images - Get of it, pinned.
 * One ARM call either way. The build then boots exactly this version
 * (image_version), never `latest`.
 */
import type { ComputeManagementClient } from '@azure/arm-compute';
import type { AzureSource, ProviderSource } from '../../topology/model.js';
import type { ResolvedSource } from '../provider.js';
import { describeFields, sourceError, sourceNotFound, type SourceSite } from '../source-errors.js';
import { azureError, isSdkError } from './errors.js';
import { newer } from './generation.js';
import { requiredRole } from './roles.js';

/** What the provider lends the lookup (AzureProvider has all of it). */
export interface AzureLookup {
  client: ComputeManagementClient;
  cloud: { name: string };
  subscription: string;
  resourceGroup: string;
  gallery: string;
}

export const isLatest = (version: string | undefined): boolean => (version ?? 'latest').toLowerCase() === 'latest';

export async function resolveAzureSource(lookup: AzureLookup, location: string, source: AzureSource): Promise<ResolvedSource> {
  const { publisher, offer, sku } = source;
  const urn = `${publisher}:${offer}:${sku}`;
  const latest = isLatest(source.version);
  const site: SourceSite = {
    cloud: lookup.cloud.name,
    provider: 'azure',
    region: location,
    source: describeFields({ publisher, offer, sku, version: source.version ?? 'latest' }),
    check: latest
      ? `publisher, offer and sku (az vm image list --location ${location} --publisher ${publisher} --offer ${offer} --sku ${sku} --all)`
      : `the version: marketplace versions are retired after a while (az vm image list --location ${location} --urn ${urn}:latest --all)`,
    permission: requiredRole('source', lookup.resourceGroup, lookup.gallery, lookup.subscription),
  };
  const operation = latest ? 'Virtual Machine Images - List' : 'Virtual Machine Images - Get';
  const call = { cloud: site.cloud, operation: `lookup of the source image ${urn}`, region: location, role: site.permission };
  let names: string[];
  try {
    if (!latest) {
      const image = await lookup.client.virtualMachineImages.get(location, publisher, offer, sku, source.version as string);
      return { id: image.name || (source.version as string), name: `${urn}:${image.name || source.version}`, pinned: true };
    }
    names = (await lookup.client.virtualMachineImages.list(location, publisher, offer, sku)).map((v) => v.name);
  } catch (error) {
    throw sourceError(site, isSdkError(error) ? azureError(call, error) : error);
  }
  const [version] = names.filter(Boolean).sort(newer);
  if (!version) throw sourceNotFound(site, operation, `the marketplace lists no version of ${urn} in ${location}`);
  return { id: version, name: `${urn}:${version}`, pinned: false };
}

/** The source as the build uses it: the version the plan resolved in place of `latest` (prepareBuild reads its generation). */
export function resolvedAzureSource(source: ProviderSource | undefined, resolved?: ResolvedSource): AzureSource | undefined {
  if (!source || !('offer' in source)) return undefined;
  return resolved ? { ...source, version: resolved.id } : source;
}
