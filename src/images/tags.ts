/**
 * The tag vocabulary: every key this tool writes on an image (lowercase, as
 * GCP labels require), and the two helpers that write and read them.
 */
import type { Channel, ImageRecord, Verdict } from './record.js';

export const TAGS = {
  managedBy: 'image-builder',
  fingerprint: 'ib-fingerprint',
  recipe: 'ib-recipe',
  os: 'ib-os',
  cloud: 'ib-cloud',
  /** Who owns the image: the topology's namespace, or its repository and path (topology/owner.ts). */
  owner: 'ib-owner',
  channel: 'ib-channel',
  verified: 'ib-verified',
  source: 'ib-source',
  gitSha: 'ib-git-sha',
  builtAt: 'ib-built-at',
  version: 'ib-version',
  /** The image that replaced an outdated one (where the cloud has no native field for it). */
  replacement: 'ib-replacement',
  /** When an outdated image was deprecated (where the cloud has no native field for it). */
  deprecatedAt: 'ib-deprecated-at',
  /** The accounts an image is shared with (local store). */
  sharedWith: 'ib-shared-with',
} as const;

/**
 * Keys earlier releases wrote under another spelling, read as their current
 * key so the images they made still count.
 */
export const LEGACY_TAGS: Readonly<Record<string, string>> = {
  'ib-replaced-by': TAGS.replacement,
};

/** Builds the tag set for a new image; providers add their own keys on top. */
export function imageTags(fields: {
  fingerprint: string;
  image: string;
  os: string;
  cloud: string;
  /** The topology's owner (see topology/owner.ts); every image this tool builds carries one. */
  owner?: string;
  channel?: Channel;
  verified?: Verdict;
  source?: string;
  gitSha?: string;
  builtAt?: string;
  version?: string;
}): Record<string, string> {
  const tags: Record<string, string> = {
    [TAGS.managedBy]: 'true',
    [TAGS.fingerprint]: fields.fingerprint,
    [TAGS.recipe]: fields.image,
    [TAGS.os]: fields.os,
    [TAGS.cloud]: fields.cloud,
    [TAGS.channel]: fields.channel ?? 'candidate',
    [TAGS.verified]: fields.verified ?? 'unverified',
  };
  if (fields.owner) tags[TAGS.owner] = fields.owner;
  if (fields.source) tags[TAGS.source] = fields.source;
  if (fields.gitSha) tags[TAGS.gitSha] = fields.gitSha;
  if (fields.builtAt) tags[TAGS.builtAt] = fields.builtAt;
  if (fields.version) tags[TAGS.version] = fields.version;
  return tags;
}

/** The tags with every legacy key also under its current spelling (the current one wins). */
export function currentTags(tags: Record<string, string>): Record<string, string> {
  let out = tags;
  for (const [legacy, current] of Object.entries(LEGACY_TAGS)) {
    if (tags[legacy] !== undefined && tags[current] === undefined) out = { ...out, [current]: tags[legacy] };
  }
  return out;
}

/** Reads an ImageRecord's tool fields back from its tags. */
export function fromTags(
  raw: Record<string, string>,
  base: Pick<ImageRecord, 'id' | 'name' | 'region' | 'state' | 'createdAt'>,
): ImageRecord {
  const tags = currentTags(raw);
  const channel = tags[TAGS.channel];
  const verified = tags[TAGS.verified];
  return {
    ...base,
    cloud: tags[TAGS.cloud] ?? '',
    fingerprint: tags[TAGS.fingerprint] ?? '',
    image: tags[TAGS.recipe] ?? '',
    os: tags[TAGS.os] ?? '',
    channel: channel === 'gold' || channel === 'outdated' ? channel : 'candidate',
    verified: verified === 'passed' || verified === 'failed' ? verified : 'unverified',
    source: tags[TAGS.source],
    tags,
  };
}
