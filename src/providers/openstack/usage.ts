/**
 * Whether an image is in use: a server of the project booted from it (Nova,
 * Compute API reference, "List Servers Detailed", filter `image`, pages by
 * `servers_links` rel next), or a volume was made from it (Cinder, Block
 * Storage API v3 reference, "List Volumes With Details", filter
 * `glance_metadata` from microversion 3.4, pages by `volumes_links`). A
 * region whose catalog has no compute or volume service has nothing there
 * to use the image.
 */
import type { KeystoneSession } from './auth.js';
import { call, type CallSite } from './http.js';

interface Page {
  servers?: { id: string; name?: string }[];
  volumes?: { id: string; name?: string }[];
  servers_links?: { rel: string; href: string }[];
  volumes_links?: { rel: string; href: string }[];
}

type SiteFor = (base: string) => CallSite;

/** Every item of a paged Nova or Cinder list, following the next links. */
async function all(site: CallSite, first: string, key: 'servers' | 'volumes', headers?: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  const seen = new Set<string>();
  let path: string | undefined = first;
  while (path && !seen.has(path)) {
    seen.add(path);
    const page: { body: Page } = await call<Page>(site, { operation: `list ${key}`, method: 'GET', path, headers });
    const items = page.body[key] ?? [];
    ids.push(...items.map((i) => i.id));
    const next = page.body[`${key}_links`]?.find((l) => l.rel === 'next')?.href;
    path = items.length > 0 ? next : undefined;
  }
  return ids;
}

/** "server <id>" and "volume <id>" for each user of the image in `region`. */
export async function findUsage(session: KeystoneSession, siteFor: SiteFor, region: string, imageId: string): Promise<string[]> {
  const references: string[] = [];
  const compute = await session.endpoint(['compute'], region);
  if (compute) {
    const servers = await all(siteFor(compute), `/servers/detail?image=${encodeURIComponent(imageId)}`, 'servers');
    references.push(...servers.map((id) => `server ${id}`));
  }
  const volume = await session.endpoint(['volumev3', 'block-storage', 'volume'], region);
  if (volume) {
    const filter = encodeURIComponent(JSON.stringify({ image_id: imageId }));
    const volumes = await all(siteFor(volume), `/volumes/detail?glance_metadata=${filter}`, 'volumes', {
      'openstack-api-version': 'volume 3.4',
    });
    references.push(...volumes.map((id) => `volume ${id}`));
  }
  return references;
}
