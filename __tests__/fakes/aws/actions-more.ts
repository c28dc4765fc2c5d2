/**
 * More EC2 actions of the fake: account settings that decide whether an AMI
 * can be shared (block public access, the default EBS key), snapshots and
 * image references; plus the visibility rules DescribeImages applies.
 */
import { Ec2FakeError, page, sub } from './params.js';
import type { ActionContext } from './actions.js';
import type { FakeImage, FakeRegion } from './state.js';
import { el, set } from './xml.js';

/**
 * Whether DescribeImages shows `image` now (each look counts down):
 * - a new copy first answers InvalidAMIID.NotFound (EC2 API reference "Eventual consistency in
 *   the Amazon EC2 API": a resource just created may briefly be reported as not found);
 * - API_DescribeImages: "Recently deregistered images appear in the returned results for a short
 *   interval and then return empty results."
 */
export function listed(region: FakeRegion, image: FakeImage, byId: boolean): boolean {
  if ((image.hiddenPolls ?? 0) > 0) {
    image.hiddenPolls = (image.hiddenPolls ?? 0) - 1;
    if (byId) throw new Ec2FakeError('InvalidAMIID.NotFound', `The image id '[${image.id}]' does not exist`);
    return false;
  }
  if (image.state !== 'deregistered') return true;
  if ((image.deregisteredPolls ?? 0) <= 0) {
    region.deregistered.delete(image.id);
    return false;
  }
  image.deregisteredPolls = (image.deregisteredPolls ?? 0) - 1;
  return true;
}

/** GetImageBlockPublicAccessStateResult.ImageBlockPublicAccessState: block-new-sharing | unblocked. */
function getImageBlockPublicAccessState({ state, region }: ActionContext): string {
  return el('imageBlockPublicAccessState', state.region(region).imageBlockPublicAccess) + el('managedBy', 'account');
}

/** GetEbsDefaultKmsKeyIdResult.KmsKeyId: `alias/aws/ebs` unless the account set its own key. */
function getEbsDefaultKmsKeyId({ state, region }: ActionContext): string {
  return el('kmsKeyId', state.region(region).ebsDefaultKmsKeyId);
}

/** DescribeSnapshots by SnapshotId.N: InvalidSnapshot.NotFound for an unknown id (EC2 error codes). */
function describeSnapshots({ state, region, params }: ActionContext): string {
  const reg = state.region(region);
  const items = params.list('SnapshotId').map((id) => {
    const snap = reg.snapshots.get(id);
    if (!snap) throw new Ec2FakeError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    return (
      el('snapshotId', snap.id) +
      el('status', 'completed') +
      el('volumeSize', snap.sizeGb) +
      el('ownerId', state.account) +
      el('encrypted', snap.encrypted) +
      el('kmsKeyId', snap.kmsKeyId)
    );
  });
  return set('snapshotSet', items);
}

interface Reference {
  imageId: string;
  resourceType: string;
  arn: string;
}

/**
 * DescribeImageReferences (SDK models_4.d.ts DescribeImageReferencesRequest): "Either
 * IncludeAllResourceTypes or ResourceTypes must be specified"; options `state-name` for
 * ec2:Instance ("Default: All states") and `version-depth` for ec2:LaunchTemplate (versions
 * checked from the newest, "Default: 10"; ResourceTypeOption in models_4.d.ts). Answers
 * ec2:Instance, ec2:LaunchTemplate and ssm:Parameter.
 */
function describeImageReferences({ state, region, params, options }: ActionContext): string {
  const ids = params.list('ImageId');
  if (ids.length === 0) throw new Ec2FakeError('MissingParameter', 'The request must contain the parameter ImageId');
  const all = params.bool('IncludeAllResourceTypes') === true;
  const types = params.groups('ResourceType');
  if (!all && types.length === 0) {
    throw new Ec2FakeError('InvalidParameterCombination', 'Specify either IncludeAllResourceTypes or ResourceTypes');
  }
  const option = (type: string, name: string): string[] | undefined => {
    const group = types.find((t) => t.ResourceType === type);
    if (!group) return undefined;
    const opts = Object.entries(group).filter(([k, v]) => /^ResourceTypeOption\.\d+\.OptionName$/.test(k) && v === name);
    if (opts.length === 0) return undefined;
    const n = /^ResourceTypeOption\.(\d+)\./.exec(opts[0][0])![1];
    return sub(Object.fromEntries(Object.entries(group).map(([k, v]) => [k.replace(`ResourceTypeOption.${n}.`, ''), v])), 'OptionValue');
  };
  const wants = (type: string) => all || types.some((t) => t.ResourceType === type);
  const reg = state.region(region);
  const arn = (kind: string, id: string) => `arn:aws:${kind}:${region}:${state.account}:${id}`;
  const refs: Reference[] = [];
  for (const imageId of ids) {
    if (wants('ec2:Instance')) {
      const states = option('ec2:Instance', 'state-name');
      for (const i of reg.instances.values()) {
        if (i.imageId === imageId && (!states || states.includes(i.state))) {
          refs.push({ imageId, resourceType: 'ec2:Instance', arn: arn('ec2', `instance/${i.id}`) });
        }
      }
    }
    if (wants('ec2:LaunchTemplate')) {
      const depth = Number(option('ec2:LaunchTemplate', 'version-depth')?.[0] ?? 10);
      for (const t of reg.launchTemplates.values()) {
        if (t.versions.slice(-depth).some((v) => v.imageId === imageId)) {
          refs.push({ imageId, resourceType: 'ec2:LaunchTemplate', arn: arn('ec2', `launch-template/${t.id}`) });
        }
      }
    }
    if (wants('ssm:Parameter')) {
      for (const [name, value] of reg.ssmParameters) {
        if (value === imageId) refs.push({ imageId, resourceType: 'ssm:Parameter', arn: arn('ssm', `parameter/${name}`) });
      }
    }
  }
  const { items, next } = page(refs, params, 'DescribeImageReferences', options.pageSize);
  return (
    set(
      'imageReferenceSet',
      items.map((r) => el('imageId', r.imageId) + el('resourceType', r.resourceType) + el('arn', r.arn)),
    ) + el('nextToken', next)
  );
}

export const MORE_ACTIONS: Record<string, (ctx: ActionContext) => string> = {
  GetImageBlockPublicAccessState: getImageBlockPublicAccessState,
  GetEbsDefaultKmsKeyId: getEbsDefaultKmsKeyId,
  DescribeSnapshots: describeSnapshots,
  DescribeImageReferences: describeImageReferences,
};
