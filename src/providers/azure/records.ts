/**
 * Inventory of one Compute Gallery (and the resource group's managed images),
 * listed once and served to every region.
 *
 * ARM calls for one listing, whatever the number of regions asked:
 *   1 GalleryImages_ListByGallery (+1 per further page)
 *   + per definition 1 GalleryImageVersions_ListByGalleryImage (+1 per further page)
 *   + per version of ours still Creating/Updating/Failed, 1 GET with
 *     $expand=ReplicationStatus (lists carry no per-region status)
 *   + 1 Images_ListByResourceGroup (+1 per further page).
 * The listing is cached for `cacheMs` and dropped after any change this
 * provider makes.
 */
import type { ComputeManagementClient, GalleryImageVersion, Image, ReplicationStatus } from '@azure/arm-compute';
import { TAGS, fromTags, type ImageRecord, type ImageState } from '../../images/index.js';
import { isNotFound } from './errors.js';
import { normalizeRegion, parseAzureVersionName } from './names.js';

/** Our tag on managed images deprecated by this tool (they have no end-of-life field). */
const BUSY = new Set(['creating', 'updating', 'deleting', 'migrating']);

export interface VersionEntry {
  definition: string;
  version: GalleryImageVersion;
  /** Per-region replication, fetched only for versions not Succeeded. */
  status?: ReplicationStatus;
}

export interface GallerySnapshot {
  versions: VersionEntry[];
  managed: Image[];
}

export function isOurs(tags: Record<string, string> | undefined): boolean {
  return tags?.[TAGS.managedBy] === 'true';
}

export function isBusy(version: GalleryImageVersion): boolean {
  return BUSY.has((version.provisioningState ?? '').toLowerCase());
}

async function collect<T>(items: AsyncIterable<T>, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    signal?.throwIfAborted();
    out.push(item);
  }
  return out;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class GalleryInventory {
  private cached?: { at: number; snapshot: Promise<GallerySnapshot> };

  constructor(
    private readonly client: ComputeManagementClient,
    private readonly resourceGroup: string,
    private readonly gallery: string,
    private readonly cacheMs: number,
    private readonly now: () => Date,
  ) {}

  invalidate(): void {
    this.cached = undefined;
  }

  snapshot(): Promise<GallerySnapshot> {
    const at = this.now().getTime();
    if (!this.cached || at - this.cached.at > this.cacheMs) {
      const snapshot = this.list();
      this.cached = { at, snapshot };
      snapshot.catch(() => {
        if (this.cached?.snapshot === snapshot) this.cached = undefined;
      });
    }
    return this.cached.snapshot;
  }

  /** Lists in parallel; the first failure stops the other listings. */
  private async list(): Promise<GallerySnapshot> {
    const abort = new AbortController();
    try {
      return await this.listAll(abort.signal);
    } catch (error) {
      abort.abort();
      throw error;
    }
  }

  private async listAll(abortSignal: AbortSignal): Promise<GallerySnapshot> {
    const { client, resourceGroup, gallery } = this;
    const [definitions, managed] = await Promise.all([
      collect(client.galleryImages.listByGallery(resourceGroup, gallery, { abortSignal }), abortSignal),
      collect(client.images.listByResourceGroup(resourceGroup, { abortSignal }), abortSignal),
    ]);
    const perDefinition = await mapLimit(definitions, 8, async (definition) => {
      const name = definition.name ?? '';
      let versions: GalleryImageVersion[];
      try {
        versions = await collect(
          client.galleryImageVersions.listByGalleryImage(resourceGroup, gallery, name, { abortSignal }),
          abortSignal,
        );
      } catch (error) {
        if (isNotFound(error)) return []; // deleted while we listed
        throw error;
      }
      return mapLimit(
        versions.filter((v) => isOurs(v.tags)),
        8,
        async (version): Promise<VersionEntry> => {
          if ((version.provisioningState ?? 'Succeeded') === 'Succeeded') return { definition: name, version };
          const full = await client.galleryImageVersions.get(resourceGroup, gallery, name, version.name ?? '', {
            expand: 'ReplicationStatus',
            abortSignal,
          });
          return { definition: name, version: full, status: full.replicationStatus };
        },
      );
    });
    return { versions: perDefinition.flat(), managed: managed.filter((image) => isOurs(image.tags)) };
  }
}

