/**
 * What the build needs to know of the source AMI before Packer runs: its root
 * device name. amazon-ebs resizes the root disk only when a launch block
 * device mapping names exactly the source AMI's root device; any other name
 * adds an extra empty volume and leaves the root at its default size
 * (packer-plugin-amazon docs, launch_block_device_mappings). Debian AMIs use
 * /dev/xvda, Ubuntu and RHEL /dev/sda1.
 */
import { DescribeImagesCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import type { AwsSource } from '../../topology/model.js';

/**
 * The source AMI's root device name in `region`: the AMI named by id, else the
 * newest of the owner's AMIs matching the name pattern (as Packer's
 * source_ami_filter with most_recent picks it). Undefined when none matches:
 * Packer then reports the missing source itself.
 */
export async function sourceRootDevice(client: EC2Client, source: AwsSource): Promise<string | undefined> {
  if (source.ami) {
    const out = await client.send(new DescribeImagesCommand({ ImageIds: [source.ami] }));
    return out.Images?.[0]?.RootDeviceName;
  }
  if (!source.owner || !source.name) return undefined;
  const images: Image[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(
      new DescribeImagesCommand({ Owners: [source.owner], Filters: [{ Name: 'name', Values: [source.name] }], NextToken: token }),
    );
    images.push(...(out.Images ?? []));
    token = out.NextToken;
  } while (token);
  const newest = images
    .filter((i) => i.State === undefined || i.State === 'available')
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''))[0];
  return newest?.RootDeviceName;
}
