/** amazon-ebs: boots the source AMI in the build region, provisions, registers the AMI with tags on it and its snapshots. */
import type { AwsSource } from '../../topology/model.js';
import { requireModern, sshUser, type SourceContext, type SourceResult } from './context.js';

export function awsSource(ctx: SourceContext): SourceResult {
  const source = ctx.image.source as AwsSource;
  const v = ctx.builder;
  const user = sshUser(ctx, source.ssh_username);
  const config: Record<string, unknown> = {
    region: v.variable('region', { type: 'string' }, ctx.image.buildRegion),
    instance_type: v.variable('instance_type', { type: 'string' }, ctx.image.recipe.build.instance_type ?? 't3.small'),
    ssh_username: v.variable('ssh_username', { type: 'string' }, user),
    ami_name: v.variable('image_name', { type: 'string' }, ctx.image.name),
    tags: v.variable('tags', { type: 'map(string)' }, { Name: ctx.image.name, ...ctx.tags }),
    snapshot_tags: '${var.tags}',
    run_tags: { Name: `image-builder ${ctx.mode} ${ctx.image.name}`, 'image-builder-run': 'true' },
  };
  // The AMI the plan resolved (resolve.ts in providers/aws), else a pinned ami, else Packer's own pick of the newest match.
  const from = ctx.mode === 'verify' ? ctx.verifyImage : (ctx.resolved?.id ?? source.ami);
  if (from) {
    config.source_ami = v.variable('source_ami', { type: 'string' }, from);
  } else {
    config.source_ami_filter = {
      filters: {
        name: v.variable('source_name', { type: 'string' }, source.name),
        'virtualization-type': 'hvm',
        'root-device-type': 'ebs',
      },
      owners: [v.variable('source_owner', { type: 'string' }, source.owner)],
      most_recent: true,
    };
  }
  if (ctx.image.recipe.build.disk_size_gb) {
    config.launch_block_device_mappings = [
      {
        // Must be the source AMI's root device, or Packer adds an extra volume instead of resizing the root (providers/aws/source.ts).
        device_name: v.variable('root_device_name', { type: 'string' }, source.root_device_name ?? '/dev/xvda'),
        volume_size: v.variable('disk_size_gb', { type: 'number' }, ctx.image.recipe.build.disk_size_gb),
        volume_type: 'gp3',
        iops: 3000,
        throughput: 125,
        delete_on_termination: true,
      },
    ];
  }
  // The build region's customer-managed key (kms_key_ids, else kms_key_id): an AMI on the default aws/ebs key cannot be shared.
  const kms = ctx.image.target.kms_key_ids?.[ctx.image.buildRegion] ?? ctx.image.target.kms_key_id;
  if (kms && ctx.mode === 'build')
    Object.assign(config, { encrypt_boot: true, kms_key_id: v.variable('kms_key_id', { type: 'string' }, kms) });
  if (ctx.mode === 'verify') config.skip_create_ami = requireModern(ctx, 'skip_create_ami');
  if (ctx.modernPacker) {
    // Only the runner's own address may reach SSH on the temporary instance; IMDSv2 only.
    config.temporary_security_group_source_public_ip = true;
    config.imds_support = 'v2.0';
  }
  return { type: 'amazon-ebs', name: 'image', config, sshUser: user, plugin: 'amazon' };
}
