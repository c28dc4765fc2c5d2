/**
 * The GCP provider: Compute Engine images through @google-cloud/compute in
 * REST (fallback) mode. Images are global, so the scope is `global`: one
 * images.list chain per provider serves every region, and copies are no-ops.
 *
 * Retries: every call goes through withRetry (retry.ts) with the context's
 * sleep, and gax's own retry is switched off per call (`retry: null`). In REST
 * mode gax classifies failures by gRPC code, but they arrive carrying the HTTP
 * status (see errors.ts), gax cannot tell a 403 rateLimitExceeded from a
 * 403 quotaExceeded, ignores Retry-After and sleeps with its own timers. Here:
 * 429 / RESOURCE_EXHAUSTED, 403 rate limits, 500/502/503/504 and dropped
 * connections are retried (Retry-After honoured); permission and quota errors
 * are thrown at once. Mutations are retried too: setLabels and setIamPolicy are
 * guarded by fingerprint / etag, deprecate is idempotent, and a repeated
 * delete that finds the image gone counts as done.
 */
import type { Cloud, GcpSource, ProviderSource } from '../../topology/model.js';
import type { ProviderContext, ResolvedSource } from '../provider.js';
import type { ImageRecord } from '../../images/index.js';
import type { CopyOptions, DeprecateOptions, Provider, ShareOptions, Usage } from '../provider.js';
import { realSleep } from '../../util/retry.js';
import { ENDPOINT_ENV, GcpClients, parseEndpoint } from './client.js';
import { gcpCall, waitOperation, type GcpCallSite } from './calls.js';
import { errorKind } from '../errors.js';
import type { Timeouts } from '../retry.js';
import { mergeLabels } from './labels.js';
import { gcpImageFamily } from './family.js';
import {
  IMAGE_USER_ROLE,
  MANAGED_FILTER,
  PUBLIC_PRINCIPAL,
  imageUrl,
  principal,
  toRecord,
  type GcpImage,
  type GcpOperation,
} from './records.js';
import { findUsage } from './usage.js';
import { resolveGcpSource } from './resolve.js';

export interface GcpProviderOptions {
  /** Called with every secret read (the access token) before any use: core.setSecret in the action. */
  mask?: (secret: string) => void;
  /** Overrides of the providers' retry policy (retry.ts) for throttled and transient failures. */
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
  /** maxResults per list page (GCP allows up to 500; default 500). */
  pageSize?: number;
  /** Pause between globalOperations.wait calls that return before the operation is DONE (default 2000 ms). */
  pollIntervalMs?: number;
  /** Give up waiting for an operation after this long (default 20 minutes). */
  operationTimeoutMs?: number;
  /** Read-modify-write rounds on fingerprint / etag conflicts (default 5). */
  conflictAttempts?: number;
  /** Deadlines of one request (default TIMEOUTS in providers/retry.ts; tests use a few hundred ms). */
  timeouts?: Partial<Timeouts>;
}

export async function createGcpProvider(cloud: Cloud, context: ProviderContext, options: GcpProviderOptions = {}): Promise<Provider> {
  if (!cloud.project) throw new Error(`cloud "${cloud.name}": a gcp cloud needs "project" (the GCP project id)`);
  const env = context.env ?? process.env;
  const clients = new GcpClients({
    project: cloud.project,
    endpoint: parseEndpoint(env[ENDPOINT_ENV]),
    accessToken: context.gcpAccessToken || undefined,
    mask: options.mask ?? context.mask,
    timeouts: options.timeouts,
  });
  await clients.checkCredentials(cloud.name);
  return new GcpProvider(cloud, cloud.project, clients, context, options);
}

const kindOf = errorKind;
/** The Operation inside the SDK's LROperation wrapper (compute methods return it as `latestResponse`). */
const latest = (op: unknown): GcpOperation => (op as { latestResponse?: GcpOperation }).latestResponse ?? {};

export class GcpProvider implements Provider {
  readonly provider = 'gcp' as const;
  readonly scope = 'global' as const;
  private listing?: Promise<GcpImage[]>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pageSize: number;
  private readonly site: GcpCallSite;