/** The state of a gallery version in one region, or undefined when it is not (or no longer) there. */
export function versionState(entry: VersionEntry, region: string, now: Date): ImageState | undefined {
  const { version, status } = entry;
  const target = normalizeRegion(region);
  const targeted = (version.publishingProfile?.targetRegions ?? []).some((r) => normalizeRegion(r.name) === target);
  if (!targeted) return undefined;
  const provisioning = (version.provisioningState ?? 'Succeeded').toLowerCase();
  if (provisioning === 'deleting') return undefined;
  const regional = status?.summary?.find((s) => normalizeRegion(s.region ?? '') === target);
  const replication = (regional?.state ?? '').toLowerCase();
  if (replication === 'failed') return 'failed';
  if (replication === 'replicating' || replication === 'unknown') return 'pending';
  if (!regional && provisioning !== 'succeeded') return provisioning === 'failed' ? 'failed' : 'pending';
  // Deprecated from the tool's own mark (deprecate() keeps the EOL date a little ahead, versions.ts latestChange) or the EOL date.
  const marked = version.tags?.[TAGS.deprecatedAt];
  if (marked && new Date(marked).getTime() <= now.getTime()) return 'deprecated';
  const eol = version.publishingProfile?.endOfLifeDate;
  if (eol && eol.getTime() <= now.getTime()) return 'deprecated';
  return 'available';
}

export function versionRecord(entry: VersionEntry, region: string, state: ImageState): ImageRecord {
  const { version } = entry;
  const tags = { ...(version.tags ?? {}) };
  const created =
    version.publishingProfile?.publishedDate ??
    (tags[TAGS.builtAt] ? new Date(tags[TAGS.builtAt]) : undefined) ??
    version.systemData?.createdAt ??
    parseAzureVersionName(version.name ?? '');
  return fromTags(tags, {
    id: version.id ?? '',
    name: `${entry.definition}/${version.name ?? ''}`,
    region,
    state,
    createdAt: created && !Number.isNaN(created.getTime()) ? created.toISOString() : '',
  });
}

export function managedState(image: Image, now: Date): ImageState {
  const provisioning = (image.provisioningState ?? 'Succeeded').toLowerCase();
  if (provisioning === 'failed') return 'failed';
  if (provisioning !== 'succeeded') return 'pending';
  const deprecatedAt = image.tags?.[TAGS.deprecatedAt];
  if (deprecatedAt && new Date(deprecatedAt).getTime() <= now.getTime()) return 'deprecated';
  return 'available';
}

export function managedRecord(image: Image, region: string, now: Date): ImageRecord {
  const tags = { ...(image.tags ?? {}) };
  const created = tags[TAGS.builtAt] ? new Date(tags[TAGS.builtAt]) : image.systemData?.createdAt;
  return fromTags(tags, {
    id: image.id ?? '',
    name: image.name ?? '',
    region,
    state: managedState(image, now),
    createdAt: created && !Number.isNaN(created.getTime()) ? created.toISOString() : '',
  });
}

/** Every record of the snapshot that lives in `region`. */
export function recordsIn(snapshot: GallerySnapshot, region: string, now: Date): ImageRecord[] {
  const records: ImageRecord[] = [];
  for (const entry of snapshot.versions) {
    const state = versionState(entry, region, now);
    if (state) records.push(versionRecord(entry, region, state));
  }
  // Older builds made a managed image besides the gallery version, both tagged (packer-plugin-azure
  // step_publish_to_shared_image_gallery.go: the SIG version gets the same azure_tags): one build is one
  // record, the gallery version; a managed image is reported only when no version of its build exists.
  const built = new Set(snapshot.versions.map((entry) => buildKey(entry.version.tags)));
  const target = normalizeRegion(region);
  for (const image of snapshot.managed) {
    if (image.tags?.[TAGS.fingerprint] && built.has(buildKey(image.tags))) continue;
    if (normalizeRegion(image.location ?? '') === target) records.push(managedRecord(image, region, now));
  }
  return records;
}

/** What identifies one build across its resources: the line and its fingerprint. */
function buildKey(tags: Record<string, string> | undefined): string {
  return [TAGS.cloud, TAGS.recipe, TAGS.os, TAGS.fingerprint].map((t) => tags?.[t] ?? '').join('\u0000');
}
