/**
 * An image folder's metadata.json, read defensively. The folder, not the
 * file, says which image it is: `id` is `<region>/<folder>`, `region` the
 * region folder it sits in, `name` the folder's name. A file whose own name,
 * region or id say otherwise (a folder copied by hand, a file copied from
 * another folder) is read under the folder's identity and reported, so no
 * operation is ever pointed at another folder or another region.
 *
 * A file that cannot be an image record (not JSON, `null`, `{}`, a missing
 * field, a wrong type, a fingerprint, recipe, os or cloud other than its tag
 * says) is skipped with the reason, naming its folder; a file
 * without the tool's `image-builder` tag is someone else's image and is left
 * alone silently.
 */
import { TAGS, currentTags, type ImageRecord } from '../../images/index.js';

export const METADATA = 'metadata.json';

/** Where a folder sits: its region folder and its own name. */
export interface FolderIdentity {
  region: string;
  folder: string;
}

export type ReadMetadata =
  /** An image of this tool, under the folder's identity; `mismatch` says what the file claimed instead. */
  | { kind: 'image'; record: ImageRecord; mismatch?: string }
  /** Not an image record: skipped for `reason`. */
  | { kind: 'invalid'; reason: string }
  /** Well formed, but not made by this tool (no `image-builder: true` tag). */
  | { kind: 'foreign' };

const STATES = ['pending', 'available', 'failed', 'deprecated'] as const;
const CHANNELS = ['candidate', 'gold', 'outdated'] as const;
const VERDICTS = ['passed', 'failed', 'unverified'] as const;
const TEXT_FIELDS = ['fingerprint', 'image', 'os', 'cloud', 'createdAt'] as const;
/** Fields the record repeats from its tags: they must agree. */
const TAGGED_FIELDS = [
  ['fingerprint', TAGS.fingerprint],
  ['image', TAGS.recipe],
  ['os', TAGS.os],
  ['cloud', TAGS.cloud],
] as const;

export const folderId = (where: FolderIdentity): string => `${where.region}/${where.folder}`;

/** Parses the text of a metadata.json found in `where`. */
export function parseMetadata(text: string, where: FolderIdentity): ReadMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: `${METADATA} is not valid JSON` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      kind: 'invalid',
      reason: `${METADATA} holds ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}, not an image record`,
    };
  }
  const data = raw as Record<string, unknown>;
  const tags = data.tags;
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags))
    return { kind: 'invalid', reason: `${METADATA} has no "tags" object` };
  const badTag = Object.entries(tags).find(([, v]) => typeof v !== 'string');
  if (badTag) return { kind: 'invalid', reason: `${METADATA}: tag "${badTag[0]}" is not text` };
  const tagMap = currentTags(tags as Record<string, string>);
  if (tagMap[TAGS.managedBy] !== 'true') return { kind: 'foreign' };

  const problems: string[] = [];
  for (const field of TEXT_FIELDS) if (typeof data[field] !== 'string') problems.push(`"${field}" ${describe(data[field])}`);
  const oneOf = (field: string, allowed: readonly string[]) => {
    if (!allowed.includes(data[field] as string)) problems.push(`"${field}" ${describe(data[field])}, not one of ${allowed.join(', ')}`);
  };
  oneOf('state', STATES);
  oneOf('channel', CHANNELS);
  oneOf('verified', VERDICTS);
  if (data.source !== undefined && typeof data.source !== 'string') problems.push(`"source" ${describe(data.source)}`);
  // The tags are what the cloud-neutral code reads (whose an image is); fields saying otherwise make no record.
  for (const [field, tag] of TAGGED_FIELDS) {
    if (problems.length === 0 && tagMap[tag] !== undefined && tagMap[tag] !== data[field]) {
      problems.push(`"${field}" is ${JSON.stringify(data[field])} but its ${tag} tag says ${JSON.stringify(tagMap[tag])}`);
    }
  }
  if (problems.length > 0) return { kind: 'invalid', reason: `${METADATA}: ${problems.join('; ')}` };

  const identity = { id: folderId(where), name: where.folder, region: where.region };
  const claims = (['id', 'name', 'region'] as const)
    .filter((key) => data[key] !== undefined && data[key] !== identity[key])
    .map((key) => `${key} ${JSON.stringify(data[key])}`);
  const record: ImageRecord = {
    ...(data as unknown as ImageRecord),
    ...identity,
    tags: tagMap,
  };
  return claims.length > 0 ? { kind: 'image', record, mismatch: claims.join(', ') } : { kind: 'image', record };
}

function describe(value: unknown): string {
  if (value === undefined) return 'is missing';
  return (
    `is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `a ${typeof value}`}` +
    (typeof value === 'string' ? ` (${JSON.stringify(value)})` : '')
  );
}
