/**
 * How an OpenStack image is built: once, on this host, by the local QEMU path
 * (the same machine, base image cache and fingerprint inputs as a local
 * image), then uploaded to the build region's Glance, converted to raw first
 * when the source asks for it (`qemu-img convert`, as nodepool's builder
 * does for clouds that want raw). Verification boots a copy of the uploaded
 * image downloaded from Glance, on a throwaway overlay.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Cloud, OpenStackSource } from '../../topology/model.js';
import { runProcess } from '../../util/process.js';
import type { BuildHooks, BuiltImage, MachineRequest, MachineSetup, ProviderContext, VerifySource } from '../provider.js';
import { LocalBuildHooks } from '../local/build.js';
import type { OpenStackProvider } from './index.js';

export class OpenStackBuildHooks implements BuildHooks {
  private readonly local: LocalBuildHooks;
  /** The source of the image this build makes (the machine request names it; the upload needs its settings). */
  private source: OpenStackSource = {};
  private provider?: Promise<OpenStackProvider>;

  constructor(
    private readonly cloud: Cloud,
    context: ProviderContext,
    /** Makes the provider when the upload needs it (a dry run never logs in). */
    private readonly connect: () => Promise<OpenStackProvider>,
  ) {
    // The base image cache of the local path lives in the cloud's store (default .images).
    this.local = new LocalBuildHooks({ ...cloud, provider: 'local' }, context);
  }

  async machine(request: MachineRequest): Promise<MachineSetup> {
    this.source = request.source as OpenStackSource;
    return this.local.machine(request);
  }

  /** Uploads the disk Packer wrote (raw when asked) to the build region's Glance; returns the Glance image id. */
  async store(built: BuiltImage): Promise<string> {
    const disk = path.join(built.outputDir, 'image.qcow2');
    const format = this.source.disk_format ?? 'qcow2';
    const file = format === 'raw' ? await toRaw(disk, built.record.name) : disk;
    const provider = await this.openstack();
    const record = await provider.upload(file, built.record, this.source, format);
    if (file !== disk) await fs.rm(file, { force: true });
    return record.id;
  }

  /** Downloads the uploaded image and boots a qcow2 overlay on it: the image in Glance is never written to. */
  async verifySource(result: { region: string; name: string; imageId: string }, work: string): Promise<VerifySource> {
    const dir = path.join(path.resolve(work), ['openstack', result.name].join('--'));
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    const provider = await this.openstack();
    const glance = await provider.glance(result.region);
    const image = await glance.get(result.imageId);
    if (!image) throw new Error(`${result.name}: image ${result.imageId} is not in Glance of ${this.cloud.name} ${result.region}`);
    const disk = path.join(dir, `image.${image.disk_format ?? 'qcow2'}`);
    const data = await glance.download(result.imageId);
    await pipeline(Readable.fromWeb(data as Parameters<typeof Readable.fromWeb>[0]), createWriteStream(disk));
    const overlay = path.join(dir, 'overlay.qcow2');
    const made = await runProcess('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', image.disk_format ?? 'qcow2', '-b', disk, overlay]);
    if (made.code !== 0) throw new Error(`${result.name}: could not create the verification overlay: ${made.tail.join(' ')}`);
    return { source: overlay, release: () => fs.rm(dir, { recursive: true, force: true }) };
  }

  private openstack(): Promise<OpenStackProvider> {
    this.provider ??= this.connect();
    return this.provider;
  }
}

/** The qcow2 as a raw disk beside it (qemu-img convert). */
export async function toRaw(qcow2: string, name: string): Promise<string> {
  const raw = qcow2.replace(/\.qcow2$/, '') + '.raw';
  const done = await runProcess('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', qcow2, raw]);
  if (done.code !== 0) throw new Error(`${name}: qemu-img could not convert the disk to raw: ${done.tail.join(' ')}`);
  return raw;
}
