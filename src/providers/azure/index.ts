/**
 * Azure: images are Compute Gallery image versions (one definition per
 * recipe × os, see names.ts) replicated to target regions; managed
 * images tagged by this tool are listed too, unless a gallery version of the
 * same build exists (records.ts). Sharing is RBAC (share.ts); promotion puts
 * the gold into `versions/latest`. Loaded lazily by index.ts, so the
 * Azure SDK is imported only when an azure cloud is used.
 *
 * Environment: IMAGE_BUILDER_AZURE_ENDPOINT (ARM endpoint override),
 * AZURE_CLIENT_ID + AZURE_TENANT_ID with ACTIONS_ID_TOKEN_REQUEST_URL (GitHub
 * OIDC federation), otherwise the DefaultAzureCredential chain; context.azureCloud
 * picks AzureCloud | AzureChinaCloud | AzureUSGovernment.
 * IMAGE_BUILDER_AZURE_ACCESS_TOKEN (a ready token) and IMAGE_BUILDER_AZURE_CA_FILE
 * (an extra CA to trust) serve private endpoints and fakes (endpoint-token.ts).
 */
import type { ComputeManagementClient, TargetRegion } from '@azure/arm-compute';
import type { AzureSource, Cloud, ProviderSource } from '../../topology/model.js';
import type { BuildLine, ProviderContext } from '../provider.js';
import { TAGS, type ImageRecord } from '../../images/index.js';
import { type CopyOptions, type DeprecateOptions, type Provider, type ShareOptions, type Usage } from '../provider.js';
import { realSleep } from '../../util/retry.js';
import { AZURE_CA_FILE_ENV, caFromEnv } from './endpoint-token.js';
import { azureCredential, azureEndpoints, createComputeClient, type AzureProviderOptions } from './client.js';
import { azureError, isNotFound, isSdkError, oneLineSignIn, type AzureCallContext } from './errors.js';
import { GalleryInventory, recordsIn, versionRecord, versionState } from './records.js';
import { DEFAULT_GALLERY, azureImageDefinition, definitionId, normalizeRegion, parseAzureImageId, type AzureImageRef } from './names.js';
import { grantReader, sharePrincipals } from './share.js';
import { UsageIndex } from './usage.js';
import { requiredRole, type RoleKind } from './roles.js';
import { sourceGeneration, type HyperVGeneration } from './generation.js';
import { GalleryVersions, latestChange } from './versions.js';
import { resolveAzureSource, resolvedAzureSource } from './resolve.js';

export { azureImageDefinition, azureVersionName, parseAzureVersionName } from './names.js';
export type { AzureProviderOptions } from './client.js';

export class AzureProvider implements Provider {
  readonly provider = 'azure' as const;
  readonly scope = 'region' as const;
  readonly resourceGroup: string;
  readonly gallery: string;
  private readonly inventoryCache: GalleryInventory;
  private readonly versions: GalleryVersions;
  private readonly usageIndex: UsageIndex;
  private readonly now: () => Date;
  private readonly log?: (message: string) => void;
  private readonly pollIntervalMs: number;

  constructor(
    readonly cloud: Cloud,
    readonly client: ComputeManagementClient,
    readonly subscription: string,
    context: ProviderContext,
    options: AzureProviderOptions = {},
  ) {
    this.resourceGroup = cloud.resource_group ?? '';
    this.gallery = cloud.gallery ?? DEFAULT_GALLERY;
    this.now = options.now ?? (() => new Date());
    this.log = context.log;
    this.pollIntervalMs = options.pollIntervalMs ?? 15_000;
    const cacheMs = options.cacheMs ?? 60_000;
    this.inventoryCache = new GalleryInventory(client, this.resourceGroup, this.gallery, cacheMs, this.now);
    this.usageIndex = new UsageIndex(client, cacheMs, this.now);
    this.versions = new GalleryVersions(client, {
      sleep: context.sleep ?? realSleep,
      pollIntervalMs: this.pollIntervalMs,
      waitTimeoutMs: options.waitTimeoutMs ?? 3 * 3600_000,
      now: this.now,
    });
  }

  /** The marketplace version the source names today: the newest for `latest`, else the pinned one (resolve.ts). */
  readonly resolveSource = (region: string, source: ProviderSource) => resolveAzureSource(this, region, source as AzureSource);

  private role(kind: RoleKind): string {
    return requiredRole(kind, this.resourceGroup, this.gallery, this.subscription);
  }

