/**
 * The AMI an AWS source names today, in the build region:
 * - `owner` + `name` (a pattern with * and ?): the newest available AMI of
 *   that owner whose name matches, by CreationDate, with the filters the
 *   template's source_ami_filter used (hvm, EBS root; packer/sources/aws.ts)
 *   and without deprecated AMIs, as Packer's most_recent chose it
 *   (DescribeImages leaves deprecated AMIs of other owners out unless
 *   IncludeDeprecated is set: EC2 API reference, DescribeImages);
 * - `ami`: that AMI, pinned.
 * The build then boots exactly this AMI (source_ami), never a filter.
 */
import { DescribeImagesCommand, type DescribeImagesCommandOutput, type EC2Client, type Filter, type Image } from '@aws-sdk/client-ec2';
import type { AwsSource } from '../../topology/model.js';
import type { ResolvedSource } from '../provider.js';
import { describeFields, sourceError, sourceNotFound, type SourceSite } from '../source-errors.js';

/** Runs one DescribeImages call under the provider's retry policy and error advice (index.ts `call`). */
export type DescribeRunner = (fn: (client: EC2Client) => Promise<DescribeImagesCommandOutput>) => Promise<DescribeImagesCommandOutput>;

/** What the build region's AMIs are filtered by, besides owner and name: the same as the template's source_ami_filter. */
export const SOURCE_FILTERS: Filter[] = [
  { Name: 'state', Values: ['available'] },
  { Name: 'virtualization-type', Values: ['hvm'] },
  { Name: 'root-device-type', Values: ['ebs'] },
];

export async function resolveAwsSource(
  source: AwsSource,
  at: { cloud: string; region: string },
  run: DescribeRunner,
): Promise<ResolvedSource> {
  const site: SourceSite = {
    ...at,
    provider: 'aws',
    source: describeFields({ ami: source.ami, owner: source.owner, name: source.name }),
    check: source.ami
      ? 'the AMI id: AMIs are regional, so it must exist in this region (copy it there or name the one of this region)'
      : 'the owner (an account id or alias such as amazon) and the name pattern (* and ? match any text and one character)',
    permission: `ec2:DescribeImages in ${at.region} to the role the workflow assumes`,
  };
  if (source.ami) {
    const found = await describe(site, run, { ImageIds: [source.ami] });
    const image = found[0];
    if (image?.State !== 'available') {
      throw sourceNotFound(site, 'DescribeImages', image ? `the AMI is ${image.State ?? 'not available'}` : 'the AMI is not listed');
    }
    return resolved(image, true);
  }
  if (!source.owner || !source.name) {
    throw new Error(`cloud "${at.cloud}" (aws): a source needs "ami", or both "owner" and "name"`);
  }
  const images = await describe(site, run, {
    Owners: [source.owner],
    Filters: [{ Name: 'name', Values: [source.name] }, ...SOURCE_FILTERS],
  });
  const newest = newestImage(images);
  if (!newest) throw sourceNotFound(site, 'DescribeImages', 'no available AMI of that owner matches the name');
  return resolved(newest, false);
}

/** The newest image by CreationDate (ISO 8601, so text order is time order); ties go to the larger id, so the choice is stable. */
export function newestImage(images: Image[]): Image | undefined {
  return images
    .filter((i) => i.ImageId && (i.State === undefined || i.State === 'available'))
    .sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? '') || (b.ImageId ?? '').localeCompare(a.ImageId ?? ''))[0];
}

/** Every page of one DescribeImages query (one call unless EC2 pages the answer). */
async function describe(site: SourceSite, run: DescribeRunner, input: ConstructorParameters<typeof DescribeImagesCommand>[0]) {
  const images: Image[] = [];
  let token: string | undefined;
  try {
    do {
      const out = await run((client) => client.send(new DescribeImagesCommand({ ...input, NextToken: token })));
      images.push(...(out.Images ?? []));
      token = out.NextToken;
    } while (token);
  } catch (error) {
    throw sourceError(site, error);
  }
  return images;
}

function resolved(image: Image, pinned: boolean): ResolvedSource {
  const created = image.CreationDate ? new Date(image.CreationDate) : undefined;
  return {
    id: image.ImageId as string,
    name: image.Name ?? (image.ImageId as string),
    ...(created && !Number.isNaN(created.getTime()) ? { created: created.toISOString() } : {}),
    pinned,
  };
}
