/**
 * Names and resource ids for Azure Compute Gallery images. Pure functions:
 * the Packer template builder uses the same names as the provider.
 */
import { createHash } from 'node:crypto';

/** Gallery image definition names: letters, digits, `.`, `_`, `-`, at most 80, alphanumeric at both ends. */
/** The gallery used when the topology names none. */
export const DEFAULT_GALLERY = 'image_builder';

const DEFINITION_MAX = 80;

/**
 * The gallery image definition holding every version of one (recipe, os)
 * line, e.g. `controller-debian12`. Lowercased (Azure names are
 * case-insensitive); characters Azure refuses become `-`; names longer than
 * 80 characters are cut and end in a short hash so they stay unique.
 */
export function azureImageDefinition(recipe: string, os: string): string {
  const raw = `${recipe}-${os}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (!recipe || !os || !raw) {
    throw new Error(`cannot name an Azure gallery image definition for recipe "${recipe}" and os "${os}"`);
  }
  if (raw.length <= DEFINITION_MAX) return raw;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${raw.slice(0, DEFINITION_MAX - 9).replace(/[^a-z0-9]+$/, '')}-${hash}`;
}

/**
 * The version name for an image built at `date`, in UTC:
 * `YYYY.MMDD.HHMMSS` written without leading zeros, e.g. 2025-06-12T08:04:05Z
 * -> `2025.612.80405`. Gallery versions must be Major.Minor.Patch with each
 * part an int32; here each part is at most 9999, 1231 and 235959, and the
 * numeric order of versions is the order of build times (one build per
 * definition per second).
 */
export function azureVersionName(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error('azureVersionName: invalid date');
  const minor = (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
  const patch = date.getUTCHours() * 10000 + date.getUTCMinutes() * 100 + date.getUTCSeconds();
  return `${date.getUTCFullYear()}.${minor}.${patch}`;
}

/** The build time encoded by azureVersionName, or undefined for other version names. */
export function parseAzureVersionName(name: string): Date | undefined {
  const match = /^(\d{4})\.(\d{1,4})\.(\d{1,6})$/.exec(name);
  if (!match) return undefined;
  const [year, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  const month = Math.floor(minor / 100);
  const day = minor % 100;
  const hours = Math.floor(patch / 10000);
  const minutes = Math.floor(patch / 100) % 100;
  const seconds = patch % 100;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
}

/** Azure location names compare without case and spaces ("West Europe" = "westeurope"). */
export function normalizeRegion(region: string): string {
  return region.toLowerCase().replace(/\s+/g, '');
}

/** A parsed gallery image version or managed image resource id. */
export type AzureImageRef =
  | {
      kind: 'gallery-version';
      subscription: string;
      resourceGroup: string;
      gallery: string;
      definition: string;
      version: string;
    }
  | { kind: 'managed-image'; subscription: string; resourceGroup: string; name: string };

const VERSION_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/galleries\/([^/]+)\/images\/([^/]+)\/versions\/([^/]+)$/i;
const MANAGED_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/images\/([^/]+)$/i;

export function parseAzureImageId(id: string): AzureImageRef {
  const version = VERSION_ID.exec(id);
  if (version) {
    const [, subscription, resourceGroup, gallery, definition, name] = version as unknown as string[];
    return { kind: 'gallery-version', subscription, resourceGroup, gallery, definition, version: name } as AzureImageRef;
  }
  const managed = MANAGED_ID.exec(id);
  if (managed) {
    const [, subscription, resourceGroup, name] = managed as unknown as string[];
    return { kind: 'managed-image', subscription, resourceGroup, name } as AzureImageRef;
  }
  throw new Error(`not an Azure gallery image version or managed image id: "${id}"`);
}

export function galleryVersionId(ref: {
  subscription: string;
  resourceGroup: string;
  gallery: string;
  definition: string;
  version: string;
}): string {
  return `${definitionId(ref)}/versions/${ref.version}`;
}

export function definitionId(ref: { subscription: string; resourceGroup: string; gallery: string; definition: string }): string {
  return `/subscriptions/${ref.subscription}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Compute/galleries/${ref.gallery}/images/${ref.definition}`;
}
