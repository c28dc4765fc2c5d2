/**
 * Reading AMIs: the inventory query, single-image lookups, and the mapping
 * from EC2's Image to our ImageRecord.
 */
import { DescribeImagesCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { errorCode } from './errors.js';
import { TAGS, fromTags, type ImageRecord, type ImageState } from '../../images/index.js';

/** EC2 image states, mapped to ours. `deregistered` images are gone: left out. */
export function mapState(image: Pick<Image, 'State' | 'DeprecationTime'>, now: Date): ImageState | undefined {
  switch (image.State) {
    case 'pending':
    case 'transient':
      return 'pending';
    case 'available':
      return isDeprecated(image.DeprecationTime, now) ? 'deprecated' : 'available';
    case 'disabled':
      return 'deprecated';
    case 'deregistered':
      return undefined;
    default:
      // failed, invalid, error, and whatever EC2 adds later
      return 'failed';
  }
}

function isDeprecated(at: string | undefined, now: Date): boolean {
  if (!at) return false;
  const when = Date.parse(at);
  return Number.isFinite(when) && when <= now.getTime();
}

export function tagMap(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

export function snapshotIds(image: Image): string[] {
  const ids: string[] = [];
  for (const mapping of image.BlockDeviceMappings ?? []) {
    const id = mapping.Ebs?.SnapshotId;
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

function isoDate(value: string | undefined): string {
  const when = value ? Date.parse(value) : NaN;
  return Number.isFinite(when) ? new Date(when).toISOString() : '';
}

/**
 * EC2 Image -> ImageRecord, or undefined for images that no longer exist.
 * The cloud is what `ib-cloud` says, empty without it: an AMI without the tag
 * is nobody's, never taken for the current cloud's (images/ownership.ts).
 */
export function toRecord(image: Image, region: string, now: Date): ImageRecord | undefined {
  const state = mapState(image, now);
  if (!state || !image.ImageId) return undefined;
  return fromTags(tagMap(image.Tags), {
    id: image.ImageId,
    name: image.Name ?? image.ImageId,
    region,
    state,
    createdAt: isoDate(image.CreationDate),
  });
}

export interface InventoryQuery {
  owner: string;
  pageSize: number;
}

/**
 * Every AMI tagged image-builder=true owned by `owner`, page after page.
 * Owners see their deprecated and disabled AMIs too; both flags say so.
 */
export async function describeManaged(client: EC2Client, query: InventoryQuery): Promise<Image[]> {
  const images: Image[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeImagesCommand({
        Owners: [query.owner],
        Filters: [{ Name: `tag:${TAGS.managedBy}`, Values: ['true'] }],
        IncludeDeprecated: true,
        IncludeDisabled: true,
        MaxResults: query.pageSize,
        NextToken: token,
      }),
    );
    images.push(...(page.Images ?? []));
    token = page.NextToken || undefined;
  } while (token);
  return images;
}

/** One AMI by id, or undefined when EC2 does not know it (any more). */
export async function describeOne(client: EC2Client, id: string): Promise<Image | undefined> {
  try {
    const out = await client.send(new DescribeImagesCommand({ ImageIds: [id], IncludeDeprecated: true, IncludeDisabled: true }));
    return out.Images?.find((image) => image.ImageId === id);
  } catch (error) {
    if (errorCode(error) === 'InvalidAMIID.NotFound' || errorCode(error) === 'InvalidAMIID.Unavailable') return undefined;
    throw error;
  }
}

/** Our own AMI with this name in the client's region (names are unique per account and region). */
export async function describeByName(client: EC2Client, owner: string, name: string): Promise<Image | undefined> {
  const out = await client.send(
    new DescribeImagesCommand({
      Owners: [owner],
      Filters: [{ Name: 'name', Values: [name] }],
      IncludeDeprecated: true,
      IncludeDisabled: true,
    }),
  );
  return out.Images?.find((image) => image.Name === name && image.State !== 'deregistered');
}
