/**
 * The embedded `local` provider: a directory store of qcow2 images.
 *
 *   <store>/<region>/<name>/image.qcow2   the disk
 *   <store>/<region>/<name>/vmlinuz, initrd.img   kernel for direct boot (when present)
 *   <store>/<region>/<name>/metadata.json the ImageRecord (fingerprint, recipe, os, channel...)
 *   <store>/<region>/<name>/in-use/*      one file per user of the image (a VM, a test)
 *   <store>/.lock                         the run changing the store (lock.ts)
 *
 * An image is its folder: its id is `<region>/<name>`, whatever its
 * metadata.json says (metadata.ts). Every change resolves the folder from the
 * id and first checks the folder still holds the image listed (same
 * fingerprint), so an operation never lands on another folder.
 *
 * Every change lands by rename, so a crash never leaves a half image: a folder
 * without metadata.json, or one whose name starts with a dot, is not an image.
 * What a crash leaves in hidden folders is collected later (debris.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STORE, type Cloud, type LocalSource, type ProviderSource } from '../../topology/model.js';
import type { ProviderContext } from '../provider.js';
import { TAGS, fromTags, type ImageRecord } from '../../images/index.js';
import { type CopyOptions, type DeprecateOptions, type Provider, type ShareOptions, type Usage } from '../provider.js';
import { METADATA, folderId, parseMetadata, type FolderIdentity, type ReadMetadata } from './metadata.js';
import { UsageScanner } from './usage.js';
import { collectDebris } from './debris.js';
import { lockStore, type Release } from './lock.js';
import { resolveLocalSource } from './resolve.js';

type StoreContext = Pick<ProviderContext, 'baseDir'> & Partial<Pick<ProviderContext, 'log' | 'env' | 'sleep'>>;

/** A folder checked to hold the image a record names. */
interface Resolved {
  dir: string;
  where: FolderIdentity;
  current: ImageRecord;
}

export class LocalProvider implements Provider {
  readonly provider = 'local' as const;
  readonly scope = 'region' as const;
  readonly root: string;
  private readonly log: (message: string) => void;
  /** Debris collection of this run (once: at the lock, or before the first add). */
  private debris?: Promise<void>;

  constructor(
    readonly cloud: Cloud,
    private readonly context: StoreContext,
  ) {
    this.root = path.resolve(context.baseDir, cloud.store ?? DEFAULT_STORE);
    this.log = context.log ?? (() => undefined);
  }

  /** The suite's Release file on the mirror, or the pinned disk (resolve.ts). */
  readonly resolveSource = (region: string, source: ProviderSource) =>
    resolveLocalSource(region, source as LocalSource, { ...this.context, cloud: this.cloud.name });

  regionDir(region: string): string {
    return path.join(this.root, safeSegment(region));
  }

  imageDir(region: string, name: string): string {
    return path.join(this.regionDir(region), safeSegment(name));
  }

