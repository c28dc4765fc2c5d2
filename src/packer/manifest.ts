/** Reads the image id out of Packer's manifest post-processor output. */
import type { FingerprintedImage } from '../plan/types.js';

interface PackerManifest {
  builds?: { artifact_id?: string; custom_data?: Record<string, string>; files?: { name: string }[] }[];
  last_run_uuid?: string;
}

/**
 * The last build's artifact id, per builder: amazon-ebs "region:ami-..." (the
 * AMI id is returned), googlecompute the image name, azure-arm the managed
 * image id, qemu the disk path.
 */
export function artifactId(manifest: PackerManifest, image: FingerprintedImage): string {
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
  return raw;
}
