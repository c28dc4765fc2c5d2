/** googlecompute: boots the source image in the build zone, provisions, creates a labelled image in the recipe's family. */
import type { GcpSource } from '../../topology/model.js';
import { sanitizeLabels } from '../../providers/gcp/labels.js';
import { imageFamily } from '../../plan/naming.js';
import { sshUser, type SourceContext, type SourceResult } from './context.js';

export function gcpSource(ctx: SourceContext): SourceResult {
  const source = ctx.image.source as GcpSource;
  const target = ctx.image.target;
  const v = ctx.builder;
  const user = sshUser(ctx, source.ssh_username);
  const config: Record<string, unknown> = {
    project_id: v.variable('project', { type: 'string' }, target.project),
    zone: v.variable('zone', { type: 'string' }, target.zone ?? `${ctx.image.buildRegion}-a`),
    machine_type: v.variable('machine_type', { type: 'string' }, ctx.image.recipe.build.instance_type ?? 'e2-standard-2'),
    ssh_username: v.variable('ssh_username', { type: 'string' }, user),
    image_name: v.variable('image_name', { type: 'string' }, ctx.image.name),
    image_family: v.variable('image_family', { type: 'string' }, imageFamily(ctx.image.image, ctx.image.os)),
    image_labels: v.variable('labels', { type: 'map(string)' }, sanitizeLabels(ctx.tags)),
    labels: { 'image-builder-run': 'true' },
  };
  if (ctx.mode === 'verify') {
    config.source_image = v.variable('source_image', { type: 'string' }, ctx.verifyImage);
    config.skip_create_image = true;
  } else if (source.image) {
    config.source_image = v.variable('source_image', { type: 'string' }, source.image);
  } else {
    config.source_image_family = v.variable('source_image_family', { type: 'string' }, source.family);
  }
  if (ctx.mode === 'build' && source.project) {
    config.source_image_project_id = [v.variable('source_project', { type: 'string' }, source.project)];
  }
  if (ctx.image.recipe.build.disk_size_gb) {
    config.disk_size = v.variable('disk_size_gb', { type: 'number' }, ctx.image.recipe.build.disk_size_gb);
  }
  return { type: 'googlecompute', name: 'image', config, sshUser: user, plugin: 'googlecompute' };
}
