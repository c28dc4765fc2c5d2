/**
 * The AWS provider: AMIs in EC2, one EC2Client per region (client.ts),
 * the SDK's retry middleware with our strategy (retry.ts), and errors
 * that say what to do (errors.ts). Loaded lazily by providers/index.ts,
 * so the SDK is imported only when a topology names an aws cloud.
 */
import {
  CreateTagsCommand,
  DeregisterImageCommand,
  EnableImageDeprecationCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  type EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { AwsSource, Cloud, ProviderSource } from '../../topology/model.js';
import type { BuildLine, ProviderContext, ResolvedSource } from '../provider.js';
import { TAGS, type ImageRecord } from '../../images/index.js';
import { type BuildSettings, type CopyOptions, type DeprecateOptions, type Provider, type ShareOptions, type Usage } from '../provider.js';
import { realSleep } from '../../util/retry.js';
import { AwsClients, type AwsClientOptions } from './client.js';
import { awsError, errorCode, isExpired } from './errors.js';
import { ProviderError } from '../errors.js';
import { waitForCopy } from '../copy-wait.js';
import { startCopy } from './copy.js';
import { checkCopyKeys, keyInRegion, kmsKeyFor } from './kms.js';
import { describeManaged, describeOne, snapshotIds, toRecord } from './records.js';
import { shareBlockers } from './sharing.js';
import { sourceRootDevice } from './source.js';
import { resolveAwsSource } from './resolve.js';
import { imageReferences, instancesUsing, launchTemplatesUsing } from './usage.js';

export { endpointFromEnv, credentialsFromEnv } from './client.js';

/** Tag naming the image that replaces a deprecated one (AWS has no field for it). */

export interface AwsProviderOptions extends Partial<Omit<AwsClientOptions, 'env' | 'onRetry'>> {
  /** MaxResults for describe calls (default 500). */
  pageSize?: number;
  /** Between polls of a pending copy or a deregistration (default 15 s). */
  pollIntervalMs?: number;
  /** Give up waiting for a copy after this long (default 2 h). */
  waitTimeoutMs?: number;
  /** Clock (default: the real one); decides whether a DeprecationTime has passed. */
  now?: () => Date;
}

export async function createAwsProvider(cloud: Cloud, context: ProviderContext, options: AwsProviderOptions = {}): Promise<AwsProvider> {
  return new AwsProvider(cloud, context, options);
}

export class AwsProvider implements Provider {
  readonly provider = 'aws' as const;
  readonly scope = 'region' as const;
  private readonly clients: AwsClients;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;
  private readonly pageSize: number;
  private readonly pollMs: number;
  private readonly maxPolls: number;
  private readonly waitTimeoutMs: number;
  /** Snapshot ids of available AMIs, by region/id: they never change. */
  private readonly snapshotCache = new Map<string, string[]>();

  constructor(
    readonly cloud: Cloud,
    context: ProviderContext,
    options: AwsProviderOptions = {},
  ) {
    this.sleep = options.sleep ?? context.sleep ?? realSleep;
    this.now = options.now ?? (() => new Date());
    this.pageSize = options.pageSize ?? 500;
    this.pollMs = options.pollIntervalMs ?? 15_000;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 2 * 3600_000;
    this.maxPolls = Math.max(1, Math.ceil(this.waitTimeoutMs / Math.max(1, this.pollMs)));
    const log = context.log;
    this.clients = new AwsClients({
      ...options,
      mask: options.mask ?? context.mask,
      env: context.env,
      sleep: this.sleep,
      onRetry:
        log && ((e) => log(`${cloud.name}: EC2 ${e.code} in ${e.region}, retry ${e.attempt} of ${e.maxAttempts - 1} in ${e.delayMs} ms`)),
    });
  }

  /** Closes the clients' sockets (tests, long-lived CLIs). */
  destroy(): void {
    this.clients.destroy();
  }

  /** The source AMI's root device (the resolved AMI's, if any), so the template resizes the root disk (source.ts); the topology's value wins. */
  async buildSettings(line: Pick<BuildLine, 'region' | 'source' | 'resolved'>): Promise<BuildSettings> {
    const source = line.source as AwsSource | undefined;
    if (!source || source.root_device_name) return {};
    const from = line.resolved ? { ami: line.resolved.id } : source;
    const root = await this.call(line.region, 'DescribeImages', (client) => sourceRootDevice(client, from));
    return root ? { source: { root_device_name: root } } : {};
  }

  /** The AMI the source names today in `region`: the newest match of owner and name, or the pinned id (resolve.ts). */
  resolveSource(region: string, source: ProviderSource): Promise<ResolvedSource> {
    return resolveAwsSource(source as AwsSource, { cloud: this.cloud.name, region }, (fn) => this.call(region, 'DescribeImages', fn));
  }

  async inventory(region: string): Promise<ImageRecord[]> {
    const images = await this.call(region, 'DescribeImages', (c) =>
      describeManaged(c, { owner: this.cloud.account ?? 'self', pageSize: this.pageSize }),
    );
    const now = this.now();
    const records: ImageRecord[] = [];
    for (const image of images) {
      const record = toRecord(image, region, now);
      if (!record) continue;
      if (image.State === 'available') this.snapshotCache.set(`${region}/${record.id}`, snapshotIds(image));
      records.push(record);
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  async copy(image: ImageRecord, region: string, options: CopyOptions = {}): Promise<ImageRecord> {
    if (region === image.region) return image;
    // Every destination's key is checked before the first copy starts (KMS keys are regional).
    if (!options.kmsKeyId) checkCopyKeys(this.cloud, Object.keys(this.cloud.regions));
    const configured = options.kmsKeyId ?? kmsKeyFor(this.cloud, region);
    const checked = configured ? keyInRegion(this.cloud, configured, region) : undefined;
    if (checked && 'problem' in checked) throw new Error(`${this.cloud.name}: no copy was started: ${checked.problem}`);
    const kmsKeyId = checked?.key;
    const encrypted = options.encrypted ?? (kmsKeyId ? true : undefined);
    const request = { image, region, owner: this.cloud.account ?? 'self', tags: tagList(image.tags), kmsKeyId, encrypted };
    const started = await this.call(region, 'CopyImage', (c) => startCopy(c, request));
    if ('foreign' in started) throw new Error(`${this.cloud.name}: ${started.foreign}`);
    const id = started.id;
    const pending: ImageRecord = {
      ...image,
      id,
      region,
      state: 'pending',
      createdAt: this.now().toISOString(),
      tags: { ...image.tags },
    };
    if (!options.wait) return pending;
    // The new snapshots were tagged by CopyImage's TagSpecifications.
    return this.waitAvailable(pending, options);
  }

  async tag(image: ImageRecord, tags: Record<string, string>): Promise<void> {
    const list = tagList(tags);
    if (list.length === 0) return;
    const snapshots = await this.snapshotsOf(image);
    await this.call(image.region, 'CreateTags', (c) => c.send(new CreateTagsCommand({ Resources: [image.id, ...snapshots], Tags: list })));
  }

  async share(image: ImageRecord, options: ShareOptions): Promise<void> {
    const accounts = [...new Set(options.accounts)].filter((a) => a && a !== this.cloud.account);
    const add = [...accounts.map((UserId) => ({ UserId })), ...(options.public ? [{ Group: 'all' as const }] : [])];
    if (add.length === 0) return;
    const check = { cloud: this.cloud, region: image.region, imageId: image.id, accounts, public: !!options.public };
    const snapshotIds = await this.snapshotsOf(image);
    const problems = await this.call(image.region, 'DescribeSnapshots', (c) => shareBlockers(c, { ...check, snapshotIds }));
    if (problems.length > 0) throw new Error(`${this.cloud.name}: ${image.name} was not shared: ${problems.join('; ')}`);
    await this.call(image.region, 'ModifyImageAttribute', (c) =>
      c.send(new ModifyImageAttributeCommand({ ImageId: image.id, LaunchPermission: { Add: add } })),
    );
    if (accounts.length === 0) return;
    // Lets those accounts copy the AMI (and create volumes from it) too.
    for (const SnapshotId of await this.snapshotsOf(image)) {
      await this.call(image.region, 'ModifySnapshotAttribute', (c) =>
        c.send(
          new ModifySnapshotAttributeCommand({
            SnapshotId,
            Attribute: 'createVolumePermission',
            OperationType: 'add',
            CreateVolumePermission: { Add: accounts.map((UserId) => ({ UserId })) },
          }),
        ),
      );
    }
  }

  /**
   * EC2 refuses a DeprecateAt in the past and counts whole minutes, so the
   * time is moved to the next whole minute at the earliest.
   */
  async deprecate(image: ImageRecord, options: DeprecateOptions = {}): Promise<void> {
    const earliest = Math.ceil((this.now().getTime() + 5_000) / 60_000) * 60_000;
    const at = new Date(Math.max(options.at?.getTime() ?? 0, earliest));
    await this.call(image.region, 'EnableImageDeprecation', (c) =>
      c.send(new EnableImageDeprecationCommand({ ImageId: image.id, DeprecateAt: at })),
    );
    if (options.replacement) {
      const Tags = [{ Key: TAGS.replacement, Value: options.replacement.id }];
      await this.call(image.region, 'CreateTags', (c) => c.send(new CreateTagsCommand({ Resources: [image.id], Tags })));
    }
  }

  /**
   * Deregisters the AMI with its snapshots (DeregisterImageRequest.DeleteAssociatedSnapshots),
   * then waits until EC2 lists it as deregistered or no longer at all.
   */
  async remove(image: ImageRecord): Promise<void> {
    const region = image.region;
    await this.call(region, 'DeregisterImage', async (c) => {
      try {
        await c.send(new DeregisterImageCommand({ ImageId: image.id, DeleteAssociatedSnapshots: true }));
      } catch (error) {
        if (errorCode(error) !== 'InvalidAMIID.NotFound' && errorCode(error) !== 'InvalidAMIID.Unavailable') throw error;
      }
    });
    for (let poll = 0; ; poll++) {
      const left = await this.call(region, 'DescribeImages', (c) => describeOne(c, image.id));
      if (!left || left.State === 'deregistered') break;
      if (poll >= this.maxPolls) throw new Error(`${this.cloud.name}: ${image.id} in ${region} is still listed after DeregisterImage`);
      await this.sleep(this.pollMs);
    }
    this.snapshotCache.delete(`${region}/${image.id}`);
  }

  async inUse(image: ImageRecord): Promise<Usage> {
    const instances = await this.call(image.region, 'DescribeInstances', (c) => instancesUsing(c, image.id, this.pageSize));
    const templates = await this.call(image.region, 'DescribeLaunchTemplateVersions', (c) =>
      launchTemplatesUsing(c, image.id, this.pageSize),
    );
    const others = await this.call(image.region, 'DescribeImageReferences', (c) => imageReferences(c, image.id, templates));
    const references = [...instances, ...templates, ...others];
    return { inUse: references.length > 0, references };
  }

  /** Runs one EC2 operation; whatever escapes becomes a plain, actionable Error. */
  private async call<T>(region: string, operation: string, fn: (client: EC2Client) => Promise<T>): Promise<T> {
    try {
      return await fn(this.clients.get(region));
    } catch (error) {
      throw awsError(error, this.site(operation, region));
    }
  }

  /** Where a call goes, for its error: the endpoint and deadlines are named when it timed out. */
  private site(operation: string, region: string) {
    return { cloud: this.cloud.name, operation, region, endpoint: this.clients.endpointOf(region), timeouts: this.clients.timeouts };
  }

  private async snapshotsOf(image: ImageRecord): Promise<string[]> {
    const key = `${image.region}/${image.id}`;
    const cached = this.snapshotCache.get(key);
    if (cached) return cached;
    const found = await this.call(image.region, 'DescribeImages', (c) => describeOne(c, image.id));
    if (!found) return [];
    const ids = snapshotIds(found);
    if (found.State === 'available') this.snapshotCache.set(key, ids);
    return ids;
  }

  private async waitAvailable(pending: ImageRecord, options: CopyOptions): Promise<ImageRecord> {
    const { id, region } = pending;
    const timeoutMs = options.timeoutMs ?? this.waitTimeoutMs;
    const wait = { image: pending.name, region, timeoutMs, pollMs: this.pollMs, sleep: this.sleep, pauseFirst: true };
    return waitForCopy<ImageRecord>({ ...wait, now: () => this.now().getTime(), onProgress: options.onProgress }, async () => {
      // Right after CopyImage, EC2 may not list the new id yet: keep polling.
      const image = await this.call(region, 'DescribeImages', (c) => describeOne(c, id)).catch((error: unknown) => {
        throw expiredWhileWaiting(error, this.cloud.name, id, pending.name, region);
      });
      if (!image || image.State === 'pending' || image.State === 'transient') return { state: image?.State ?? 'pending' };
      const record = toRecord(image, region, this.now());
      if (image.State !== 'available' || !record) {
        const reason = image.StateReason?.Message ?? image.StateReason?.Code ?? 'no reason given';
        throw new Error(`${this.cloud.name}: the copy ${id} of ${pending.name} into ${region} ended ${image.State}: ${reason}`);
      }
      this.snapshotCache.set(`${region}/${id}`, snapshotIds(image));
      return { done: record };
    });
  }
}

/** Tags EC2 accepts: keys with the reserved `aws:` prefix cannot be set. */
function tagList(tags: Record<string, string>): Tag[] {
  return Object.entries(tags)
    .filter(([key]) => !key.toLowerCase().startsWith('aws:'))
    .map(([Key, Value]) => ({ Key, Value }));
}

/**
 * Credentials that expire while a copy is waited for stop the wait, not the
 * copy: EC2 goes on copying. The advice from errors.ts is kept.
 */
function expiredWhileWaiting(error: unknown, cloud: string, id: string, name: string, region: string): unknown {
  if (!(error instanceof ProviderError) || !isExpired(error.code)) return error;
  return new ProviderError(
    `${cloud}: the AWS credentials expired while waiting for the copy ${id} of ${name} into ${region}. ` +
      'The copy goes on in EC2: run distribute again with fresh credentials, it finds the copy and waits for it. ' +
      error.message,
    { cloud, operation: 'DescribeImages', region, kind: error.kind, code: error.code, statusCode: error.statusCode },
    error,
  );
}
