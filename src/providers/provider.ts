/**
 * The one interface every cloud implements (the seed's CloudApiUtility).
 * Providers never import commands or the planner; they speak plain data.
 */
import type { Cloud, ProviderName } from '../topology/model.js';

export type ImageState = 'pending' | 'available' | 'failed' | 'deprecated';
/** gold = current; outdated = previous gold; candidate = built, not promoted yet. */
export type Channel = 'candidate' | 'gold' | 'outdated';
export type Verdict = 'passed' | 'failed' | 'unverified';

/** Tag / label keys this tool writes on every image (lowercase: GCP labels). */
export const TAGS = {
  managedBy: 'image-builder',
  fingerprint: 'ib-fingerprint',
  recipe: 'ib-recipe',
  os: 'ib-os',
  cloud: 'ib-cloud',
  channel: 'ib-channel',
  verified: 'ib-verified',
  source: 'ib-source',
  gitSha: 'ib-git-sha',
  builtAt: 'ib-built-at',
  version: 'ib-version',
} as const;

/** One image in one region, as a cloud reports it. */
export interface ImageRecord {
  /** The cloud's id: AMI id, GCP image name, Azure resource id, local store key. */
  id: string;
  name: string;
  cloud: string;
  region: string;
  fingerprint: string;
  image: string;
  os: string;
  state: ImageState;
  channel: Channel;
  verified: Verdict;
  /** ISO 8601. */
  createdAt: string;
  source?: string;
  /** Every tag/label as the cloud holds it. */
  tags: Record<string, string>;
}

export interface CopyOptions {
  /** Wait until the copy is available (default false: return the pending copy). */
  wait?: boolean;
  encrypted?: boolean;
  kmsKeyId?: string;
}

export interface ShareOptions {
  accounts: string[];
  public: boolean;
}

export interface DeprecateOptions {
  /** The image that replaces this one (GCP deprecate.replacement). */
  replacement?: ImageRecord;
  /** When the deprecation takes effect (AWS DeprecateAt, Azure endOfLifeDate). */
  at?: Date;
}

/** What `inUse` found referencing an image: instance ids, templates, scale sets. */
export interface Usage {
  inUse: boolean;
  references: string[];
}

export interface Provider {
  readonly provider: ProviderName;
  readonly cloud: Cloud;
  /**
   * `region`: one inventory call per region; `global`: images are global
   * (GCP), one call per project serves every region and copies are no-ops.
   */
  readonly scope: 'region' | 'global';
  /** Every image this tool made in `region`, paginated to the end. */
  inventory(region: string): Promise<ImageRecord[]>;
  /** Start (or, with wait, finish) a copy of `image` into `region`. */
  copy(image: ImageRecord, region: string, options?: CopyOptions): Promise<ImageRecord>;
  /** Add or replace tags on the image (and its snapshots, where it has any). */
  tag(image: ImageRecord, tags: Record<string, string>): Promise<void>;
  share(image: ImageRecord, options: ShareOptions): Promise<void>;
  deprecate(image: ImageRecord, options?: DeprecateOptions): Promise<void>;
  /** Delete the image (and its snapshots); resolves when it is gone. */
  remove(image: ImageRecord): Promise<void>;
  inUse(image: ImageRecord): Promise<Usage>;
  /** Readies the cloud for a build of this image line, where it needs it (Azure: the gallery image definition). */
  prepareBuild?(line: { image: string; os: string; region: string }): Promise<void>;
}

/** Builds the tag set for a new image; providers add their own keys on top. */
export function imageTags(fields: {
  fingerprint: string; image: string; os: string; cloud: string;
  channel?: Channel; verified?: Verdict; source?: string; gitSha?: string;
  builtAt?: string; version?: string;
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
  if (fields.source) tags[TAGS.source] = fields.source;
  if (fields.gitSha) tags[TAGS.gitSha] = fields.gitSha;
  if (fields.builtAt) tags[TAGS.builtAt] = fields.builtAt;
  if (fields.version) tags[TAGS.version] = fields.version;
  return tags;
}

/** Reads an ImageRecord's tool fields back from its tags. */
export function fromTags(
  tags: Record<string, string>,
  base: Pick<ImageRecord, 'id' | 'name' | 'region' | 'state' | 'createdAt'>,
): ImageRecord {
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
