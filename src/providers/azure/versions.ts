/**
 * Changes to gallery image versions. Azure applies one update at a time to a
 * version, and an update carries the whole target-region list, so:
 *  - every change to a version runs after the previous one (per version, in
 *    this process) and only once the version is no longer Creating/Updating;
 *  - copies of one version requested together (distribute fans out in
 *    parallel) are merged into a single update that adds all their regions;
 *  - the list sent is always the version's current list plus the new
 *    regions: existing regions are never dropped.
 */
import type {
  ComputeManagementClient,
  GalleryImageVersion,
  GalleryImageVersionPublishingProfile,
  GalleryImageVersionUpdate,
  TargetRegion,
} from '@azure/arm-compute';
import type { OperationState, PollerLike } from '@azure/core-lro';
import { isBusy, versionState, type VersionEntry } from './records.js';
import { isNotFound } from './errors.js';
import { galleryVersionId, normalizeRegion } from './names.js';
import type { ImageState } from '../../images/index.js';

export interface VersionRef {
  subscription: string;
  resourceGroup: string;
  gallery: string;
  definition: string;
  version: string;
}

export interface VersionTiming {
  sleep: (ms: number) => Promise<void>;
  pollIntervalMs: number;
  waitTimeoutMs: number;
  now: () => Date;
}

type VersionPoller = PollerLike<OperationState<GalleryImageVersion>, GalleryImageVersion>;

export interface CopySubmitted {
  /** The version as it was before the update (with replication status). */
  before: GalleryImageVersion;
  /** The update adding the regions, when any were missing. */
  poller?: VersionPoller;
}

interface CopyBatch {
  regions: Map<string, TargetRegion>;
  submitted: Promise<CopySubmitted>;
}

/** The updatable part of a publishing profile, with overrides. */
export function publishingProfile(
  version: GalleryImageVersion,
  overrides: Partial<GalleryImageVersionPublishingProfile> = {},
): GalleryImageVersionPublishingProfile {
  const current = version.publishingProfile ?? {};
  return {
    targetRegions: current.targetRegions?.map((region) => ({ ...region })),
    replicaCount: current.replicaCount,
    excludeFromLatest: current.excludeFromLatest,
    endOfLifeDate: current.endOfLifeDate,
    ...overrides,
  };
}

export class GalleryVersions {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly batches = new Map<string, CopyBatch>();

  constructor(
    private readonly client: ComputeManagementClient,
    private readonly timing: VersionTiming,
  ) {}

