/**
 * The Hyper-V generation of a build's marketplace source. A gallery image
 * definition's `hyperVGeneration` must match the images published into it
 * (learn.microsoft.com/azure/virtual-machines/image-version: "the Hyper-V
 * generation of the VM image ... must match the image definition"), and it
 * cannot be changed once the definition exists. The generation is read from
 * the marketplace image itself (Virtual Machine Images - Get:
 * `properties.hyperVGeneration`), since SKU names do not tell reliably
 * (Debian `12` is Gen1 and `12-gen2` Gen2, while Canonical's 24.04 `server`
 * is Gen2 and `server-gen1` Gen1).
 */
import type { ComputeManagementClient } from '@azure/arm-compute';
import type { AzureSource } from '../../topology/model.js';

export type HyperVGeneration = 'V1' | 'V2';

/** Orders marketplace version names (Major.Minor.Patch, numbers compared as numbers). */
export function newer(a: string, b: string): number {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  return 0;
}

/**
 * The generation the SKU name announces, for when the marketplace cannot be
 * read (403: the lookup is a subscription-level read, and the build may hold
 * roles on its resource group only): Gen2 SKUs end in `gen2` (Debian
 * `12-gen2`, Canonical `22_04-lts-gen2`), Gen1 otherwise.
 */
export function generationFromSku(sku: string): HyperVGeneration {
  return /gen2$/i.test(sku) ? 'V2' : 'V1';
}

/** The generation of `source` in `location` (a `latest` version is resolved to the newest one listed). */
export async function sourceGeneration(
  client: ComputeManagementClient,
  location: string,
  source: AzureSource,
  log?: (message: string) => void,
): Promise<HyperVGeneration> {
  try {
    return await marketplaceGeneration(client, location, source);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 403) throw error;
    log?.(
      `azure: cannot read the marketplace image ${source.publisher}:${source.offer}:${source.sku} (403); ` +
        `taking Hyper-V ${generationFromSku(source.sku)} from the SKU name (grant Reader on the subscription to read it)`,
    );
    return generationFromSku(source.sku);
  }
}

async function marketplaceGeneration(client: ComputeManagementClient, location: string, source: AzureSource): Promise<HyperVGeneration> {
  const { publisher, offer, sku } = source;
  const where = `${publisher}:${offer}:${sku}`;
  let version = source.version ?? 'latest';
  if (version.toLowerCase() === 'latest') {
    const listed = await client.virtualMachineImages.list(location, publisher, offer, sku);
    const names = listed.map((v) => v.name).sort(newer);
    if (!names[0]) throw new Error(`the marketplace image ${where} has no version in ${location}: check publisher, offer and sku`);
    version = names[0];
  }
  const image = await client.virtualMachineImages.get(location, publisher, offer, sku, version);
  // An image without the field is Gen1: hyperVGeneration was added with Gen2 images (VirtualMachineImageProperties).
  return image.hyperVGeneration === 'V2' ? 'V2' : 'V1';
}