  /**
   * The images in the region folder, each under its folder's identity. A
   * folder whose metadata cannot be an image record is skipped and named; the
   * rest of the region is listed as usual.
   */
  async inventory(region: string): Promise<ImageRecord[]> {
    const dir = this.regionDir(region);
    let entries: string[];
    try {
      entries = await fs.readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const folders = entries.filter((e) => !e.startsWith('.')).sort();
    const read = await Promise.all(
      folders.map((folder) =>
        SEGMENT.test(folder)
          ? this.readFolder({ region, folder }).catch(
              (error: unknown) => new Error(`${METADATA} could not be read (${(error as Error).message})`),
            )
          : new Error('not a name an image folder can have (letters, digits, ".", "_" and "-")'),
      ),
    );
    const records: ImageRecord[] = [];
    folders.forEach((folder, k) => {
      const where = path.join(dir, folder);
      const found = read[k];
      if (found instanceof Error) this.log(`local store: skipped ${where}: ${found.message}`);
      else if (found?.kind === 'invalid') this.log(`local store: skipped ${where}: ${found.reason}`);
      if (found instanceof Error || found?.kind !== 'image') return;
      if (found.mismatch) {
        this.log(
          `local store: ${where}: its ${METADATA} says ${found.mismatch}; listed as ${found.record.id}, ` +
            'the folder it is in (a folder copied or renamed by hand?)',
        );
      }
      records.push(found.record);
    });
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  }

  /**
   * Adds a built image to the store: copies the files named in `files`
   * (basename -> source path) into a hidden folder, writes the metadata, then
   * renames the folder into place. An existing image of that name is an error.
   */
  async add(record: Omit<ImageRecord, 'id'>, files: Record<string, string>): Promise<ImageRecord> {
    const final = this.imageDir(record.region, record.name);
    await this.collectDebrisOnce();
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
    const from = await this.resolve(image);
    const name = from.where.folder;
    const there = await this.readFolder({ region, folder: name });
    if (there?.kind === 'image' && there.record.fingerprint === from.current.fingerprint) return there.record;
    if (there) {
      const holds =
        there.kind === 'image'
          ? `fingerprint ${there.record.fingerprint}`
          : there.kind === 'foreign'
            ? 'an image not made by this tool'
            : there.reason;
      throw new Error(`local store: ${region}/${name} already exists and holds ${holds}, not ${from.current.fingerprint}: not overwritten`);
    }
    const files: Record<string, string> = {};
    for (const entry of await fs.readdir(from.dir, { withFileTypes: true })) {
      if (entry.isFile() && entry.name !== METADATA) files[entry.name] = path.join(from.dir, entry.name);
    }
    const { id: _id, ...rest } = image;
    return this.add({ ...rest, name, region, state: 'available' }, files);
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

  /** Removes the image's folder (renamed aside first, so a crash leaves hidden debris, not a half image). Gone already: done. */
  async remove(image: ImageRecord): Promise<void> {
    const where = this.folderOf(image);
    const dir = this.imageDir(where.region, where.folder);
    if (!(await exists(dir))) {
      this.log(`local store: ${folderId(where)} was already removed`);
      return;
    }
    await this.resolve(image);
    await this.collectDebrisOnce();
    const trash = path.join(path.dirname(dir), `.removing-${where.folder}-${process.pid}-${Date.now()}`);
    await fs.rename(dir, trash);
    await fs.rm(trash, { recursive: true, force: true });
  }

  /** Markers, processes holding or naming its files, QEMU overlays backed by it (usage.ts). */
  async inUse(image: ImageRecord): Promise<Usage> {
    const { dir } = await this.resolve(image);
    const references = await scanner.usersOf(dir);
    return { inUse: references.length > 0, references };
  }

  /**
   * Takes the store's lock for `command` (waiting for another run, see
   * lock.ts), then collects the debris of dead runs. Resolves to the release.
   */
  async lock(command = 'a run'): Promise<Release> {
    const release = await lockStore({ root: this.root, command, log: this.log, env: this.context.env, sleep: this.context.sleep });
    this.debris = this.collectDebris();
    await this.debris;
    return release;
  }

  /** Before a first change without the lock (a build adding its image): collect debris if the store is free, else leave it to the run holding it. */
  private collectDebrisOnce(): Promise<void> {
    this.debris ??= (async () => {
      const release = await lockStore({ root: this.root, command: 'add', log: this.log, waitMs: 0 }).catch(() => undefined);
      if (!release) return;
      try {
        await this.collectDebris();
      } finally {
        await release();
      }
    })();
    return this.debris;
  }

  private async collectDebris(): Promise<void> {
    try {
      await collectDebris(this.root, { log: this.log });
    } catch (error) {
      this.log(`local store: could not look for debris of earlier runs in ${this.root}: ${(error as Error).message}`);
    }
  }

  /** The folder a record's id names: `<region>/<folder>`, in the record's own region. */
  private folderOf(image: ImageRecord): FolderIdentity {
    const parts = image.id.split('/');
    if (parts.length !== 2 || parts[0] !== image.region) {
      throw new Error(`local store: "${image.id}" does not name a folder of region ${image.region} (<region>/<folder>): not changed`);
    }
    safeSegment(parts[0]);
    safeSegment(parts[1]);
    return { region: parts[0], folder: parts[1] };
  }

  /** The record's folder, checked to still hold the image listed (same fingerprint); refuses anything else. */
  private async resolve(image: ImageRecord): Promise<Resolved> {
    const where = this.folderOf(image);
    const found = await this.readFolder(where);
    const id = folderId(where);
    if (!found) throw new Error(`local store has no image ${id} (its folder or ${METADATA} is gone): not changed`);
    if (found.kind === 'invalid') throw new Error(`local store: ${id}: ${found.reason}: not changed`);
    if (found.kind === 'foreign') throw new Error(`local store: ${id} holds an image this tool did not make: not changed`);
    if (found.record.fingerprint !== image.fingerprint) {
      throw new Error(
        `local store: ${id} now holds fingerprint ${found.record.fingerprint}, not ${image.fingerprint} as listed: ` +
          'not changed (the folder changed since it was listed: run again)',
      );
    }
    return { dir: this.imageDir(where.region, where.folder), where, current: found.record };
  }

  private async readFolder(where: FolderIdentity): Promise<ReadMetadata | undefined> {
    let text: string;
    try {
      text = await fs.readFile(path.join(this.imageDir(where.region, where.folder), METADATA), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'EISDIR') return { kind: 'invalid', reason: `${METADATA} is a folder` };
      throw error;
    }
    return parseMetadata(text, where);
  }

  private async update(image: ImageRecord, change: (r: ImageRecord) => ImageRecord): Promise<void> {
    const { dir, current } = await this.resolve(image);
    const next = change(current);
    const tmp = path.join(dir, `.${METADATA}.${process.pid}`);
    await fs.writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
    await fs.rename(tmp, path.join(dir, METADATA));
  }
}

/** One per process: what it read of a process is reused for a second, by every store (usage.ts). */
const scanner = new UsageScanner();

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function safeSegment(value: string): string {
  if (!SEGMENT.test(value)) {
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
