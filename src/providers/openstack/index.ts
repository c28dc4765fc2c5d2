/**
 * The OpenStack provider: Glance v2 images of one project, in the Keystone
 * regions whose catalog has an image endpoint, with plain fetch (no typed
 * OpenStack client is maintained on npm). Our tags are image properties;
 * channels too. Deprecation hides the image (os_hidden) and records when and
 * by what it was replaced. A retired line's image is deactivated first (no
 * new server boots from it) with the time recorded (ib-retired-at), and
 * lifecycle deletes it after lifecycle.delete_retired_after; removal
 * deactivates, then deletes. Neither touches a protected image. Sharing
 * adds image members (project ids), and `public` makes the image
 * community-visible (publishing to everyone needs an admin). With
 * `naming: gold-prefix` the gold image is named "GOLD <name>" and the one it
 * replaces "Outdated <name>", as NREC's himlarcli does.
 */
import type { Cloud, OpenStackSource, ProviderSource } from '../../topology/model.js';
import type { CopyOptions, DeprecateOptions, Provider, ProviderContext, ShareOptions, Usage } from '../provider.js';
import { TAGS, type ImageRecord } from '../../images/index.js';
import { realSleep } from '../../util/retry.js';
import { TIMEOUTS } from '../retry.js';
import { ProviderError } from '../errors.js';
import { readAuth } from './config.js';
import { sharedSession, type KeystoneSession } from './auth.js';
import { Glance, type PatchOp } from './glance.js';
import type { CallSite } from './http.js';
import { SOURCE_PROPERTY, asProperties, baseName, isOurProperty, toRecord } from './records.js';
import { copyImage, uploadFile } from './transfer.js';
import { findUsage } from './usage.js';
import { resolveLocalSource } from '../local/resolve.js';

export interface OpenStackProviderOptions {
  /** Working directory clouds.yaml is looked for in (default process.cwd()). */
  cwd?: string;
  retry?: { attempts?: number; baseMs?: number; maxMs?: number };
  requestMs?: number;
  pageSize?: number;
}

export async function createOpenStackProvider(
  cloud: Cloud,
  context: ProviderContext,
  options: OpenStackProviderOptions = {},
): Promise<OpenStackProvider> {
  const env = context.env ?? process.env;
  const auth = readAuth(cloud.name, cloud.cloud, env, options.cwd);
  for (const secret of [auth.password, auth.appCredentialSecret]) if (secret) context.mask?.(secret);
  const session = sharedSession({
    cloud: cloud.name,
    auth,
    mask: context.mask,
    sleep: context.sleep,
    requestMs: options.requestMs ?? TIMEOUTS.requestMs,
  });
  await session.token();
  return new OpenStackProvider(cloud, session, context, options);
}

export class OpenStackProvider implements Provider {
  readonly provider = 'openstack' as const;
  readonly scope = 'region' as const;
  private readonly glances = new Map<string, Promise<Glance>>();

  constructor(
    readonly cloud: Cloud,
    readonly session: KeystoneSession,
    private readonly context: ProviderContext,
    private readonly options: OpenStackProviderOptions = {},
  ) {}

  /** Built by the local QEMU path: its source resolves as a local one (the suite's Release file, or the pinned disk). */
  readonly resolveSource = (region: string, source: ProviderSource) =>
    resolveLocalSource(region, source as OpenStackSource, {
      env: this.context.env,
      sleep: this.context.sleep,
      log: this.context.log,
      cloud: this.cloud.name,
    });

  /** The Glance of `region` (its endpoint from the catalog). */
  glance(region: string): Promise<Glance> {
    let glance = this.glances.get(region);
    if (!glance) {
      glance = this.session.imageEndpoint(region).then((base) => new Glance(this.site(region, base)));
      glance.catch(() => this.glances.delete(region));
      this.glances.set(region, glance);
    }
    return glance;
  }

