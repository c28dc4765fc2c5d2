/**
 * What stops an AMI from being shared, found before anything changes:
 * - API_ModifySnapshotAttribute: "Snapshots encrypted with your default KMS
 *   key cannot be shared with other accounts" (the AWS managed aws/ebs key);
 * - EC2 user guide "Make your AMI publicly available": AMIs with encrypted
 *   volumes cannot be made public;
 * - EC2 user guide "Understand block public access for AMIs": on by default
 *   for new accounts, it refuses making an AMI public.
 * Keys are read through EC2 only (DescribeSnapshots, GetEbsDefaultKmsKeyId).
 */
import {
  DescribeSnapshotsCommand,
  GetEbsDefaultKmsKeyIdCommand,
  GetImageBlockPublicAccessStateCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { kmsKeyFor, sameKey } from './kms.js';
import type { Cloud } from '../../topology/model.js';

export interface ShareCheck {
  cloud: Cloud;
  region: string;
  imageId: string;
  snapshotIds: string[];
  accounts: string[];
  public: boolean;
}

/** Problems, each saying what to do; empty when sharing can go ahead. */
export async function shareBlockers(client: EC2Client, check: ShareCheck): Promise<string[]> {
  const { cloud, region, imageId } = check;
  const problems: string[] = [];
  const snapshots =
    check.snapshotIds.length === 0
      ? []
      : ((await client.send(new DescribeSnapshotsCommand({ SnapshotIds: check.snapshotIds }))).Snapshots ?? []);
  const encrypted = snapshots.filter((s) => s.Encrypted);
  if (check.public && encrypted.length > 0) {
    problems.push(
      `${imageId} in ${region} is encrypted, and encrypted AMIs can never be public: share it with accounts instead, or set share.public: false`,
    );
  } else if (check.public) {
    const bpa = await client.send(new GetImageBlockPublicAccessStateCommand({}));
    if (bpa.ImageBlockPublicAccessState !== 'unblocked') {
      problems.push(
        `block public access for AMIs is on in ${region} (the default for new accounts), so ${imageId} cannot be made public: ` +
          `if public images are intended, turn it off deliberately (aws ec2 disable-image-block-public-access --region ${region}), ` +
          'or set share.public: false',
      );
    }
  }
  if (check.accounts.length > 0 && encrypted.length > 0) {
    const configured = kmsKeyFor(cloud, region);
    // An alias cannot be resolved without KMS: trust it, EC2 will still refuse a default-key snapshot.
    if (!configured?.startsWith('alias/') || configured === 'alias/aws/ebs') {
      const accountDefault = (await client.send(new GetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId;
      const customer = [configured, accountDefault].filter((k): k is string => !!k && k !== 'alias/aws/ebs');
      const refused = encrypted.filter((s) => !s.KmsKeyId || !customer.some((k) => sameKey(k, s.KmsKeyId!)));
      if (refused.length > 0) {
        problems.push(
          `${imageId} in ${region} is encrypted with ${refused[0].KmsKeyId ?? 'an unknown key'}, not a customer managed key ` +
            'of this topology; snapshots encrypted with the default aws/ebs key cannot be shared with other accounts: ' +
            `set kms_key_id (or kms_key_ids.${region}) on cloud ${cloud.name} to a customer managed key whose policy lets ` +
            `${check.accounts.join(', ')} use it, rebuild and distribute again`,
        );
      }
    }
  }
  return problems;
}
