/**
 * The embedded `local` provider: a directory store of qcow2 images.
 *
 *   <store>/<region>/<name>/image.qcow2   the disk
 *   <store>/<region>/<name>/vmlinuz, initrd.img   kernel for direct boot (when present)
 *   <store>/<region>/<name>/metadata.json the ImageRecord (fingerprint, recipe, os, channel...)
 *   <store>/<region>/<name>/in-use/*      one file per user of the image (a VM, a test)
 *
 * Every change lands by rename, so a crash never leaves a half image: a folder
 * without metadata.json, or one whose name starts with a dot, is not an image.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STORE, type Cloud } from '../../topology/model.js';
import type { ProviderContext } from '../provider.js';
import { TAGS, currentTags, fromTags, type ImageRecord } from '../../images/index.js';
import { type CopyOptions, type DeprecateOptions, type Provider, type ShareOptions, type Usage } from '../provider.js';

const METADATA = 'metadata.json';

export class LocalProvider implements Provider {
  readonly provider = 'local' as const;
  readonly scope = 'region' as const;
  readonly root: string;

  constructor(
    readonly cloud: Cloud,
    context: Pick<ProviderContext, 'baseDir'>,
  ) {
    this.root = path.resolve(context.baseDir, cloud.store ?? DEFAULT_STORE);
  }

  regionDir(region: string): string {
    return path.join(this.root, safeSegment(region));
  }

  imageDir(region: string, name: string): string {
    return path.join(this.regionDir(region), safeSegment(name));
  }

  async inventory(region: string): Promise<ImageRecord[]> {
    const dir = this.regionDir(region);
    let entries: string[];
    try {
      entries = await fs.readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const records = await Promise.all(entries.filter((e) => !e.startsWith('.')).map((e) => this.read(path.join(dir, e))));
    return records
      .filter((r): r is ImageRecord => r !== undefined && r.tags[TAGS.managedBy] === 'true')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  /**
   * Adds a built image to the store: copies the files named in `files`
   * (basename -> source path) into a hidden folder, writes the metadata, then
   * renames the folder into place. An existing image of that name is an error.
   */
  async add(record: Omit<ImageRecord, 'id'>, files: Record<string, string>): Promise<ImageRecord> {
    const final = this.imageDir(record.region, record.name);
    if (await exists(final)) throw new Error(`local store already holds ${record.region}/${record.name}`);
    const staging = path.join(this.regionDir(record.region), `.staging-${record.name}-${process.pid}-${Date.now()}`);
    await fs.mkdir(staging, { recursive: true });
    try {
      for (const [base, src] of Object.entries(files)) {
        await fs.copyFile(src, path.join(staging, safeSegment(base)));
      }
      const stored: ImageRecord = { ...record, id: `${record.region}/${record.name}` };
      await fs.writeFile(path.join(staging, METADATA), JSON.stringify(stored, null, 2) + '\n');
      await fs.rename(staging, final);
      return stored;
    } catch (error) {
      await fs.rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  async copy(image: ImageRecord, region: string, _options?: CopyOptions): Promise<ImageRecord> {
    const existing = await this.read(this.imageDir(region, image.name));
    if (existing) return existing;
    const from = this.dirOf(image);
    const files: Record<string, string> = {};
    for (const entry of await fs.readdir(from, { withFileTypes: true })) {
      if (entry.isFile() && entry.name !== METADATA) files[entry.name] = path.join(from, entry.name);
    }
    const { id: _id, ...rest } = image;
    return this.add({ ...rest, region, state: 'available' }, files);
  }

  async tag(image: ImageRecord, tags: Record<string, string>): Promise<void> {
    await this.update(image, (r) => fromTags({ ...r.tags, ...tags }, r));
  }

  async share(image: ImageRecord, options: ShareOptions): Promise<void> {
    const shared = [...options.accounts, ...(options.public ? ['all'] : [])].join(',');
    await this.tag(image, { [TAGS.sharedWith]: shared });
  }

  async deprecate(image: ImageRecord, options?: DeprecateOptions): Promise<void> {
    const tags: Record<string, string> = { [TAGS.deprecatedAt]: (options?.at ?? new Date()).toISOString() };
    if (options?.replacement) tags[TAGS.replacement] = options.replacement.name;
    await this.update(image, (r) => ({ ...fromTags({ ...r.tags, ...tags }, r), state: 'deprecated' }));
  }

  async remove(image: ImageRecord): Promise<void> {
    const dir = this.dirOf(image);
    const trash = path.join(path.dirname(dir), `.removing-${path.basename(dir)}-${Date.now()}`);
    await fs.rename(dir, trash);
    await fs.rm(trash, { recursive: true, force: true });
  }

  async inUse(image: ImageRecord): Promise<Usage> {
    const dir = this.dirOf(image);
    const references: string[] = [];
    try {
      for (const user of await fs.readdir(path.join(dir, 'in-use'))) references.push(`marker:${user}`);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    references.push(...(await processesUsing(dir)));
    return { inUse: references.length > 0, references };
  }

  private dirOf(image: ImageRecord): string {
    return this.imageDir(image.region, image.name);
  }

  private async read(dir: string): Promise<ImageRecord | undefined> {
    try {
      const record = JSON.parse(await fs.readFile(path.join(dir, METADATA), 'utf8')) as ImageRecord;
      return { ...record, tags: currentTags(record.tags ?? {}) };
    } catch (error) {
      if (isMissing(error) || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  private async update(image: ImageRecord, change: (r: ImageRecord) => ImageRecord): Promise<void> {
    const dir = this.dirOf(image);
    const current = await this.read(dir);
    if (!current) throw new Error(`local store has no image ${image.region}/${image.name}`);
    const next = change(current);
    const tmp = path.join(dir, `.${METADATA}.${process.pid}`);
    await fs.writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
    await fs.rename(tmp, path.join(dir, METADATA));
  }
}

/** Processes (e.g. a qemu booting the image) whose command line names a file in `dir`. */
async function processesUsing(dir: string): Promise<string[]> {
  let pids: string[];
  try {
    pids = (await fs.readdir('/proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
  const found: string[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const cmdline = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
        if (cmdline.some((arg) => arg.includes(dir + path.sep))) found.push(`process:${pid}`);
      } catch {
        // the process ended while we looked
      }
    }),
  );
  return found.sort();
}

function safeSegment(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) {
    throw new Error(`"${value}" cannot name a folder in the local store: use letters, digits, ".", "_" and "-"`);
  }
  return value;
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