  /** Our images of the project in `region`, hidden (deprecated) ones included. */
  async inventory(region: string): Promise<ImageRecord[]> {
    const glance = await this.glance(region);
    const owner = (await this.session.token()).projectId;
    const filters = { owner, [TAGS.managedBy]: 'true', visibility: 'all' };
    const [shown, hidden] = await Promise.all([
      glance.list(filters, this.options.pageSize),
      glance.list({ ...filters, os_hidden: 'true' }, this.options.pageSize),
    ]);
    const byId = new Map([...shown, ...hidden].map((i) => [i.id, i]));
    return [...byId.values()]
      .map((image) => toRecord(image, region))
      .filter((r): r is ImageRecord => r !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  /** Uploads a disk built here into `region` as a new image with `tags` and the source's settings. */
  async upload(file: string, record: Omit<ImageRecord, 'id'>, source: OpenStackSource, diskFormat: string): Promise<ImageRecord> {
    const glance = await this.glance(record.region);
    const owner = (await this.session.token()).projectId;
    const properties = asProperties({ ...sourceProperties(source), ...record.tags });
    const image = await uploadFile(
      glance,
      owner,
      file,
      { name: record.name, fingerprint: record.fingerprint, disk_format: diskFormat, properties },
      this.context.log,
    );
    return this.record(image, record.region);
  }

  /** Streams the image from its region's Glance into `region`'s; an image already there (same name and fingerprint) is the copy. */
  async copy(image: ImageRecord, region: string, _options?: CopyOptions): Promise<ImageRecord> {
    if (region === image.region) return image;
    const from = await this.glance(image.region);
    const to = await this.glance(region);
    const source = await from.get(image.id);
    if (!source)
      throw new Error(
        `openstack cloud "${this.cloud.name}" region ${image.region}: image ${image.id} (${image.name}) is gone; run plan again`,
      );
    const properties: Record<string, string> = {};
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'string' && (isOurProperty(key) || SOURCE_PROPERTY.test(key))) properties[key] = value;
    }
    properties[TAGS.channel] = 'candidate';
    const owner = (await this.session.token()).projectId;
    const copied = await copyImage(from, to, owner, source, properties, this.context.log);
    return this.record(copied, region);
  }

  /** Sets the tags as properties (one atomic JSON patch); values already set are left alone. */
  async tag(image: ImageRecord, tags: Record<string, string>): Promise<void> {
    const glance = await this.glance(image.region);
    const current = await this.current(glance, image);
    const ops: PatchOp[] = Object.entries(asProperties(tags))
      .filter(([key, value]) => current[key] !== value)
      .map(([key, value]) => ({ op: 'add', path: `/${pointer(key)}`, value }));
    if (ops.length > 0) await glance.patch(image.id, ops);
  }

  /**
   * `public`: community visibility, which every project may boot (Glance
   * allows members on shared images only, and a community image needs none);
   * else the project ids as members (visibility shared).
   */
  async share(image: ImageRecord, options: ShareOptions): Promise<void> {
    const glance = await this.glance(image.region);
    const current = await this.current(glance, image);
    if (options.public) {
      if (current.visibility !== 'public' && current.visibility !== 'community')
        await glance.patch(image.id, [{ op: 'replace', path: '/visibility', value: 'community' }]);
      return;
    }
    if (options.accounts.length === 0) return;
    if (current.visibility !== 'shared') await glance.patch(image.id, [{ op: 'replace', path: '/visibility', value: 'shared' }]);
    const members = new Set((await glance.members(image.id)).map((m) => m.member_id));
    for (const project of options.accounts) if (!members.has(project)) await glance.addMember(image.id, project);
  }

  /** Hides the image (os_hidden), records when and by what it was replaced; NREC naming: "Outdated <name>". */
  async deprecate(image: ImageRecord, options: DeprecateOptions = {}): Promise<void> {
    const glance = await this.glance(image.region);
    const current = await this.current(glance, image);
    const ops: PatchOp[] = [
      { op: 'replace', path: '/os_hidden', value: true },
      { op: 'add', path: `/${TAGS.deprecatedAt}`, value: (options.at ?? new Date()).toISOString() },
    ];
    if (options.replacement) ops.push({ op: 'add', path: `/${TAGS.replacement}`, value: options.replacement.id });
    if (this.cloud.naming === 'gold-prefix')
      ops.push({ op: 'replace', path: '/name', value: `Outdated ${baseName(current.name ?? image.name)}` });
    await glance.patch(image.id, ops);
  }

