/**
 * CopyImage, made safe to repeat:
 * - a deterministic ClientToken (CopyImageRequest.ClientToken, API reference
 *   "Ensuring idempotency"): a retry of an accepted copy gets the same ImageId
 *   back instead of InvalidAMIName.Duplicate;
 * - on InvalidAMIName.Duplicate (a re-run with another token), the AMI of
 *   that name is adopted only if its `ib-owner` and `ib-fingerprint` tags are
 *   the source's: an AMI of another topology is never taken for ours.
 * Tags go through TagSpecifications only (CopyImageTags would copy the same
 * keys a second time).
 */
import { createHash } from 'node:crypto';
import { CopyImageCommand, type EC2Client, type Tag } from '@aws-sdk/client-ec2';
import { TAGS, type ImageRecord } from '../../images/index.js';
import { errorCode } from './errors.js';
import { describeByName } from './records.js';

/** At most 64 ASCII characters (CopyImageRequest.ClientToken). */
export function copyToken(sourceId: string, region: string, name: string): string {
  return createHash('sha256').update(`${sourceId}\n${region}\n${name}`).digest('hex');
}

export interface CopyRequest {
  image: ImageRecord;
  region: string;
  owner: string;
  tags: Tag[];
  kmsKeyId?: string;
  encrypted?: boolean;
}

/** The new (or adopted) AMI id, or why the AMI holding the name is not ours. */
export type CopyStart = { id: string } | { foreign: string };

export async function startCopy(c: EC2Client, req: CopyRequest): Promise<CopyStart> {
  const { image, region, tags } = req;
  try {
    const out = await c.send(
      new CopyImageCommand({
        SourceImageId: image.id,
        SourceRegion: image.region,
        Name: image.name,
        ClientToken: copyToken(image.id, region, image.name),
        TagSpecifications: [
          { ResourceType: 'image', Tags: tags },
          { ResourceType: 'snapshot', Tags: tags },
        ],
        Encrypted: req.encrypted,
        KmsKeyId: req.encrypted ? req.kmsKeyId : undefined,
      }),
    );
    if (!out.ImageId) throw new Error('CopyImage returned no ImageId');
    return { id: out.ImageId };
  } catch (error) {
    // A re-run: the copy already exists (or is under way) under the same name.
    if (errorCode(error) !== 'InvalidAMIName.Duplicate') throw error;
    const existing = await describeByName(c, req.owner, image.name);
    // Not listed yet (eventual consistency): the Duplicate error stands, a re-run finds it.
    if (!existing?.ImageId) throw error;
    const theirs = (key: string) => existing.Tags?.find((t) => t.Key === key)?.Value;
    const ownerOk = theirs(TAGS.owner) === image.tags[TAGS.owner];
    const fingerprintOk = theirs(TAGS.fingerprint) === image.fingerprint;
    if (ownerOk && fingerprintOk) return { id: existing.ImageId };
    return {
      foreign:
        `the AMI name ${image.name} is already used in ${region} by ${existing.ImageId} ` +
        `(${TAGS.owner}=${theirs(TAGS.owner) ?? 'none'}, ${TAGS.fingerprint}=${theirs(TAGS.fingerprint) ?? 'none'}; ` +
        `this copy needs ${TAGS.owner}=${image.tags[TAGS.owner] ?? 'none'}, ${TAGS.fingerprint}=${image.fingerprint}), ` +
        "so it is not this topology's copy: find out who made it; deregister or rename it deliberately, then run distribute again",
    };
  }
}
