/**
 * Image data into Glance: a file built here (the build's upload) or another
 * region's image (distribution), streamed, never held in memory. Both are
 * idempotent and resumable: an image of the same name and fingerprint that is
 * already active is the result; one left queued by a broken upload gets its
 * data again; one left saving or killed is deleted and made anew. The data
 * Glance stored is checked against the source: Glance computes
 * os_hash_algo/os_hash_value (sha512 by default) and checksum (md5) of what
 * it received (Image service API v2 reference, "Image data").
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { TAGS } from '../../images/index.js';
import type { Glance, GlanceImage } from './glance.js';

/** What a new image is made with: its name, formats, properties (ours and the source's) and visibility. */
export interface NewImage {
  name: string;
  fingerprint: string;
  disk_format: string;
  container_format?: string;
  properties: Record<string, string>;
  min_disk?: number;
  min_ram?: number;
}

/** The hash Glance reports (its algorithm by Python's hashlib name: sha512, sha3_512...) over a file here; undefined when Node lacks it. */
export async function fileHash(file: string, algorithm: string): Promise<string | undefined> {
  let hash;
  try {
    hash = createHash(algorithm.replace(/_/g, '-'));
  } catch {
    return undefined;
  }
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The image of this name and fingerprint in the region, ready for data:
 * active (done), or queued (ours to fill). Others of that identity in a
 * state that cannot take data are deleted first.
 */
async function slot(glance: Glance, owner: string, image: NewImage): Promise<GlanceImage> {
  const found = await glance.list({ owner, name: image.name, [TAGS.fingerprint]: image.fingerprint, visibility: 'all' });
  const active = found.find((i) => i.status === 'active');
  if (active) return active;
  const queued = found.find((i) => i.status === 'queued');
  for (const stale of found) if (stale !== queued) await glance.remove(stale.id);
  if (queued) return queued;
  return glance.create({
    name: image.name,
    disk_format: image.disk_format,
    container_format: image.container_format ?? 'bare',
    visibility: 'private',
    ...(image.min_disk ? { min_disk: image.min_disk } : {}),
    ...(image.min_ram ? { min_ram: image.min_ram } : {}),
    ...image.properties,
  });
}

/** What the data should hash to under Glance's algorithm (sha512 unless the cloud configured another); undefined: cannot tell. */
type Expected = (algo: string) => Promise<string | undefined>;

/** The stored image's hash is what `expected` says for its algorithm, else the image is deleted and the failure named. */
async function checkHash(glance: Glance, id: string, expected: Expected, what: string): Promise<GlanceImage> {
  const stored = await glance.get(id);
  const where = `openstack cloud "${glance.site.cloud}" region ${glance.site.region}`;
  if (!stored || stored.status !== 'active') {
    throw new Error(`${where}: image ${id} is ${stored?.status ?? 'gone'} after its upload of ${what}; run again`);
  }
  const algo = stored.os_hash_algo ?? 'md5';
  const got = stored.os_hash_algo ? stored.os_hash_value : stored.checksum;
  const want = await expected(algo);
  // The md5 checksum every Glance reports, when the two sides hash differently.
  const md5 = want === undefined && algo !== 'md5' ? await expected('md5') : undefined;
  if (got && (got === want || (md5 !== undefined && stored.checksum === md5))) return stored;
  await glance.remove(id);
  throw new Error(
    `${where}: image ${id} does not hold the data of ${what}: Glance's ${algo} is ${got ?? 'missing'}, ` +
      `expected ${want ?? md5 ?? 'unknown'}; it was deleted, run again`,
  );
}

/** Uploads `file` as the image (made or found), checks Glance's hash against the file; returns the active image. */
export async function uploadFile(
  glance: Glance,
  owner: string,
  file: string,
  image: NewImage,
  log?: (m: string) => void,
): Promise<GlanceImage> {
  const target = await slot(glance, owner, image);
  const expected: Expected = (algo) => fileHash(file, algo);
  if (target.status === 'active') return checkHash(glance, target.id, expected, file);
  log?.(`openstack ${glance.site.cloud}: uploading ${file} to image ${target.id} in ${glance.site.region}`);
  const started = Date.now();
  await glance.upload(target.id, () => Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>);
  const done = await checkHash(glance, target.id, expected, file);
  log?.(`openstack ${glance.site.cloud}: uploaded ${rate((await fs.stat(file)).size, Date.now() - started)} to ${glance.site.region}`);
  return done;
}

/** `612.0 MiB in 9.8 s (62.4 MiB/s)`: what a transfer moved and how fast, hash check included. */
export function rate(bytes: number, ms: number): string {
  const mib = bytes / 1_048_576;
  const s = Math.max(ms, 1) / 1000;
  return `${mib.toFixed(1)} MiB in ${s.toFixed(1)} s (${(mib / s).toFixed(1)} MiB/s)`;
}

/**
 * Copies `source` (active, in `from`) into `to` as an image of the same name,
 * formats and properties, streaming its data from one Glance to the other;
 * checks the copy's hash against the source's.
 */
export async function copyImage(
  from: Glance,
  to: Glance,
  owner: string,
  source: GlanceImage,
  properties: Record<string, string>,
  log?: (m: string) => void,
): Promise<GlanceImage> {
  if (source.status !== 'active') {
    throw new Error(
      `openstack cloud "${from.site.cloud}" region ${from.site.region}: image ${source.id} is ${source.status}, only an active image can be copied`,
    );
  }
  const image: NewImage = {
    name: source.name ?? source.id,
    fingerprint: String(source[TAGS.fingerprint] ?? ''),
    disk_format: source.disk_format ?? 'qcow2',
    container_format: source.container_format ?? 'bare',
    properties,
    min_disk: typeof source.min_disk === 'number' ? source.min_disk : undefined,
    min_ram: typeof source.min_ram === 'number' ? source.min_ram : undefined,
  };
  const target = await slot(to, owner, image);
  const expected: Expected = async (algo) =>
    (algo === source.os_hash_algo ? source.os_hash_value : algo === 'md5' ? source.checksum : undefined) ?? undefined;
  const what = `image ${source.id} of ${from.site.region}`;
  if (target.status !== 'active') {
    log?.(`openstack ${to.site.cloud}: streaming ${what} into ${target.id} in ${to.site.region}`);
    // Every attempt downloads anew: a stream is read once.
    const body = (): ReadableStream<Uint8Array> => lazyStream(() => from.download(source.id));
    const started = Date.now();
    await to.upload(target.id, body);
    const done = await checkHash(to, target.id, expected, what);
    if (typeof source.size === 'number')
      log?.(`openstack ${to.site.cloud}: copied ${rate(source.size, Date.now() - started)} to ${to.site.region}`);
    return done;
  }
  return checkHash(to, target.id, expected, what);
}

/** A stream that opens its source on the first read (the upload's body factory is synchronous). */
function lazyStream(open: () => Promise<ReadableStream<Uint8Array>>): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      reader ??= (await open()).getReader();
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}
