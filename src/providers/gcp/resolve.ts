/**
 * The image a GCP source names today. Images are global, so the region only
 * names where the plan asked:
 * - `family`: images.getFromFamily, "the latest image that is part of an
 *   image family and is not deprecated" (Compute API reference,
 *   images.getFromFamily);
 * - `image`: images.get of that image, pinned. It may be written as a name
 *   or as `projects/<project>/global/images/<name>`.
 * The project is the source's (`project: debian-cloud`), else the cloud's.
 * The build then boots exactly this image (source_image), never the family.
 */
import type { GcpSource } from '../../topology/model.js';
import type { ResolvedSource } from '../provider.js';
import { describeFields, sourceError, sourceNotFound, type SourceSite } from '../source-errors.js';
import { gcpCall, type GcpCallSite } from './calls.js';
import type { GcpClients } from './client.js';
import type { GcpImage } from './records.js';

const IMAGE_PATH = /^(?:.*\/)?projects\/([^/]+)\/global\/images\/([^/]+)$/;

export async function resolveGcpSource(
  call: GcpCallSite,
  clients: GcpClients,
  region: string,
  cloudProject: string,
  source: GcpSource,
): Promise<ResolvedSource> {
  const named = source.image ? IMAGE_PATH.exec(source.image) : null;
  const project = named?.[1] ?? source.project ?? cloudProject;
  const image = named?.[2] ?? source.image;
  const operation = image ? 'images.get' : 'images.getFromFamily';
  const site: SourceSite = {
    cloud: call.cloud,
    provider: 'gcp',
    region,
    source: describeFields({ project, family: source.family, image }),
    check: image
      ? `the image name and its project (${project}): the image may have been deleted`
      : `the project and the family (public images live in their own project, e.g. project: debian-cloud, family: debian-12)`,
    permission: `${image ? 'compute.images.get' : 'compute.images.getFromFamily'} on project ${project} (roles/compute.imageUser) to the workflow's identity`,
  };
  let found: GcpImage;
  try {
    [found] = await gcpCall(call, operation, region, () =>
      image
        ? clients.images.get({ project, image }, { retry: null })
        : clients.images.getFromFamily({ project, family: source.family }, { retry: null }),
    );
  } catch (error) {
    throw sourceError(site, error);
  }
  if (!found?.name) throw sourceNotFound(site, operation, 'Compute Engine answered without an image');
  if (found.status && found.status !== 'READY')
    throw sourceNotFound(site, operation, `the image ${found.name} is ${found.status}, not READY`);
  const created = found.creationTimestamp ? new Date(found.creationTimestamp) : undefined;
  return {
    id: `projects/${project}/global/images/${found.name}`,
    name: found.name,
    ...(created && !Number.isNaN(created.getTime()) ? { created: created.toISOString() } : {}),
    pinned: image !== undefined,
  };
}