  constructor(
    readonly cloud: Cloud,
    readonly project: string,
    readonly clients: GcpClients,
    private readonly context: ProviderContext,
    private readonly options: GcpProviderOptions = {},
  ) {
    this.sleep = context.sleep ?? realSleep;
    this.pageSize = Math.min(Math.max(options.pageSize ?? 500, 1), 500);
    const { url: endpoint, timeouts } = clients;
    this.site = { cloud: cloud.name, project, endpoint, timeouts, retry: options.retry, sleep: this.sleep, log: context.log };
  }

  /** One images.list chain per provider (shared by concurrent callers); records carry the asked region. */
  async inventory(region: string): Promise<ImageRecord[]> {
    this.listing ??= this.listAll(region).catch((error: unknown) => {
      this.listing = undefined;
      throw error;
    });
    const images = await this.listing;
    return images
      .map((image) => toRecord(image, region, this.cloud.name))
      .filter((r): r is ImageRecord => r !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  /** The image the source names today: the family's newest, or the pinned image (resolve.ts). */
  resolveSource(region: string, source: ProviderSource): Promise<ResolvedSource> {
    return resolveGcpSource(this.site, this.clients, region, this.project, source as GcpSource);
  }

  /** Images are global: the same image serves `region`; nothing is called. */
  async copy(image: ImageRecord, region: string, _options?: CopyOptions): Promise<ImageRecord> {
    return { ...image, region };
  }

  /** Adds or replaces labels (sanitized, see labels.ts); GCP images have no snapshots. */
  async tag(image: ImageRecord, tags: Record<string, string>): Promise<void> {
    const { id, region } = image;
    await this.conditional(async () => {
      const [current] = await this.call('images.get', region, () =>
        this.clients.images.get({ project: this.project, image: id }, { retry: null }),
      );
      const before = current.labels ?? {};
      const labels = mergeLabels(before, tags, `cloud "${this.cloud.name}" image ${id}`);
      if (sameLabels(before, labels)) return;
      const [op] = await this.call('images.setLabels', region, () =>
        this.clients.images.setLabels(
          {
            project: this.project,
            resource: id,
            globalSetLabelsRequestResource: { labels, labelFingerprint: current.labelFingerprint },
          },
          { retry: null },
        ),
      );
      await this.waitOperation(latest(op), 'images.setLabels', region);
    });
    this.listing = undefined;
  }

  /** Grants roles/compute.imageUser to the accounts (IAM principals), and to allAuthenticatedUsers when public. */
  async share(image: ImageRecord, options: ShareOptions): Promise<void> {
    const members = [...new Set([...options.accounts.map(principal), ...(options.public ? [PUBLIC_PRINCIPAL] : [])])];
    if (members.length === 0) return;
    const { id, region } = image;
    await this.conditional(async () => {
      const [policy] = await this.call('images.getIamPolicy', region, () =>
        this.clients.images.getIamPolicy({ project: this.project, resource: id, optionsRequestedPolicyVersion: 3 }, { retry: null }),
      );
      const bindings = (policy.bindings ?? []).map((b) => ({ ...b, members: [...(b.members ?? [])] }));
      let binding = bindings.find((b) => b.role === IMAGE_USER_ROLE && !b.condition);
      if (!binding) bindings.push((binding = { role: IMAGE_USER_ROLE, members: [] }));
      const missing = members.filter((m) => !binding.members.includes(m));
      if (missing.length === 0) return;
      binding.members.push(...missing);
      await this.call('images.setIamPolicy', region, () =>
        this.clients.images.setIamPolicy(
          {
            project: this.project,
            resource: id,
            globalSetPolicyRequestResource: { policy: { ...policy, bindings } },
          },
          { retry: null },
        ),
      );
    });
  }

  /**
   * Sets deprecated.state DEPRECATED now, naming the replacement's URL; `at`
   * goes to deprecated.deprecated, which GCP keeps as information only.
   */
  async deprecate(image: ImageRecord, options: DeprecateOptions = {}): Promise<void> {
    const status: { state: string; replacement?: string; deprecated?: string } = { state: 'DEPRECATED' };
    if (options.replacement) status.replacement = imageUrl(this.project, options.replacement.id);
    if (options.at) status.deprecated = options.at.toISOString();
    const [op] = await this.call('images.deprecate', image.region, () =>
      this.clients.images.deprecate({ project: this.project, image: image.id, deprecationStatusResource: status }, { retry: null }),
    );
    await this.waitOperation(latest(op), 'images.deprecate', image.region);
    this.listing = undefined;
  }

  /**
   * Puts the gold image into its line's family (family.ts), so `family/ib-...`
   * resolves to it from now on: a family serves its newest non-deprecated image
   * (Compute API reference, images.getFromFamily), and builds leave candidates
   * out of it. images.patch may change only family, description and deprecation
   * status (Compute API reference, images.patch); an image already in the family is left alone.
   */
  async promote(image: ImageRecord): Promise<void> {
    const family = gcpImageFamily(image.image, image.os);
    const { id, region } = image;
    const [current] = await this.call('images.get', region, () =>
      this.clients.images.get({ project: this.project, image: id }, { retry: null }),
    );
    if (current.family === family) return;
    const [op] = await this.call('images.patch', region, () =>
      this.clients.images.patch({ project: this.project, image: id, imageResource: { family } }, { retry: null }),
    );
    await this.waitOperation(latest(op), 'images.patch', region);
    this.listing = undefined;
  }

  /** Deletes the image and waits for the global operation; an image already gone is done. */
  async remove(image: ImageRecord): Promise<void> {
    this.listing = undefined;
    let op: GcpOperation;
    try {
      const [started] = await this.call('images.delete', image.region, () =>
        this.clients.images.delete({ project: this.project, image: image.id }, { retry: null }),
      );
      op = latest(started);
    } catch (error) {
      if (kindOf(error) === 'not-found') return;
      throw error;
    }
    await this.waitOperation(op, 'images.delete', image.region);
  }

  async inUse(image: ImageRecord): Promise<Usage> {
    const references = await findUsage(
      this.clients,
      (operation, fn) => this.call(operation, image.region, fn),
      this.project,
      image.id,
      this.pageSize,
    );
    return { inUse: references.length > 0, references };
  }

  private async listAll(region: string): Promise<GcpImage[]> {
    const images: GcpImage[] = [];
    const seen = new Set<string>();
    let pageToken: string | undefined;
    do {
      const token = pageToken;
      const [items, next] = await this.call('images.list', region, () =>
        this.clients.images.list(
          {
            project: this.project,
            filter: MANAGED_FILTER,
            maxResults: this.pageSize,
            pageToken: token,
          },
          { autoPaginate: false, retry: null },
        ),
      );
      images.push(...items);
      pageToken = next?.pageToken || undefined;
      if (pageToken && seen.has(pageToken)) {
        throw new Error(`cloud "${this.cloud.name}": images.list returned page token ${pageToken} twice`);
      }
      if (pageToken) seen.add(pageToken);
    } while (pageToken);
    return images;
  }

  private waitOperation(op: GcpOperation, operation: string, region: string): Promise<void> {
    const wait = { pollMs: this.options.pollIntervalMs ?? 2000, timeoutMs: this.options.operationTimeoutMs ?? 20 * 60_000 };
    return waitOperation(this.site, this.clients, wait, op, operation, region);
  }

  /** Runs a read-modify-write round again when GCP reports a fingerprint or etag conflict. */
  private async conditional(round: () => Promise<void>): Promise<void> {
    const attempts = this.options.conflictAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await round();
      } catch (error) {
        if (kindOf(error) !== 'conflict' || attempt >= attempts) throw error;
        this.context.log?.(`gcp ${this.cloud.name}: concurrent change, reading again (round ${attempt + 1})`);
      }
    }
  }

  /** One API call with retries; failures become plain Errors that say what to do (calls.ts). */
  private call<T>(operation: string, region: string, fn: () => Promise<T>): Promise<T> {
    return gcpCall(this.site, operation, region, fn);
  }
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}
