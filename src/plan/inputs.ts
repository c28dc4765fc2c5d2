/**
 * What an image is built from, component by component, and what an existing
 * image says it was built from.
 *
 * The fingerprint hashes one FingerprintInput (plan/fingerprint.ts); here it
 * is split into components that together cover all of it: the source as
 * written, the variables, the files, the recipe's settings (provider, name,
 * playbooks list, build settings) and the template version. Each gets a
 * 16-character digest, written as a tag on every image (images/tags.ts) with
 * the concrete base image the source resolved to; the manifest inside the
 * image and the local store's metadata keep the full maps (variable key ->
 * digest, file -> sha256). A changed fingerprint therefore always shows as at
 * least one changed component.
 *
 * The resolved base image is not part of the fingerprint: an offline plan
 * (which cannot resolve) fingerprints exactly as an online one, and a moved
 * base image is a reason to build the same fingerprint again (plan/reasons.ts).
 */
import { TAGS, sourceIdTag, type ImageRecord } from '../images/index.js';
import type { ProviderName, ProviderSource } from '../topology/model.js';
import { canonicalJson } from '../util/canonical.js';
import { sha256 } from '../util/hash.js';
import type { FingerprintInput } from './fingerprint.js';
import type { BaseImage, ImageInputs } from './types.js';

/** Hex characters of a component digest: 64 bits, plenty to see a change, short enough for any label. */
export const DIGEST_LENGTH = 16;

/** The digest of one component (or one variable's value). */
export const digest = (value: unknown): string => sha256(canonicalJson(value ?? null)).slice(0, DIGEST_LENGTH);

/** The components of a fingerprint's input. */
export function imageInputs(input: FingerprintInput): ImageInputs {
  const { provider, recipe, source, files, templateVersion } = input;
  const variables: Record<string, string> = {};
  for (const key of Object.keys(recipe.variables).sort()) variables[key] = digest(recipe.variables[key]);
  return {
    digests: {
      source: digest(source),
      variables: digest(recipe.variables),
      files: digest(files),
      recipe: digest({ provider, name: recipe.name, playbooks: recipe.playbooks, build: recipe.build }),
    },
    template: templateVersion,
    variables,
    files,
  };
}

/** What an existing image says it was built from (tags; the full maps where its store keeps them). */
export interface Recorded {
  digests: Partial<ImageInputs['digests']>;
  template?: string;
  base?: BaseImage;
  /** The source as written, in short (`ib-source`). */
  sourceText?: string;
  /** The commit the build ran at (`ib-git-sha`). */
  commit?: string;
  variables?: Record<string, string>;
  files?: Record<string, string>;
}

/** Reads a record's inputs; whatever is missing or malformed is left out, never guessed. */
export function recordedInputs(record: Pick<ImageRecord, 'tags'> & { inputs?: unknown }): Recorded {
  const t = record.tags;
  const digests: Recorded['digests'] = {};
  if (t[TAGS.digestSource]) digests.source = t[TAGS.digestSource];
  if (t[TAGS.digestVariables]) digests.variables = t[TAGS.digestVariables];
  if (t[TAGS.digestFiles]) digests.files = t[TAGS.digestFiles];
  if (t[TAGS.digestRecipe]) digests.recipe = t[TAGS.digestRecipe];
  const out: Recorded = { digests };
  if (t[TAGS.template]) out.template = t[TAGS.template];
  if (t[TAGS.source]) out.sourceText = t[TAGS.source];
  if (t[TAGS.gitSha]) out.commit = t[TAGS.gitSha];
  if (t[TAGS.sourceId]) {
    out.base = { id: t[TAGS.sourceId] };
    if (t[TAGS.sourceName]) out.base.name = t[TAGS.sourceName];
    if (t[TAGS.sourceDate]) out.base.created = t[TAGS.sourceDate];
  }
  const full = record.inputs;
  if (full !== null && typeof full === 'object') {
    const { variables, files } = full as Record<string, unknown>;
    if (isTextMap(variables)) out.variables = variables;
    if (isTextMap(files)) out.files = files;
  }
  return out;
}

function isTextMap(value: unknown): value is Record<string, string> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

/**
 * The exact image a source names, when it pins one: AWS `ami`, GCP `image`,
 * an Azure `version` other than `latest`. A local source never pins (its
 * suite follows the mirror; an `image` file is taken as it is at build time).
 */
export function pinnedId(provider: ProviderName, source: ProviderSource): string | undefined {
  const s = source as Record<string, string | undefined>;
  if (provider === 'aws') return s.ami;
  if (provider === 'gcp') return s.image;
  if (provider === 'azure') return s.version && s.version !== 'latest' ? s.version : undefined;
  return undefined;
}

/**
 * A tag value and the value it was written from are the same: equal, or
 * equal once lowercased with every character but [a-z0-9_-] turned into `-`
 * and cut at 63 (how GCP keeps labels: providers/gcp/labels.ts).
 */
export function sameTagValue(tag: string, value: string): boolean {
  return (
    tag === value ||
    tag ===
      value
        .toLowerCase()
        .replace(/[^\p{Ll}\p{Lo}\p{N}_-]/gu, '-')
        .slice(0, 63)
  );
}

/** The recorded base image (`ib-source-id`) is the one a source resolves to now. */
export const sameBase = (recorded: string, id: string): boolean => sameTagValue(recorded, sourceIdTag(id));

/** A short text naming the source as written (the `ib-source` tag). */
export function sourceText(source: ProviderSource): string {
  const s = source as Record<string, string | undefined>;
  const text =
    s.ami ??
    s.image ??
    (s.family ? `${s.project ?? ''}/${s.family}` : undefined) ??
    (s.publisher ? `${s.publisher}:${s.offer}:${s.sku}:${s.version ?? 'latest'}` : undefined) ??
    (s.name ? `${s.owner ?? ''}/${s.name}` : undefined) ??
    (s.suite ? `debian:${s.suite}` : 'unknown');
  return text.slice(0, 200);
}
