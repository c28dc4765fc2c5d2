/**
 * azure-arm: boots the marketplace image, provisions, publishes a version of
 * the line's Compute Gallery image definition (replicated to the build
 * region; distribute adds the others) and a managed image.
 */
import type { AzureSource } from '../../topology/model.js';
import { DEFAULT_GALLERY, azureImageDefinition, azureVersionName } from '../../providers/azure/names.js';
import { requireModern, sshUser, type SourceContext, type SourceResult } from './context.js';

export function azureSource(ctx: SourceContext): SourceResult {
  const source = ctx.image.source as AzureSource;
  const target = ctx.image.target;
  const v = ctx.builder;
  const user = sshUser(ctx, source.ssh_username);
  const subscription = v.variable('subscription', { type: 'string' }, target.subscription);
  const resourceGroup = v.variable('resource_group', { type: 'string' }, target.resource_group);
  const gallery = v.variable('gallery', { type: 'string' }, target.gallery ?? DEFAULT_GALLERY);
  const definition = v.variable('image_definition', { type: 'string' }, azureImageDefinition(ctx.image.image, ctx.image.os));
  const config: Record<string, unknown> = {
    use_azure_cli_auth: true,
    subscription_id: subscription,
    location: v.variable('location', { type: 'string' }, ctx.image.buildRegion),
    vm_size: v.variable('vm_size', { type: 'string' }, ctx.image.recipe.build.instance_type ?? 'Standard_B2s'),
    os_type: 'Linux',
    ssh_username: v.variable('ssh_username', { type: 'string' }, user),
    azure_tags: v.variable('tags', { type: 'map(string)' }, ctx.tags),
  };
  if (ctx.mode === 'verify') {
    config.shared_image_gallery = {
      subscription,
      resource_group: resourceGroup,
      gallery_name: gallery,
      image_name: definition,
      image_version: v.variable('source_version', { type: 'string' }, ctx.verifyImage),
    };
    config.skip_create_image = requireModern(ctx, 'skip_create_image');
  } else {
    config.image_publisher = v.variable('image_publisher', { type: 'string' }, source.publisher);
    config.image_offer = v.variable('image_offer', { type: 'string' }, source.offer);
    config.image_sku = v.variable('image_sku', { type: 'string' }, source.sku);
    config.image_version = v.variable('image_version', { type: 'string' }, source.version ?? 'latest');
    config.managed_image_name = v.variable('image_name', { type: 'string' }, ctx.image.name);
    config.managed_image_resource_group_name = resourceGroup;
    config.shared_image_gallery_destination = {
      subscription,
      resource_group: resourceGroup,
      gallery_name: gallery,
      image_name: definition,
      image_version: v.variable('gallery_version', { type: 'string' }, azureVersionName(ctx.buildTime)),
      replication_regions: ['${var.location}'],
    };
  }
  if (ctx.image.recipe.build.disk_size_gb) {
    config.os_disk_size_gb = v.variable('disk_size_gb', { type: 'number' }, ctx.image.recipe.build.disk_size_gb);
  }
  return { type: 'azure-arm', name: 'image', config, sshUser: user, plugin: 'azure' };
}