  /** Runs an ARM call; SDK failures become one clear Error (our own Errors pass through). */
  private async arm<T>(call: Omit<AzureCallContext, 'cloud'>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw isSdkError(error) ? azureError({ cloud: this.cloud.name, ...call }, error) : error;
    }
  }

  async inventory(region: string): Promise<ImageRecord[]> {
    const snapshot = await this.arm({ operation: `inventory of gallery "${this.gallery}"`, region, role: this.role('read') }, () =>
      this.inventoryCache.snapshot(),
    );
    return recordsIn(snapshot, region, this.now());
  }

  private ref(image: ImageRecord): AzureImageRef {
    return parseAzureImageId(image.id);
  }

  private unsupportedForManaged(image: ImageRecord, operation: string, instead: string): never {
    throw new Error(`cloud "${this.cloud.name}" (azure): ${operation} of managed image ${image.name} is not supported: ${instead}`);
  }

  async copy(image: ImageRecord, region: string, options: CopyOptions = {}): Promise<ImageRecord> {
    const ref = this.ref(image);
    if (ref.kind === 'managed-image') {
      this.unsupportedForManaged(
        image,
        'copy',
        `Azure cannot copy managed images between regions; publish images to the gallery "${this.gallery}" and copy the gallery version`,
      );
    }
    const target: TargetRegion = { name: region };
    const des = options.kmsKeyId ?? (options.encrypted ? this.cloud.kms_key_id : undefined);
    if (options.encrypted && !des) {
      throw new Error(
        `cloud "${this.cloud.name}" (azure): encrypted copy to ${region} needs a disk encryption set id (kms_key_id in topology.yml)`,
      );
    }
    if (des) target.encryption = { osDiskImage: { diskEncryptionSetId: des } };
    const call = { operation: `copy of ${image.name}`, region, role: this.role('write') };
    const { before, poller } = await this.arm(call, () => this.versions.copy(ref, target));
    this.inventoryCache.invalidate();
    if (options.wait) {
      const wait = { image: image.name, timeoutMs: options.timeoutMs, onProgress: options.onProgress };
      const { entry, state } = await this.arm(call, () => this.versions.waitForCopy(ref, region, poller, wait));
      return versionRecord(entry, region, state);
    }
    if (!poller) {
      const entry = { definition: ref.definition, version: before, status: before.replicationStatus };
      return versionRecord(entry, region, versionState(entry, region, this.now()) ?? 'pending');
    }
    return versionRecord({ definition: ref.definition, version: before }, region, 'pending');
  }

  async tag(image: ImageRecord, tags: Record<string, string>): Promise<void> {
    const ref = this.ref(image);
    const call = { operation: `tagging ${image.name}`, region: image.region, role: this.role('write') };
    await this.arm(call, async () => {
      if (ref.kind === 'managed-image') {
        const current = await this.client.images.get(ref.resourceGroup, ref.name);
        await this.client.images
          .update(ref.resourceGroup, ref.name, { tags: { ...current.tags, ...tags } }, { updateIntervalInMs: this.pollIntervalMs })
          .pollUntilDone();
        return;
      }
      await this.versions.update(ref, (version) => {
        const merged = { ...version.tags, ...tags };
        const same = Object.entries(tags).every(([k, v]) => version.tags?.[k] === v);
        return same ? undefined : { tags: merged };
      });
    });
    this.inventoryCache.invalidate();
  }

  async share(image: ImageRecord, options: ShareOptions): Promise<void> {
    const ref = this.ref(image);
    const where = `cloud "${this.cloud.name}" (azure): share of ${image.name}`;
    if (options.public) {
      throw new Error(
        `${where} as public is not supported: Azure publishes images only as a community gallery, which exposes the whole ` +
          `gallery "${this.gallery}" to every Azure user and cannot be limited to one image. If that is intended, create a ` +
          `separate gallery with community sharing yourself (az sig create --permissions community ...), point this cloud's ` +
          'gallery at it, and set share.public to false.',
      );
    }
    if (options.accounts.length === 0) return;
    const principals = sharePrincipals(options.accounts, where);
    if (ref.kind === 'managed-image') {
      this.unsupportedForManaged(image, 'share', 'grant the other principals Reader on the image (Azure RBAC), or publish to the gallery');
    }
    const scope = definitionId(ref);
    const call = { operation: `share of image definition "${ref.definition}"`, region: image.region, role: this.role('share') };
    await this.arm(call, async () => {
      for (const principal of principals) await grantReader(this.client, scope, principal);
    });
  }

  async deprecate(image: ImageRecord, options: DeprecateOptions = {}): Promise<void> {
    const ref = this.ref(image);
    const at = options.at ?? this.now();
    const replacement: Record<string, string> = options.replacement ? { [TAGS.replacement]: options.replacement.name.slice(0, 256) } : {};
    const call = { operation: `deprecation of ${image.name}`, region: image.region, role: this.role('write') };
    await this.arm(call, async () => {
      if (ref.kind === 'managed-image') {
        const current = await this.client.images.get(ref.resourceGroup, ref.name);
        const tags = { ...current.tags, ...replacement, [TAGS.deprecatedAt]: at.toISOString() };
        await this.client.images.update(ref.resourceGroup, ref.name, { tags }, { updateIntervalInMs: this.pollIntervalMs }).pollUntilDone();
        return;
      }
      await this.versions.update(ref, (version) => {
        const change = latestChange(version, true, { at, now: this.now() });
        return { tags: { ...version.tags, ...replacement, [TAGS.deprecatedAt]: at.toISOString() }, ...change };
      });
    });
    this.inventoryCache.invalidate();
  }

  /**
   * Lets `versions/latest` resolve to the new gold: builds publish versions
   * excluded from latest (packer/sources/azure.ts), so only a promoted version
   * is what consumers of `latest` get. A managed image has no `latest`.
   */
  async promote(image: ImageRecord): Promise<void> {
    const ref = this.ref(image);
    if (ref.kind === 'managed-image') return;
    const call = { operation: `promotion of ${image.name}`, region: image.region, role: this.role('write') };
    await this.arm(call, () => this.versions.update(ref, (version) => latestChange(version, false)));
    this.inventoryCache.invalidate();
  }

  async remove(image: ImageRecord): Promise<void> {
    const ref = this.ref(image);
    const call = { operation: `removal of ${image.name}`, region: image.region, role: this.role('delete') };
    await this.arm(call, async () => {
      if (ref.kind === 'gallery-version') return this.versions.remove(ref);
      try {
        await this.client.images.delete(ref.resourceGroup, ref.name, { updateIntervalInMs: this.pollIntervalMs }).pollUntilDone();
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    });
    this.inventoryCache.invalidate();
  }

  async inUse(image: ImageRecord): Promise<Usage> {
    const call = { operation: `usage check of ${image.name}`, region: image.region, role: this.role('usage') };
    return this.arm(call, () => this.usageIndex.usage(image));
  }

  /** Creates the line's image definition, of the source's Hyper-V generation (generation.ts; the resolved version's, if any), unless it exists. */
  async prepareBuild(line: BuildLine): Promise<void> {
    const source = resolvedAzureSource(line.source, line.resolved);
    const call = { operation: 'lookup of the source image', region: line.region, role: this.role('source') };
    const hyperVGeneration = source && (await this.arm(call, () => sourceGeneration(this.client, line.region, source, this.log)));
    await this.ensureImageDefinition(line.image, line.os, { location: line.region, hyperVGeneration });
  }

  /**
   * Creates the gallery image definition for (recipe, os) unless it exists
   * (Packer publishes versions only into an existing definition). An existing
   * definition of another Hyper-V generation cannot take the version and
   * cannot be changed: that is an error saying what to do.
   */
  async ensureImageDefinition(
    recipe: string,
    os: string,
    options: { osType?: 'Linux' | 'Windows'; hyperVGeneration?: HyperVGeneration; location?: string } = {},
  ): Promise<string> {
    const name = azureImageDefinition(recipe, os);
    const location = options.location ?? this.cloud.build_region;
    const generation = options.hyperVGeneration ?? 'V2';
    const call = { operation: `creation of image definition "${name}"`, region: location, role: this.role('write') };
    await this.arm(call, async () => {
      const existing = await this.client.galleryImages.get(this.resourceGroup, this.gallery, name).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      if (existing) {
        const has = existing.hyperVGeneration ?? 'V1';
        if (options.hyperVGeneration && has !== generation) {
          throw new Error(
            `image definition "${name}" in gallery "${this.gallery}" is Hyper-V ${has}, the source image is ${generation}; ` +
              "a definition's generation cannot be changed: use a source of generation " +
              `${has}, or delete the definition (and its versions) so that it is created again as ${generation}`,
          );
        }
        return;
      }
      const identifier = { publisher: 'image-builder', offer: name, sku: normalizeRegion(os) || 'default' };
      const tags = { [TAGS.managedBy]: 'true', [TAGS.recipe]: recipe, [TAGS.os]: os, [TAGS.cloud]: this.cloud.name };
      const definition = { location, osType: options.osType ?? 'Linux', osState: 'Generalized' as const, identifier, tags };
      await this.client.galleryImages
        .createOrUpdate(
          this.resourceGroup,
          this.gallery,
          name,
          { ...definition, hyperVGeneration: generation },
          { updateIntervalInMs: this.pollIntervalMs },
        )
        .pollUntilDone();
    });
    return name;
  }
}

export async function createAzureProvider(cloud: Cloud, context: ProviderContext, options: AzureProviderOptions = {}): Promise<Provider> {
  const env = context.env ?? process.env;
  const subscription = cloud.subscription || env.AZURE_SUBSCRIPTION_ID;
  if (!subscription) {
    throw new Error(`cloud "${cloud.name}" (azure): no subscription: set "subscription" in topology.yml (or AZURE_SUBSCRIPTION_ID)`);
  }
  if (!cloud.resource_group) {
    throw new Error(`cloud "${cloud.name}" (azure): set "resource_group" in topology.yml (the resource group holding the gallery)`);
  }
  const endpoints = azureEndpoints(context.azureCloud, env);
  const { credential } = await azureCredential(env, endpoints.authorityHost, { ...options, mask: options.mask ?? context.mask });
  const ca = options.ca ?? (await caFromEnv(env, AZURE_CA_FILE_ENV));
  const client = createComputeClient(oneLineSignIn(cloud.name, credential), subscription, endpoints, { ...options, ca }, context.log);
  return new AzureProvider(cloud, client, subscription, context, options);
}
