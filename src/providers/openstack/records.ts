/**
 * Glance images as ImageRecords, and the properties this tool writes. Our
 * tags are Glance custom properties (strings only, Image service API v2
 * reference, "Image properties"); the list filter finds our images by one of
 * them, owned by the project, hidden or not.
 */
import { TAGS, fromTags, type ImageRecord, type ImageState } from '../../images/index.js';
import type { GlanceImage } from './glance.js';

/** The properties that are ours: the tag vocabulary (images/tags.ts) and every ib-* key. */
export function isOurProperty(key: string): boolean {
  return key === TAGS.managedBy || key.startsWith('ib-');
}

/** Our properties of an image, as tags. */
export function propertiesOf(image: GlanceImage): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(image)) if (isOurProperty(key) && typeof value === 'string') tags[key] = value;
  return tags;
}

/**
 * queued, saving, uploading, importing -> pending; active -> available, or
 * deprecated when hidden (os_hidden, how this tool deprecates);
 * deactivated -> deprecated (a retired image waiting out
 * delete_retired_after: its ib-retired-at property becomes the record's
 * `retiredAt`); killed -> failed; deleted and pending_delete are on their
 * way out: undefined, left out of the inventory.
 */
export function imageState(image: GlanceImage): ImageState | undefined {
  switch (image.status) {
    case 'active':
      return image.os_hidden ? 'deprecated' : 'available';
    case 'deactivated':
      return 'deprecated';
    case 'killed':
      return 'failed';
    case 'deleted':
    case 'pending_delete':
      return undefined;
    default:
      return 'pending';
  }
}

export function toRecord(image: GlanceImage, region: string): ImageRecord | undefined {
  const state = imageState(image);
  if (!state) return undefined;
  const created = new Date(image.created_at);
  return fromTags(propertiesOf(image), {
    id: image.id,
    name: image.name ?? image.id,
    region,
    state,
    createdAt: Number.isNaN(created.getTime()) ? '' : created.toISOString(),
  });
}

/** Glance's properties hold strings only (a number or boolean is refused with 400): every tag as text. */
export function asProperties(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]));
}

/** The part of `name` after an NREC prefix ("GOLD ", "Outdated "), as himlarcli names images. */
export function baseName(name: string): string {
  return name.replace(/^(GOLD|Outdated) /, '');
}

/** The standard image properties a source may set (Glance "Useful image properties"), kept apart from our tags. */
export const SOURCE_PROPERTY = /^(hw_[a-z0-9_]+|os_distro|os_version|os_type|os_admin_user|hypervisor_type|architecture|img_[a-z0-9_]+)$/;