  /** Runs fn after every earlier change to the same version has finished. */
  private serial<T>(ref: VersionRef, fn: () => Promise<T>): Promise<T> {
    const key = galleryVersionId(ref).toLowerCase();
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  get(ref: VersionRef): Promise<GalleryImageVersion> {
    return this.client.galleryImageVersions.get(ref.resourceGroup, ref.gallery, ref.definition, ref.version, {
      expand: 'ReplicationStatus',
    });
  }

  private deadline(): number {
    return this.timing.now().getTime() + this.timing.waitTimeoutMs;
  }

  /** The version once no operation runs on it (GET with replication status, polled). */
  async settled(ref: VersionRef): Promise<GalleryImageVersion> {
    const deadline = this.deadline();
    for (;;) {
      const version = await this.get(ref);
      if (!isBusy(version)) return version;
      if (this.timing.now().getTime() >= deadline) {
        throw new Error(
          `gallery image version ${ref.definition}/${ref.version} is still ${version.provisioningState} after ` +
            `${Math.round(this.timing.waitTimeoutMs / 1000)} s: wait for the running operation to finish, then run again`,
        );
      }
      await this.timing.sleep(this.timing.pollIntervalMs);
    }
  }

  private lroOptions() {
    return {
      updateIntervalInMs: this.timing.pollIntervalMs,
      abortSignal: AbortSignal.timeout(this.timing.waitTimeoutMs),
    };
  }

  /** Adds `region` to the version's target regions (merged with concurrent copies of the same version). */
  copy(ref: VersionRef, target: TargetRegion): Promise<CopySubmitted> {
    const key = galleryVersionId(ref).toLowerCase();
    let batch = this.batches.get(key);
    if (!batch) {
      const regions = new Map<string, TargetRegion>();
      const submitted = this.serial(ref, () => {
        this.batches.delete(key);
        return this.submitCopy(ref, [...regions.values()]);
      });
      batch = { regions, submitted };
      this.batches.set(key, batch);
    }
    const name = normalizeRegion(target.name);
    if (!batch.regions.has(name)) batch.regions.set(name, target);
    return batch.submitted;
  }

  private async submitCopy(ref: VersionRef, additions: TargetRegion[]): Promise<CopySubmitted> {
    const before = await this.settled(ref);
    const existing = before.publishingProfile?.targetRegions ?? [];
    const known = new Set(existing.map((r) => normalizeRegion(r.name)));
    const missing = additions.filter((r) => !known.has(normalizeRegion(r.name)));
    if (missing.length === 0) return { before };
    const template = existing[0];
    const targetRegions: TargetRegion[] = [
      ...existing.map((r) => ({ ...r })),
      ...missing.map((r) => ({
        regionalReplicaCount: template?.regionalReplicaCount,
        storageAccountType: template?.storageAccountType,
        ...r,
      })),
    ];
    const poller = this.client.galleryImageVersions.update(
      ref.resourceGroup,
      ref.gallery,
      ref.definition,
      ref.version,
      { publishingProfile: publishingProfile(before, { targetRegions }) },
      this.lroOptions(),
    );
    await poller.submitted();
    return { before, poller };
  }

  /** Polls until the version is replicated to `region`; throws when replication failed or took too long. */
  async waitForRegion(ref: VersionRef, region: string): Promise<{ entry: VersionEntry; state: ImageState }> {
    const deadline = this.deadline();
    for (;;) {
      const version = await this.get(ref);
      const entry = { definition: ref.definition, version, status: version.replicationStatus };
      const state = versionState(entry, region, this.timing.now());
      if (state === 'available' || state === 'deprecated') return { entry, state };
      if (state === 'failed' || state === undefined) {
        const detail = version.replicationStatus?.summary?.find(
          (s) => normalizeRegion(s.region ?? '') === normalizeRegion(region),
        )?.details;
        throw new Error(
          `replication of gallery image version ${ref.definition}/${ref.version} to ${region} ` +
            `${state === 'failed' ? `failed${detail ? `: ${detail}` : ''}` : 'is no longer targeted'}; ` +
            'remove the region from the version and copy again',
        );
      }
      if (this.timing.now().getTime() >= deadline) {
        throw new Error(
          `gallery image version ${ref.definition}/${ref.version} is still replicating to ${region} after ` +
            `${Math.round(this.timing.waitTimeoutMs / 1000)} s; run distribute again later to pick it up`,
        );
      }
      await this.timing.sleep(this.timing.pollIntervalMs);
    }
  }

  /** One PATCH built from the settled version; `change` returns undefined when nothing is to change. */
  update(ref: VersionRef, change: (version: GalleryImageVersion) => GalleryImageVersionUpdate | undefined): Promise<GalleryImageVersion> {
    return this.serial(ref, async () => {
      const current = await this.settled(ref);
      const patch = change(current);
      if (!patch) return current;
      return this.client.galleryImageVersions
        .update(ref.resourceGroup, ref.gallery, ref.definition, ref.version, patch, this.lroOptions())
        .pollUntilDone();
    });
  }

  /** Deletes the version and resolves once it is gone (already gone counts as done). */
  remove(ref: VersionRef): Promise<void> {
    return this.serial(ref, async () => {
      try {
        await this.settled(ref);
        await this.client.galleryImageVersions
          .delete(ref.resourceGroup, ref.gallery, ref.definition, ref.version, this.lroOptions())
          .pollUntilDone();
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
  }
}
