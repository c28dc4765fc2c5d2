/**
 * The EC2 actions the fake answers, each returning the inner XML of its
 * `<ActionResponse>` or throwing Ec2FakeError with EC2's code.
 */
import { Ec2FakeError, Params, matches, page, tagSpecification } from './params.js';
import { awsEbsKeyArn, type Ec2FakeState, type FakeImage, type FakeInstance, type FakeRegion } from './state.js';
import { MORE_ACTIONS, listed } from './actions-more.js';
import { el, imageXml, launchTemplateXml, reservationXml, set, versionXml } from './xml.js';

export interface ActionOptions {
  pageSize?: number;
  copyPendingPolls: number;
  copyPendingMs: number;
  copyOutcome: 'available' | 'failed';
  maxConcurrentCopies?: number;
  copyHiddenPolls: number;
  deregisteredPolls: number;
}

export interface ActionContext {
  state: Ec2FakeState;
  region: string;
  params: Params;
  options: ActionOptions;
  now: () => Date;
}

type Handler = (ctx: ActionContext) => string;

const TRUE = el('return', true);

function imageIn(region: FakeRegion, id: string): FakeImage {
  if (!/^ami-[0-9a-f]{8,17}$/.test(id)) throw new Ec2FakeError('InvalidAMIID.Malformed', `Invalid id: "${id}"`);
  const image = region.images.get(id) ?? region.deregistered.get(id);
  if (!image) throw new Ec2FakeError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
  return image;
}

function filterImage(image: FakeImage, name: string, values: string[]): boolean {
  if (name.startsWith('tag:')) return matches(values, image.tags[name.slice(4)]);
  switch (name) {
    case 'tag-key':
      return Object.keys(image.tags).some((k) => matches(values, k));
    case 'name':
      return matches(values, image.name);
    case 'state':
      return matches(values, image.state);
    case 'image-id':
      return matches(values, image.id);
    case 'owner-id':
      return matches(values, image.ownerId);
    case 'is-public':
      return matches(values, String(image.launchPermission.public));
    // API_DescribeImages filters `architecture`, `virtualization-type` and `root-device-type`: every
    // fake image is what imageXml says (x86_64, hvm, ebs), the shape Packer's source_ami_filter asks for.
    case 'architecture':
      return matches(values, 'x86_64');
    case 'virtualization-type':
      return matches(values, 'hvm');
    case 'root-device-type':
      return matches(values, 'ebs');
    default:
      throw new Ec2FakeError('InvalidParameterValue', `The filter '${name}' is invalid`);
  }
}

const deprecated = (image: FakeImage, now: Date): boolean =>
  image.deprecationTime !== undefined && Date.parse(image.deprecationTime) <= now.getTime();

function describeImages({ state, region, params, options, now }: ActionContext): string {
  const reg = state.region(region);
  const ids = params.list('ImageId');
  const owners = params.list('Owner');
  let images = ids.length > 0 ? ids.map((id) => imageIn(reg, id)) : [...reg.images.values(), ...reg.deregistered.values()];
  images = images.filter((i) => listed(reg, i, ids.length > 0));
  if (owners.length > 0) {
    images = images.filter((i) => owners.some((o) => (o === 'self' ? i.ownerId === state.account : i.ownerId === o)));
  }
  if (params.bool('IncludeDisabled') !== true) images = images.filter((i) => i.state !== 'disabled');
  // API_DescribeImages IncludeDeprecated: "Default: No deprecated AMIs are included in the response. If you are the
  // AMI owner, all deprecated AMIs appear in the response regardless"; EC2 user guide "Deprecate an AMI": a deprecated
  // AMI can still be described by its id.
  if (ids.length === 0 && params.bool('IncludeDeprecated') !== true) {
    images = images.filter((i) => i.ownerId === state.account || !deprecated(i, now()));
  }
  for (const f of params.filters()) images = images.filter((i) => filterImage(i, f.name, f.values));
  const { items, next } = page(images, params, 'DescribeImages', options.pageSize);
  items.forEach((image) => state.observe(region, image));
  return (
    set(
      'imagesSet',
      items.map((i) => imageXml(i, state.account)),
    ) + el('nextToken', next)
  );
}

