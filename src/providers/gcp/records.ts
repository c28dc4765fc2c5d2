/**
 * GCP image resources as ImageRecords, and the names and URLs around them.
 * Plain data: no SDK import (types only).
 */
import type { protos } from '@google-cloud/compute';
import { labelValue } from './labels.js';
import { TAGS, fromTags, type ImageRecord, type ImageState } from '../../images/index.js';

export type GcpImage = protos.google.cloud.compute.v1.IImage;
export type GcpOperation = protos.google.cloud.compute.v1.IOperation;

/** The list filter (AIP-160 form) that finds this tool's images. */
export const MANAGED_FILTER = `labels.${TAGS.managedBy} = "true"`;
/** The role that lets a principal create disks and instances from an image. */
export const IMAGE_USER_ROLE = 'roles/compute.imageUser';
/** The principal GCP accepts for "public" images (allUsers is not allowed on images). */
export const PUBLIC_PRINCIPAL = 'allAuthenticatedUsers';

/** The form of selfLink GCP gives images (used for deprecate's replacement). */
export function imageUrl(project: string, name: string): string {
  return `https://www.googleapis.com/compute/v1/projects/${project}/global/images/${name}`;
}

/**
 * status PENDING -> pending, READY -> available, FAILED -> failed; a READY
 * image whose deprecated.state is DEPRECATED, OBSOLETE or DELETED ->
 * deprecated. DELETING images are on their way out: undefined, left out of
 * the inventory (so the planner does not count them as present).
 */
export function imageState(image: GcpImage): ImageState | undefined {
  switch (image.status) {
    case 'DELETING':
      return undefined;
    case 'FAILED':
      return 'failed';
    case 'READY': {
      const deprecation = image.deprecated?.state;
      const retired = deprecation === 'DEPRECATED' || deprecation === 'OBSOLETE' || deprecation === 'DELETED';
      return retired ? 'deprecated' : 'available';
    }
    default:
      return 'pending';
  }
}

/** An ImageRecord for `region` (GCP images are global: every region sees the same image). */
export function toRecord(image: GcpImage, region: string, cloudName: string): ImageRecord | undefined {
  const state = imageState(image);
  if (!state || !image.name) return undefined;
  const labels: Record<string, string> = { ...(image.labels ?? {}) };
  const created = image.creationTimestamp ? new Date(image.creationTimestamp) : undefined;
  const record = fromTags(labels, {
    id: image.name,
    name: image.name,
    region,
    state,
    createdAt: created && !Number.isNaN(created.getTime()) ? created.toISOString() : '',
  });
  // The cloud label holds the sanitized cloud name; give the planner the name it knows.
  if (record.cloud === labelValue(cloudName)) record.cloud = cloudName;
  return record;
}

/**
 * An IAM member for an account as given: `user:`, `serviceAccount:`, `group:`,
 * `domain:` (or any `kind:`) pass unchanged; a bare e-mail becomes
 * `serviceAccount:` (*.gserviceaccount.com) or `user:`.
 */
export function principal(account: string): string {
  const value = account.trim();
  if (value === PUBLIC_PRINCIPAL || value.includes(':')) return value;
  if (value.includes('@')) return `${value.endsWith('.gserviceaccount.com') ? 'serviceAccount' : 'user'}:${value}`;
  throw new Error(`GCP share: "${account}" is not an IAM principal; write it as user:, serviceAccount:, group: or domain:`);
}
