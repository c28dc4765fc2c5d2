/**
 * Image names carry the fingerprint and, once built, the build time, and obey
 * each cloud's naming rules:
 * - GCP: [a-z]([-a-z0-9]{0,61}[a-z0-9])?, at most 63 characters (Compute
 *   API reference, images resource, `name`; packer-plugin-googlecompute
 *   checks the same: builder/googlecompute/config.go v1.1.9:28 and :453-459)
 * - AWS: 3-128 characters of letters, digits and ()[] ./-'@_ (EC2 API
 *   reference, CreateImage / RegisterImage, `Name`)
 * - Azure managed images: 1-80 of letters, digits, _ . -, starting with an
 *   alphanumeric, ending with an alphanumeric or _ (Azure resource naming
 *   rules, Microsoft.Compute/images; packer-plugin-azure
 *   builder/azure/arm/config.go v2.6.3:58-62 and :1667 assertManagedImageName)
 * - local: a folder name, letters, digits, . _ - (the store's safeSegment)
 * - OpenStack: Glance allows any name up to 255 characters (Image service
 *   API v2 reference, `name`); the local rule is kept, as the disk is built here
 *
 * The planned name (`ib-<recipe>-<os>-<fp16>`) names a matrix cell; every
 * build adds its start time (`-<yyyymmddhhmmss>`, UTC), so a rebuild of a
 * fingerprint (plan --force, or after a failed verification) never collides
 * with the image already there. Identity is the fingerprint tag, not the name.
 */
import type { ProviderName } from '../topology/model.js';

export const NAME_PREFIX = 'ib';
/** Fingerprint characters kept in a name (64 bits of the hash). */
export const NAME_FP_LENGTH = 16;

const LIMITS: Record<ProviderName, number> = { gcp: 63, aws: 128, azure: 80, local: 128, openstack: 128 };

/** The planned name, or with `builtAt` the name a build gives its image. */
export function imageName(provider: ProviderName, recipe: string, os: string, fingerprint: string, builtAt?: Date): string {
  const fp = fingerprint.slice(0, NAME_FP_LENGTH).toLowerCase();
  const tail = builtAt ? `${fp}-${buildStamp(builtAt)}` : fp;
  const words = [NAME_PREFIX, recipe, os].map((w) => clean(provider, w)).filter((w) => w.length > 0);
  const budget = LIMITS[provider] - tail.length - 1;
  let head = words.join('-');
  if (head.length > budget) head = head.slice(0, budget).replace(/[-._ ]+$/, '');
  return `${head}-${tail}`;
}

/** A build's start time as 14 digits, UTC: 2026-11-21T10:20:30Z -> 20261121102030. */
export function buildStamp(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new Error('buildStamp: invalid date');
  return at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function clean(provider: ProviderName, word: string): string {
  const lower = provider === 'gcp' || provider === 'local' || provider === 'openstack' ? word.toLowerCase() : word;
  const allowed = provider === 'gcp' ? /[^a-z0-9-]+/g : provider === 'aws' ? /[^A-Za-z0-9()[\] ./'@_-]+/g : /[^A-Za-z0-9._-]+/g;
  return lower
    .replace(allowed, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._ ]+|[-._ ]+$/g, '');
}

/** True when `name` is valid for `provider` (used by tests and by build before it calls the cloud). */
export function isValidName(provider: ProviderName, name: string): boolean {
  switch (provider) {
    case 'gcp':
      return name.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name);
    case 'aws':
      return name.length >= 3 && name.length <= 128 && /^[A-Za-z0-9()[\] ./'@_-]+$/.test(name);
    case 'azure':
      return name.length <= 80 && /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?$/.test(name);
    case 'local':
    case 'openstack':
      return name.length <= 128 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
  }
}
