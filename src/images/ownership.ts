/**
 * Which images of a cloud's inventory are this topology's: only those carry
 * every tag the tool writes, name this cloud in `ib-cloud` and this
 * topology's owner in `ib-owner`. Everything else is left alone: an image
 * tagged by hand, another cloud's, another repository's. Images made before
 * `ib-owner` existed have none: they count as ours only where the topology
 * adopts them. Pure.
 */
import type { ImageRecord } from './record.js';
import { TAGS } from './tags.js';

/**
 * - `ours`: every tool tag, this cloud, this owner;
 * - `unowned`: every tool tag, this cloud, no `ib-owner` (made before it existed);
 * - `other-owner`: every tool tag, this cloud, another owner;
 * - `incomplete`: `ib-cloud` missing or this cloud, but a tool tag missing (tagged by hand?);
 * - `other-cloud`: `ib-cloud` names another cloud.
 */
export type Ownership = 'ours' | 'unowned' | 'other-owner' | 'incomplete' | 'other-cloud';

/** The tags an image needs, besides `ib-owner`, to be considered at all. */
export const REQUIRED_TAGS = [TAGS.managedBy, TAGS.fingerprint, TAGS.recipe, TAGS.os, TAGS.cloud] as const;

/**
 * Whose `record` is, seen from cloud `cloud` of the topology owned by `owner`.
 * `record.cloud` is the cloud name as the provider read it back from
 * `ib-cloud` (GCP's sanitized label mapped back to the name); a missing
 * `ib-cloud` is never taken for this cloud.
 */
export function ownership(record: ImageRecord, cloud: string, owner: string): Ownership {
  const tags = record.tags;
  if (tags[TAGS.cloud] && record.cloud !== cloud) return 'other-cloud';
  if (tags[TAGS.managedBy] !== 'true' || REQUIRED_TAGS.some((key) => !tags[key])) return 'incomplete';
  const theirs = tags[TAGS.owner];
  if (!theirs) return 'unowned';
  return theirs === owner ? 'ours' : 'other-owner';
}