  /** NREC naming: the gold image is renamed "GOLD <name>". */
  async promote(image: ImageRecord): Promise<void> {
    if (this.cloud.naming !== 'gold-prefix') return;
    const glance = await this.glance(image.region);
    const current = await this.current(glance, image);
    const name = `GOLD ${baseName(current.name ?? image.name)}`;
    if (current.name !== name) await glance.patch(image.id, [{ op: 'replace', path: '/name', value: name }]);
  }

  /**
   * Deactivates the image (no new server boots from it; Glance keeps it, and
   * lists it to its owner) and records `at` in ib-retired-at; one already
   * deactivated only gets the time. A protected image is refused: it would
   * never be deleted after the window.
   */
  async deactivate(image: ImageRecord, at: Date): Promise<void> {
    const glance = await this.glance(image.region);
    const current = await this.current(glance, image);
    if (current.protected) throw this.isProtected(image, current.name, 'deactivated or deleted', 'deactivate image');
    if (current.status === 'active') await glance.deactivate(image.id);
    await glance.patch(image.id, [{ op: 'add', path: `/${pointer(TAGS.retiredAt)}`, value: at.toISOString() }]);
  }

  /** Deactivates the image (no new server boots from it), then deletes it; a protected image is refused, one already gone is done. */
  async remove(image: ImageRecord): Promise<void> {
    const glance = await this.glance(image.region);
    const current = await glance.get(image.id);
    if (!current) return;
    if (current.protected) throw this.isProtected(image, current.name, 'deleted', 'delete image');
    if (current.status === 'active') await glance.deactivate(image.id);
    await glance.remove(image.id);
  }

  private isProtected(image: ImageRecord, name: string | null, never: string, operation: string): ProviderError {
    return new ProviderError(
      `openstack cloud "${this.cloud.name}" region ${image.region}: image ${image.id} (${name}) is protected, so it is never ${never}; ` +
        'unset protected on it (openstack image set --unprotected) if it should go',
      { cloud: this.cloud.name, operation, region: image.region, kind: 'permission', code: 'protected' },
    );
  }

  async inUse(image: ImageRecord): Promise<Usage> {
    const references = await findUsage(this.session, (base) => this.site(image.region, base), image.region, image.id);
    return { inUse: references.length > 0, references };
  }

  private async current(glance: Glance, image: ImageRecord) {
    const current = await glance.get(image.id);
    if (!current)
      throw new Error(
        `openstack cloud "${this.cloud.name}" region ${image.region}: image ${image.id} (${image.name}) is gone; run plan again`,
      );
    return current;
  }

  private record(image: Parameters<typeof toRecord>[0], region: string): ImageRecord {
    const record = toRecord(image, region);
    if (!record) throw new Error(`openstack cloud "${this.cloud.name}" region ${region}: image ${image.id} is ${image.status}`);
    return record;
  }

  private site(region: string, base: string): CallSite {
    return {
      cloud: this.cloud.name,
      region,
      session: this.session,
      base,
      requestMs: this.options.requestMs ?? TIMEOUTS.requestMs,
      sleep: this.context.sleep ?? realSleep,
      log: this.context.log,
      retry: this.options.retry,
    };
  }
}

/** The Glance properties a source sets: os_distro, os_version and its `properties` (hw_*...). */
export function sourceProperties(source: OpenStackSource): Record<string, string> {
  const out: Record<string, string> = { ...(source.properties ?? {}) };
  if (source.os_distro) out.os_distro = source.os_distro;
  if (source.os_version) out.os_version = source.os_version;
  return out;
}

/** A property name as a JSON pointer segment (RFC 6901: ~ -> ~0, / -> ~1). */
function pointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
