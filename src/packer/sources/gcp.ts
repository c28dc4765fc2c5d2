/**
 * googlecompute: boots the source image in the build zone, provisions,
 * creates a labelled image. Rules of packer-plugin-googlecompute (v1.1.9,
 * unchanged to v1.2.7) this source follows:
 * - StepCheckExistingImage is the first step of every build, verify too
 *   (builder/googlecompute/builder.go:72), and halts when `image_name` exists
 *   (step_check_existing_image.go:26-33); `skip_create_image` is read only by
 *   the last step (step_create_image.go:31). So a verification names no image:
 *   `image_name` then defaults to `packer-<timestamp>` (config.go:441-449),
 *   which exists nowhere. No `image_family`, no `image_labels` either.
 * - The zone must exist in the project: the topology's `zone`, else the one
 *   the provider picked (providers/gcp/zones.ts), set by the build before the
 *   template is written. A dry run without either writes ZONE_AT_BUILD_TIME.
 * - No `image_family` on builds: an image joins its family on promotion only
 *   (providers/gcp/family.ts), so `family/...` never serves a candidate.
 */
import type { GcpSource } from '../../topology/model.js';
import { sanitizeLabels } from '../../providers/gcp/labels.js';
import { sshUser, type SourceContext, type SourceResult } from './context.js';

/** The zone a dry run writes when the topology names none: a real build asks Compute Engine for an UP zone. */
export const zoneAtBuildTime = (region: string): string => `${region}-zone-chosen-at-build-time`;

export function gcpSource(ctx: SourceContext): SourceResult {
  const source = ctx.image.source as GcpSource;
  const target = ctx.image.target;
  const v = ctx.builder;
  const user = sshUser(ctx, source.ssh_username);
  const config: Record<string, unknown> = {
    project_id: v.variable('project', { type: 'string' }, target.project),
    zone: v.variable('zone', { type: 'string' }, target.zone ?? zoneAtBuildTime(ctx.image.buildRegion)),
    machine_type: v.variable('machine_type', { type: 'string' }, ctx.image.recipe.build.instance_type ?? 'e2-standard-2'),
    ssh_username: v.variable('ssh_username', { type: 'string' }, user),
    labels: { 'image-builder-run': 'true' },
  };
  if (ctx.mode === 'verify') {
    config.source_image = v.variable('source_image', { type: 'string' }, ctx.verifyImage);
    config.skip_create_image = true;
  } else {
    config.image_name = v.variable('image_name', { type: 'string' }, ctx.image.name);
    config.image_labels = v.variable('labels', { type: 'map(string)' }, sanitizeLabels(ctx.tags));
    // The image the plan resolved (providers/gcp/resolve.ts: its id is projects/<project>/global/images/<name>),
    // else a pinned image, else the family, whose newest image Packer looks up itself.
    const exact = ctx.resolved?.name ?? source.image;
    const project = (ctx.resolved && /^projects\/([^/]+)\//.exec(ctx.resolved.id)?.[1]) || source.project;
    if (exact) config.source_image = v.variable('source_image', { type: 'string' }, exact);
    else config.source_image_family = v.variable('source_image_family', { type: 'string' }, source.family);
    if (project) config.source_image_project_id = [v.variable('source_project', { type: 'string' }, project)];
  }
  if (ctx.image.recipe.build.disk_size_gb) {
    config.disk_size = v.variable('disk_size_gb', { type: 'number' }, ctx.image.recipe.build.disk_size_gb);
  }
  return { type: 'googlecompute', name: 'image', config, sshUser: user, plugin: 'googlecompute' };
}
