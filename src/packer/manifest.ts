/** Reads the image id out of Packer's manifest post-processor output. */
import type { FingerprintedImage } from '../plan/types.js';
import { DEFAULT_GALLERY, azureImageDefinition, azureVersionName, galleryVersionId, parseAzureImageId } from '../providers/azure/names.js';

interface PackerManifest {
  builds?: { artifact_id?: string; custom_data?: Record<string, string>; files?: { name: string }[] }[];
  last_run_uuid?: string;
}

/**
 * The built image's id, per builder: amazon-ebs's artifact id is
 * "region:ami-..." (the AMI id is returned), googlecompute's the image name,
 * qemu's the disk path. azure-arm's is the managed image id whenever it made
 * one (packer-plugin-azure builder/azure/arm/artifact.go v2.6.3:91-105:
 * Id() returns ManagedImageId before the gallery version id), but the image
 * this tool tracks, verifies and distributes is the gallery version: its id
 * is returned, made of the names the template gave it (the version name is
 * `buildTime`'s, as in sources/azure.ts).
 */
export function artifactId(manifest: PackerManifest, image: FingerprintedImage, buildTime: Date): string {
  const build = manifest.builds?.at(-1);
  const raw = build?.artifact_id;
  if (!raw) throw new Error(`${image.name}: Packer's manifest holds no artifact id: the build made no image`);
  if (image.provider === 'aws') {
    const pair = raw
      .split(',')
      .map((p) => p.split(':'))
      .find(([region]) => region === image.buildRegion);
    if (!pair) throw new Error(`${image.name}: Packer's manifest has no AMI in ${image.buildRegion} (${raw})`);
    return pair[1];
  }
  if (image.provider === 'azure') return azureVersionOf(raw, image, buildTime);
  return raw;
}

function azureVersionOf(raw: string, image: FingerprintedImage, buildTime: Date): string {
  const ref = safeParse(raw);
  const { subscription, resource_group: resourceGroup, gallery } = image.target;
  const version = {
    subscription: subscription ?? '',
    resourceGroup: resourceGroup ?? '',
    gallery: gallery ?? DEFAULT_GALLERY,
    definition: azureImageDefinition(image.image, image.os),
    version: azureVersionName(buildTime),
  };
  if (ref?.kind === 'gallery-version') return raw;
  if (ref?.kind === 'managed-image' && ref.name.toLowerCase() === image.name.toLowerCase()) return galleryVersionId(version);
  throw new Error(`${image.name}: Packer's manifest names ${raw}, not the managed image or gallery version this build made`);
}

function safeParse(raw: string): ReturnType<typeof parseAzureImageId> | undefined {
  try {
    return parseAzureImageId(raw);
  } catch {
    return undefined;
  }
}
