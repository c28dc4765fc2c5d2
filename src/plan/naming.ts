/**
 * Image names carry the fingerprint and obey each cloud's naming rules:
 * - GCP: [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters
 * - AWS: 3-128 characters of letters, digits and ()[] ./-'@_
 * - Azure managed images: 1-80 of letters, digits, _ . -, starting with an
 *   alphanumeric, ending with an alphanumeric or _
 * - local: a folder name, letters, digits, . _ -
 */
import type { ProviderName } from '../topology/model.js';

export const NAME_PREFIX = 'ib';
/** Fingerprint characters kept in a name (64 bits of the hash). */
export const NAME_FP_LENGTH = 16;

const LIMITS: Record<ProviderName, number> = { gcp: 63, aws: 128, azure: 80, local: 128 };

export function imageName(provider: ProviderName, recipe: string, os: string, fingerprint: string): string {
  const fp = fingerprint.slice(0, NAME_FP_LENGTH).toLowerCase();
  const words = [NAME_PREFIX, recipe, os].map((w) => clean(provider, w)).filter((w) => w.length > 0);
  const budget = LIMITS[provider] - fp.length - 1;
  let head = words.join('-');
  if (head.length > budget) head = head.slice(0, budget).replace(/[-._]+$/, '');
  return `${head}-${fp}`;
}

function clean(provider: ProviderName, word: string): string {
  const lower = provider === 'gcp' || provider === 'local' ? word.toLowerCase() : word;
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
      return name.length <= 128 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
  }
}

/** The GCP image family of an image line (recipe, os): newest non-deprecated image wins. */
export function imageFamily(recipe: string, os: string): string {
  const head = [NAME_PREFIX, recipe, os]
    .map((w) => clean('gcp', w))
    .filter((w) => w.length > 0)
    .join('-');
  return head.slice(0, 63).replace(/-+$/, '');
}
