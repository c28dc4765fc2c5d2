/**
 * The local provider's part in builds and verification: the QEMU machine
 * Packer boots (the cached Debian base image, KVM when usable, else TCG), the
 * built disk taken into the store with the kernel and initrd it boots with,
 * and a throwaway qcow2 overlay for the verification boot, so the stored
 * image is never written to.
 */
import { closeSync, existsSync, openSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Cloud, LocalSource } from '../../topology/model.js';
import { runProcess } from '../../util/process.js';
import type { BuildHooks, BuiltImage, MachineRequest, MachineSetup, ProviderContext, VerifySource } from '../provider.js';
import { baseImageDir, ensureBaseImage, type BaseImage } from './base-image.js';
import { debianMirror } from './mirror.js';
import { LocalProvider } from './store.js';

const MEMORY_MB = 1536;
const CPUS = 2;

export class LocalBuildHooks implements BuildHooks {
  private readonly images: LocalProvider;

  constructor(
    cloud: Cloud,
    private readonly context: Pick<ProviderContext, 'baseDir' | 'env'>,
  ) {
    this.images = new LocalProvider(cloud, context);
  }

  async machine(request: MachineRequest): Promise<MachineSetup> {
    const base = await this.baseImage(request);
    const env = this.context.env ?? process.env;
    return {
      files: {
        baseImage: base.disk,
        kernel: base.kernel,
        initrd: base.initrd,
        sshPassword: base.password,
        accelerator: env.IMAGE_BUILDER_ACCELERATOR ?? (kvmUsable() ? 'kvm' : 'tcg'),
        memoryMb: MEMORY_MB,
        cpus: CPUS,
        serialLog: path.join(request.work, 'serial.log'),
      },
      secrets: base.password ? [base.password] : [],
      companions: { vmlinuz: base.kernel, 'initrd.img': base.initrd },
    };
  }

  /** Copies the disk Packer wrote, with its kernel and initrd, into the store (staged, then renamed). */
  async store(built: BuiltImage): Promise<string> {
    const record = await this.images.add(built.record, {
      'image.qcow2': path.join(built.outputDir, 'image.qcow2'),
      ...(built.machine?.companions ?? {}),
    });
    return record.id;
  }

  /** A qcow2 overlay on the stored disk: the verification boot writes to it, never to the image. */
  async verifySource(result: { region: string; name: string }, work: string): Promise<VerifySource> {
    // The folder name is built at run time: a literal path pattern here would be
    // taken by the bundler for an asset to ship when such folders exist at build time.
    const dir = path.join(path.resolve(work), ['overlay', result.name].join('--'));
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    const overlay = path.join(dir, 'overlay.qcow2');
    const disk = path.join(this.images.imageDir(result.region, result.name), 'image.qcow2');
    const made = await runProcess('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', disk, overlay]);
    if (made.code !== 0) throw new Error(`${result.name}: could not create the verification overlay: ${made.tail.join(' ')}`);
    return { source: overlay, release: () => fs.rm(dir, { recursive: true, force: true }) };
  }

  private async baseImage(request: MachineRequest): Promise<BaseImage> {
    const source = request.source as LocalSource;
    const env = this.context.env ?? process.env;
    if (source.image) {
      const disk = path.resolve(this.context.baseDir, source.image);
      const dir = path.dirname(disk);
      const base = {
        dir,
        disk,
        kernel: path.join(dir, 'vmlinuz'),
        initrd: path.join(dir, 'initrd.img'),
        user: 'root',
        password: env.IMAGE_BUILDER_LOCAL_PASSWORD ?? '',
      };
      for (const f of [base.disk, base.kernel, base.initrd])
        if (!existsSync(f)) throw new Error(`${request.name}: the local source image needs ${f}`);
      return base;
    }
    if (request.dryRun) {
      const dir = path.join(request.work, 'dry-run-base');
      await fs.mkdir(dir, { recursive: true });
      for (const f of ['base.qcow2', 'vmlinuz', 'initrd.img']) await fs.writeFile(path.join(dir, f), '');
      return {
        dir,
        disk: path.join(dir, 'base.qcow2'),
        kernel: path.join(dir, 'vmlinuz'),
        initrd: path.join(dir, 'initrd.img'),
        user: 'root',
        password: 'dry-run',
      };
    }
    const suite = source.suite ?? 'bookworm';
    const mirror = debianMirror(source.mirror, env);
    // The Release digest the plan resolved keys the cached base image: a new Release builds a new one (base-image.ts).
    const release = request.resolved?.id;
    const options = { storeRoot: this.images.root, suite, mirror, release, log: request.log };
    // Builds of one source at once in this process (run --parallel) share the one making of its base image.
    const dir = baseImageDir(options);
    let making = MAKING.get(dir);
    if (!making) MAKING.set(dir, (making = ensureBaseImage(options).finally(() => MAKING.delete(dir))));
    return request.group(`base image ${suite}`, () => making);
  }
}

/** The base images being made in this process, by folder. */
const MAKING = new Map<string, Promise<BaseImage>>();

/** KVM only when the CPU offers virtualisation and /dev/kvm opens; else QEMU's TCG emulation. */
export function kvmUsable(): boolean {
  try {
    if (!/\b(vmx|svm)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))) return false;
    closeSync(openSync('/dev/kvm', 'r+'));
    return true;
  } catch {
    return false;
  }
}