function copyImage({ state, region, params, options, now }: ActionContext): string {
  const sourceRegion = params.required('SourceRegion');
  const name = params.required('Name');
  const source = imageIn(state.region(sourceRegion), params.required('SourceImageId'));
  if (source.state !== 'available') {
    throw new Ec2FakeError('IncorrectState', `Image ${source.id} is not in a valid state for copy: ${source.state}`);
  }
  const dest = state.region(region);
  const token = params.get('ClientToken');
  const same = token ? [...dest.images.values()].find((i) => i.clientToken === token) : undefined;
  if (same) return el('imageId', same.id);
  const clash = [...dest.images.values()].find((i) => i.name === name && i.ownerId === state.account);
  if (clash) throw new Ec2FakeError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${clash.id}`);
  const inFlight = [...dest.images.values()].filter((i) => i.state === 'pending').length;
  if (options.maxConcurrentCopies !== undefined && inFlight >= options.maxConcurrentCopies) {
    throw new Ec2FakeError(
      'ResourceLimitExceeded',
      `You have reached the maximum number of concurrent AMI copies (${options.maxConcurrentCopies}) in ${region}`,
    );
  }
  const encrypted = params.bool('Encrypted') || source.encrypted;
  // CopyImageRequest.KmsKeyId (SDK models_0.d.ts): "Amazon EC2 authenticates the KMS key
  // asynchronously ... can appear to complete, but eventually fails. The specified KMS key must
  // exist in the destination Region." A key ARN names its region; another region's key fails late.
  const kmsKeyId = encrypted ? (params.get('KmsKeyId') ?? awsEbsKeyArn(region, state.account)) : undefined;
  const keyRegion = /^arn:aws[-a-z]*:kms:([^:]+):/.exec(kmsKeyId ?? '')?.[1];
  const wrongKey = keyRegion !== undefined && keyRegion !== region;
  const copy: FakeImage = {
    ...structuredClone(source),
    id: state.newId('ami'),
    name,
    description: params.get('Description') ?? source.description,
    ownerId: state.account,
    state: 'pending',
    creationDate: now().toISOString(),
    deprecationTime: undefined,
    stateReason: undefined,
    tags: { ...(params.bool('CopyImageTags') ? source.tags : {}), ...tagSpecification(params, 'image') },
    snapshotIds: source.snapshotIds.map(() => ''),
    encrypted,
    kmsKeyId,
    launchPermission: { userIds: [], groups: [], public: false },
    sourceImageId: source.id,
    sourceRegion,
    clientToken: token,
    pendingPolls: options.copyPendingPolls,
    availableAt: now().getTime() + options.copyPendingMs,
    outcome: wrongKey ? 'failed' : options.copyOutcome,
    failReason: wrongKey
      ? { code: 'Client.InvalidKMSKey.InvalidState', message: `The KMS key ${kmsKeyId} is not in ${region}` }
      : undefined,
    hiddenPolls: options.copyHiddenPolls,
    snapshotTags: tagSpecification(params, 'snapshot'),
  };
  dest.images.set(copy.id, copy);
  return el('imageId', copy.id);
}

function createTags({ state, region, params }: ActionContext): string {
  const reg = state.region(region);
  const tags = params.tags();
  const targets = params.list('ResourceId').map((id) => {
    if (id.startsWith('ami-')) return imageIn(reg, id);
    if (id.startsWith('snap-')) {
      const snap = reg.snapshots.get(id);
      if (!snap) throw new Ec2FakeError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
      return snap;
    }
    const other = reg.instances.get(id);
    if (!other) throw new Ec2FakeError('InvalidID', `The ID '${id}' is not valid`);
    return other;
  });
  for (const target of targets) {
    const merged = { ...target.tags, ...tags };
    if (Object.keys(merged).length > 50) throw new Ec2FakeError('TagLimitExceeded', 'The maximum number of tags per resource is 50');
    target.tags = merged;
  }
  return TRUE;
}

function modifyImageAttribute({ state, region, params }: ActionContext): string {
  const image = imageIn(state.region(region), params.required('ImageId'));
  const perm = image.launchPermission;
  if (params.groups('LaunchPermission.Add').some((g) => g.Group === 'all')) {
    // EC2 user guide "Make your AMI publicly available": AMIs with encrypted volumes cannot be
    // made public. The error code is not documented; InvalidParameter stands in for it.
    if (image.encrypted) throw new Ec2FakeError('InvalidParameter', 'Encrypted images cannot be made public.');
    // EC2 user guide "Understand block public access for AMIs": while enabled, requests to make
    // an AMI public are blocked (code not documented; OperationNotPermitted stands in).
    if (state.region(region).imageBlockPublicAccess === 'block-new-sharing') {
      throw new Ec2FakeError('OperationNotPermitted', 'Block public access for AMIs is enabled in this Region.');
    }
  }
  for (const g of params.groups('LaunchPermission.Add')) {
    if (g.UserId && !perm.userIds.includes(g.UserId)) perm.userIds.push(g.UserId);
    if (g.Group && !perm.groups.includes(g.Group)) perm.groups.push(g.Group);
  }
  for (const g of params.groups('LaunchPermission.Remove')) {
    perm.userIds = perm.userIds.filter((u) => u !== g.UserId);
    perm.groups = perm.groups.filter((x) => x !== g.Group);
  }
  perm.public = perm.groups.includes('all');
  return TRUE;
}

function modifySnapshotAttribute({ state, region, params }: ActionContext): string {
  const id = params.required('SnapshotId');
  const snap = state.region(region).snapshots.get(id);
  if (!snap) throw new Ec2FakeError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  // API_ModifySnapshotAttribute: "Snapshots encrypted with your default KMS key cannot be shared
  // with other accounts." (The error code is not documented; InvalidParameter stands in.)
  if (snap.encrypted && snap.kmsKeyId === awsEbsKeyArn(region, state.account)) {
    throw new Ec2FakeError('InvalidParameter', 'Snapshots encrypted with the AWS managed key cannot be shared.');
  }
  const add = params
    .groups('CreateVolumePermission.Add')
    .map((g) => g.UserId)
    .filter((u): u is string => !!u);
  if (params.get('OperationType') === 'add') add.push(...params.list('UserId'));
  for (const user of add) if (!snap.createVolumePermission.includes(user)) snap.createVolumePermission.push(user);
  return TRUE;
}

function enableImageDeprecation({ state, region, params, now }: ActionContext): string {
  const image = imageIn(state.region(region), params.required('ImageId'));
  const at = Date.parse(params.required('DeprecateAt'));
  if (!Number.isFinite(at)) throw new Ec2FakeError('InvalidParameterValue', 'DeprecateAt is not a valid date');
  if (at < now().getTime()) throw new Ec2FakeError('InvalidParameterValue', 'The deprecation time cannot be in the past.');
  image.deprecationTime = new Date(Math.round(at / 60_000) * 60_000).toISOString();
  return TRUE;
}

function disableImageDeprecation({ state, region, params }: ActionContext): string {
  imageIn(state.region(region), params.required('ImageId')).deprecationTime = undefined;
  return TRUE;
}

function deregisterImage({ state, region, params, options }: ActionContext): string {
  const reg = state.region(region);
  const image = imageIn(reg, params.required('ImageId'));
  // EC2 error codes: InvalidAMIID.Unavailable, "The specified AMI has been deregistered or is in an invalid state".
  if (image.state === 'deregistered') throw new Ec2FakeError('InvalidAMIID.Unavailable', `The image ${image.id} is no longer available`);
  // API_DescribeImages: "Recently deregistered images appear in the returned results for a short
  // interval and then return empty results."
  image.state = 'deregistered';
  image.deregisteredPolls = options.deregisteredPolls;
  reg.images.delete(image.id);
  reg.deregistered.set(image.id, image);
  // DeregisterImageRequest.DeleteAssociatedSnapshots (SDK models_3.d.ts): deletes the AMI's snapshots too.
  if (params.bool('DeleteAssociatedSnapshots')) for (const id of image.snapshotIds) reg.snapshots.delete(id);
  return TRUE;
}

function deleteSnapshot({ state, region, params }: ActionContext): string {
  const reg = state.region(region);
  const id = params.required('SnapshotId');
  if (!reg.snapshots.has(id)) throw new Ec2FakeError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  const user = [...reg.images.values()].find((i) => i.state !== 'deregistered' && i.snapshotIds.includes(id));
  if (user) throw new Ec2FakeError('InvalidSnapshot.InUse', `The snapshot ${id} is currently in use by ${user.id}`);
  reg.snapshots.delete(id);
  return TRUE;
}

function filterInstance(instance: FakeInstance, name: string, values: string[]): boolean {
  if (name.startsWith('tag:')) return matches(values, instance.tags[name.slice(4)]);
  switch (name) {
    case 'image-id':
      return matches(values, instance.imageId);
    case 'instance-state-name':
      return matches(values, instance.state);
    case 'instance-id':
      return matches(values, instance.id);
    default:
      throw new Ec2FakeError('InvalidParameterValue', `The filter '${name}' is invalid`);
  }
}

function describeInstances({ state, region, params, options }: ActionContext): string {
  const ids = params.list('InstanceId');
  if (ids.length > 0 && params.get('MaxResults')) {
    throw new Ec2FakeError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  }
  let instances = [...state.region(region).instances.values()];
  if (ids.length > 0) instances = instances.filter((i) => ids.includes(i.id));
  for (const f of params.filters()) instances = instances.filter((i) => filterInstance(i, f.name, f.values));
  const { items, next } = page(instances, params, 'DescribeInstances', options.pageSize);
  return (
    set(
      'reservationSet',
      items.map((i) => reservationXml(i, state.account)),
    ) + el('nextToken', next)
  );
}

function describeLaunchTemplates({ state, region, params, options }: ActionContext): string {
  const ids = params.list('LaunchTemplateId');
  const templates = [...state.region(region).launchTemplates.values()].filter((t) => ids.length === 0 || ids.includes(t.id));
  const { items, next } = page(templates, params, 'DescribeLaunchTemplates', options.pageSize);
  return set('launchTemplates', items.map(launchTemplateXml)) + el('nextToken', next);
}

function describeLaunchTemplateVersions({ state, region, params, options }: ActionContext): string {
  const id = params.get('LaunchTemplateId');
  const name = params.get('LaunchTemplateName');
  const wanted = params.list('LaunchTemplateVersion');
  const all = [...state.region(region).launchTemplates.values()];
  if (!id && !name && (wanted.length === 0 || wanted.some((v) => v !== '$Latest' && v !== '$Default'))) {
    throw new Ec2FakeError('MissingParameter', 'Without a launch template id or name, only $Latest and $Default versions can be described');
  }
  const templates = id || name ? all.filter((t) => t.id === id || t.name === name) : all;
  if ((id || name) && templates.length === 0) {
    throw new Ec2FakeError('InvalidLaunchTemplateId.NotFound', `The launch template ${id ?? name} does not exist`);
  }
  let rows = templates.flatMap((t) =>
    t.versions
      .filter(
        (v) =>
          wanted.length === 0 ||
          wanted.some(
            (w) =>
              (w === '$Latest' && v.number === t.versions.length) ||
              (w === '$Default' && v.number === t.defaultVersion) ||
              w === String(v.number),
          ),
      )
      .map((v) => ({ t, v })),
  );
  for (const f of params.filters()) {
    if (f.name !== 'image-id') throw new Ec2FakeError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    rows = rows.filter((r) => matches(f.values, r.v.imageId));
  }
  const { items, next } = page(rows, params, 'DescribeLaunchTemplateVersions', options.pageSize);
  return (
    set(
      'launchTemplateVersionSet',
      items.map((r) => versionXml(r.t, r.v)),
    ) + el('nextToken', next)
  );
}

export const ACTIONS: Record<string, Handler> = {
  DescribeImages: describeImages,
  CopyImage: copyImage,
  CreateTags: createTags,
  ModifyImageAttribute: modifyImageAttribute,
  ModifySnapshotAttribute: modifySnapshotAttribute,
  EnableImageDeprecation: enableImageDeprecation,
  DisableImageDeprecation: disableImageDeprecation,
  DeregisterImage: deregisterImage,
  DeleteSnapshot: deleteSnapshot,
  DescribeInstances: describeInstances,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  ...MORE_ACTIONS,
};
