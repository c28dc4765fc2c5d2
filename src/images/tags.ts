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
  /** When an image of a retired line was deactivated (unbootable); lifecycle deletes it delete_retired_after later. */
  retiredAt: 'ib-retired-at',
  /** The accounts an image is shared with (local store). */
  sharedWith: 'ib-shared-with',
  /**
   * What the image was built from, one component each, so a plan can say
   * what changed since (plan/inputs.ts): the concrete upstream image the
   * source resolved to (id, name, publication date) and short digests of the
   * source as written, the variables, the files and the recipe's settings,
   * and the template version. The build commit is `ib-git-sha`.
   */
  sourceId: 'ib-source-id',
  sourceName: 'ib-source-name',
  sourceDate: 'ib-source-date',
  digestSource: 'ib-digest-source',
  digestVariables: 'ib-digest-variables',
  digestFiles: 'ib-digest-files',
  digestRecipe: 'ib-digest-recipe',
  template: 'ib-template',
} as const;

/**
 * What an image is built from, as its tags and its manifest record it (the
 * shape of plan/types.ts ImageInputs, with the base image the plan resolved).
 */
export interface InputTagFields {
  digests: { source: string; variables: string; files: string; recipe: string };
  template: string;
  base?: { id: string; name?: string; created?: string; pinned?: boolean };
}

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
  /** What it was built from (plan/inputs.ts inputTags). */
  inputs?: InputTagFields;
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
  if (fields.inputs) Object.assign(tags, inputTags(fields.inputs));
  return tags;
}

/** The input components' tags; a value is cut to 200 characters (AWS and Azure take 256; GCP cuts labels to 63 itself). */
export function inputTags(inputs: InputTagFields): Record<string, string> {
  const tags: Record<string, string> = {
    [TAGS.digestSource]: inputs.digests.source,
    [TAGS.digestVariables]: inputs.digests.variables,
    [TAGS.digestFiles]: inputs.digests.files,
    [TAGS.digestRecipe]: inputs.digests.recipe,
    [TAGS.template]: inputs.template,
  };
  const { base } = inputs;
  if (base?.id) tags[TAGS.sourceId] = sourceIdTag(base.id);
  if (base?.name) tags[TAGS.sourceName] = base.name.slice(0, 200);
  if (base?.created) tags[TAGS.sourceDate] = base.created.slice(0, 200);
  return tags;
}

/**
 * A base image's id as `ib-source-id` holds it: the last segment of a path
 * (GCP's `projects/debian-cloud/global/images/debian-12-bookworm-v20250301`
 * becomes the image name, which fits a GCP label whole, where the path would
 * be cut at 63 characters), cut to 200 characters.
 */
export function sourceIdTag(id: string): string {
  return (
    id
      .split('/')
      .filter((s) => s.length > 0)
      .pop() ?? id
  ).slice(0, 200);
}

/**
 * The inputs as the manifest inside the image records them
 * (`image_builder_inputs`): every variable's and every file's digest as
 * lists of plain values, so no file name ever becomes a map key Ansible
 * could read as a template.
 */
export function manifestInputs(
  inputs: InputTagFields & { variables: Record<string, string>; files: Record<string, string> },
): Record<string, unknown> {
  return {
    base: inputs.base ?? null,
    digests: inputs.digests,
    template: inputs.template,
    variables: Object.entries(inputs.variables).map(([key, digest]) => ({ key, digest })),
    files: Object.entries(inputs.files).map(([path, sha256]) => ({ path, sha256 })),
  };
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
    ...(tags[TAGS.retiredAt] ? { retiredAt: tags[TAGS.retiredAt] } : {}),
    tags,
  };
}
