/**
 * Which KMS key encrypts a copy into a region, and whether it can work there.
 * KMS keys are regional and CopyImage checks the key only after it accepted
 * the copy (CopyImageRequest.KmsKeyId: "authenticates the KMS key
 * asynchronously ... can appear to complete, but eventually fails. The
 * specified KMS key must exist in the destination Region"), so a wrong key
 * is refused here, before any copy starts. Pure.
 */
import type { Cloud } from '../../topology/model.js';

const ARN = /^arn:(aws[-a-z]*):kms:([^:]+):(\d+):(key|alias)\/(.+)$/;

/** The key for copies into `region`: kms_key_ids[region], else kms_key_id. */
export function kmsKeyFor(cloud: Cloud, region: string): string | undefined {
  return cloud.kms_key_ids?.[region] ?? cloud.kms_key_id;
}

/**
 * The key as EC2 must get it in `region`, or a problem saying what to write.
 * - an alias (`alias/name`) or a multi-Region key id (`mrk-...`): valid in every region where it exists;
 * - a multi-Region key ARN: its replica in `region` has the same ARN with that region;
 * - a key or alias ARN of another region: refused;
 * - a bare single-region key id: only in the build region, where the build used it.
 */
export function keyInRegion(cloud: Cloud, key: string, region: string): { key: string } | { problem: string } {
  const fix = `set kms_key_ids: { ${region}: <key ARN in ${region}> } on cloud ${cloud.name}, or use a multi-Region key (mrk-...) or an alias that exists in every region`;
  const arn = ARN.exec(key);
  if (arn) {
    const [, partition, keyRegion, account, kind, id] = arn;
    if (keyRegion === region) return { key };
    if (kind === 'key' && id.startsWith('mrk-')) return { key: `arn:${partition}:kms:${region}:${account}:key/${id}` };
    return { problem: `the KMS key ${key} is in ${keyRegion}, but copies into ${region} need a key in ${region}: ${fix}` };
  }
  if (key.startsWith('alias/') || key.startsWith('mrk-') || region === cloud.build_region) return { key };
  return { problem: `the KMS key id ${key} names a single-region key, which cannot encrypt copies into ${region}: ${fix}` };
}

/** Every destination region's key, checked; throws one error listing every problem. */
export function checkCopyKeys(cloud: Cloud, regions: string[]): void {
  const problems: string[] = [];
  for (const region of regions) {
    const key = kmsKeyFor(cloud, region);
    if (!key) continue;
    const checked = keyInRegion(cloud, key, region);
    if ('problem' in checked) problems.push(checked.problem);
  }
  if (problems.length > 0) throw new Error(`${cloud.name}: no copy was started: ${problems.join('; ')}`);
}

/** Whether a snapshot's key (an ARN, as DescribeSnapshots gives it) is `configured` (id, ARN or alias). */
export function sameKey(configured: string, actual: string): boolean {
  if (configured === actual) return true;
  const id = ARN.exec(configured)?.[5] ?? configured;
  return !configured.startsWith('alias/') && ARN.exec(actual)?.[5] === id;
}
