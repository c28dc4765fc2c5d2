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
import { CopyPendingError, waitForCopy, type CopyProgress } from '../copy-wait.js';

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

/** Leaves EOL dates this far ahead of the request, so ARM never receives a date already past. */
export const EOL_LEAD_MS = 10 * 60_000;

/**
 * The update that takes a version out of (`exclude`) or puts it into what
 * `versions/latest` resolves to: the version's excludeFromLatest and every
 * target region's own flag, which overrides it per region (ARM reference,
 * GalleryImageVersionPublishingProfile and TargetRegion, `excludeFromLatest`).
 * `endOfLifeDate` is informational ("This property can be used for
 * decommissioning purposes"; VMs can still be created after it), so a
 * deprecation sets it no earlier than EOL_LEAD_MS from `now`.
 * Undefined when nothing would change.
 */
export function latestChange(
  version: GalleryImageVersion,
  exclude: boolean,
  eol?: { at: Date; now: Date },
): GalleryImageVersionUpdate | undefined {
  const current = version.publishingProfile ?? {};
  const regions = current.targetRegions ?? [];
  const flip = (r: TargetRegion) => (r.excludeFromLatest === !exclude ? { ...r, excludeFromLatest: exclude } : { ...r });
  const unchanged = (current.excludeFromLatest ?? false) === exclude && regions.every((r) => r.excludeFromLatest !== !exclude);
  if (unchanged && !eol) return undefined;
  const endOfLifeDate = eol && new Date(Math.max(eol.at.getTime(), eol.now.getTime() + EOL_LEAD_MS));
  return {
    publishingProfile: publishingProfile(version, {
      excludeFromLatest: exclude,
      targetRegions: current.targetRegions?.map(flip),
      ...(endOfLifeDate ? { endOfLifeDate } : {}),
    }),
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

  /**
   * Waits for the update that added `region` (when one was sent), then polls
   * until the version is replicated there; throws when replication failed,
   * and gives up at the deadline (copy-wait.ts) with the copy still going on.
   */
  async waitForCopy(
    ref: VersionRef,
    region: string,
    poller: VersionPoller | undefined,
    options: { image: string; timeoutMs?: number; onProgress?: (progress: CopyProgress) => void },
  ): Promise<{ entry: VersionEntry; state: ImageState }> {
    const now = () => this.timing.now().getTime();
    const started = now();
    const timeoutMs = options.timeoutMs ?? this.timing.waitTimeoutMs;
    if (poller) {
      const deadline = AbortSignal.timeout(Math.max(1, timeoutMs));
      const stop = poller.onProgress(() => options.onProgress?.({ state: 'updating', elapsedMs: now() - started }));
      try {
        await poller.pollUntilDone({ abortSignal: deadline });
      } catch (error) {
        if (deadline.aborted) throw new CopyPendingError(options.image, region, now() - started, 'updating');
        throw error;
      } finally {
        stop();
      }
    }
    const spent = now() - started;
    const wait = { image: options.image, region, pollMs: this.timing.pollIntervalMs, sleep: this.timing.sleep, now };
    const onProgress = options.onProgress && ((p: CopyProgress) => options.onProgress?.({ ...p, elapsedMs: p.elapsedMs + spent }));
    return waitForCopy<{ entry: VersionEntry; state: ImageState }>(
      { ...wait, timeoutMs: Math.max(0, timeoutMs - spent), onProgress },
      async () => {
        const version = await this.get(ref);
        const entry = { definition: ref.definition, version, status: version.replicationStatus };
        const state = versionState(entry, region, this.timing.now());
        if (state === 'available' || state === 'deprecated') return { done: { entry, state } };
        const regional = version.replicationStatus?.summary?.find((s) => normalizeRegion(s.region ?? '') === normalizeRegion(region));
        if (state === 'failed' || state === undefined) {
          throw new Error(
            `replication of gallery image version ${ref.definition}/${ref.version} to ${region} ` +
              `${state === 'failed' ? `failed${regional?.details ? `: ${regional.details}` : ''}` : 'is no longer targeted'}; ` +
              'remove the region from the version and copy again',
          );
        }
        return { state: (regional?.state ?? 'pending').toLowerCase() };
      },
    );
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
