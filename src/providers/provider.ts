/**
 * The one interface every cloud implements, and the context each is made
 * with. Providers never import commands or the planner; they speak the
 * image model (images/) and plain data.
 */
import type { Cloud, ProviderName, ProviderSource } from '../topology/model.js';
import type { ImageRecord } from '../images/index.js';
import type { CopyProgress } from './copy-wait.js';

export interface ProviderContext {
  /** Folder of the topology file: the local store path is relative to it. */
  baseDir: string;
  /** Environment to read endpoints and credentials from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** GCP: a ready OAuth access token (input gcp-access-token). */
  gcpAccessToken?: string;
  /** Azure: AzureCloud | AzureChinaCloud | AzureUSGovernment. */
  azureCloud?: string;
  /** Injectable sleep for retries and polling (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
  /** Log sink for retries and progress (default: none). */
  log?: (message: string) => void;
  /** Hides a secret (token, key) from every later log line. */
  mask?: (secret: string) => void;
}

export interface CopyOptions {
  /** Wait until the copy is available (default false: return the pending copy). */
  wait?: boolean;
  encrypted?: boolean;
  kmsKeyId?: string;
  /** With wait: give up after this long (the copy goes on in the cloud; see copy-wait.ts). */
  timeoutMs?: number;
  /** With wait: called at every look at the pending copy. */
  onProgress?: (progress: CopyProgress) => void;
}

export interface ShareOptions {
  accounts: string[];
  public: boolean;
}

export interface DeprecateOptions {
  /** The image that replaces this one (GCP deprecate.replacement). */
  replacement?: ImageRecord;
  /** When the deprecation takes effect (AWS DeprecateAt, Azure endOfLifeDate). */
  at?: Date;
}

/** What `inUse` found referencing an image: instance ids, templates, scale sets. */
export interface Usage {
  inUse: boolean;
  references: string[];
}

export interface Provider {
  readonly provider: ProviderName;
  readonly cloud: Cloud;
  /**
   * `region`: one inventory call per region; `global`: images are global
   * (GCP), one call per project serves every region and copies are no-ops.
   */
  readonly scope: 'region' | 'global';
  /** Every image this tool made in `region`, paginated to the end. */
  inventory(region: string): Promise<ImageRecord[]>;
  /** Start (or, with wait, finish) a copy of `image` into `region`. */
  copy(image: ImageRecord, region: string, options?: CopyOptions): Promise<ImageRecord>;
  /** Add or replace tags on the image (and its snapshots, where it has any). */
  tag(image: ImageRecord, tags: Record<string, string>): Promise<void>;
  share(image: ImageRecord, options: ShareOptions): Promise<void>;
  deprecate(image: ImageRecord, options?: DeprecateOptions): Promise<void>;
  /** Delete the image (and its snapshots); resolves when it is gone. */
  remove(image: ImageRecord): Promise<void>;
  /**
   * Makes the image unbootable for new servers and records `at` as when (tag
   * ib-retired-at; the inventory reads it back as `retiredAt`), so a retired
   * line is deleted only after lifecycle.delete_retired_after. One already
   * unbootable just gets the time. Without it, retired images are removed at once.
   */
  deactivate?(image: ImageRecord, at: Date): Promise<void>;
  inUse(image: ImageRecord): Promise<Usage>;
  /** Where two runs could change the same images at once (local: one store), takes a lock for `command`; resolves to its release. */
  lock?(command: string): Promise<() => Promise<void>>;
  /** Makes the new gold image what consumers resolve (GCP: its family; Azure: `versions/latest`); called right after the gold tag. */
  promote?(image: ImageRecord): Promise<void>;
  /** Readies the cloud for a build of this image line, where it needs it (Azure: the gallery image definition). */
  prepareBuild?(line: BuildLine): Promise<void>;
  /** What the Packer template needs from the cloud before a real build or verification (GCP: the zone, providers/gcp/zones.ts). */
  buildSettings?(line: BuildLine): Promise<BuildSettings>;
  /**
   * The concrete upstream image a source names today, looked up in `region`
   * (AWS: the newest AMI of owner + name pattern; GCP: the family's image;
   * Azure: the newest marketplace version when `version: latest`; local: the
   * suite's Release file on the mirror). A source that names an exact image
   * resolves to it with `pinned: true`.
   */
  resolveSource?(region: string, source: ProviderSource): Promise<ResolvedSource>;
}

/** What a source resolved to at plan time: it goes into the fingerprint, the image's tags and the build. */
export interface ResolvedSource {
  /** The exact image: AMI id, GCP image selfLink name, Azure version, local Release digest. */
  id: string;
  /** Its human name (AMI name, GCP image name, publisher:offer:sku:version, suite + date). */
  name: string;
  /** When the upstream published it (ISO 8601), when the cloud says. */
  created?: string;
  /** The source named an exact image: it never moves. */
  pinned: boolean;
}

/** The image line a build is for, with the source image the plan resolved (the build boots exactly that one). */
export interface BuildLine {
  image: string;
  os: string;
  region: string;
  source?: ProviderSource;
  resolved?: ResolvedSource;
}

/** What the cloud says the template needs: the build zone (GCP), facts of the source image merged into it (AWS: root_device_name). */
export interface BuildSettings {
  zone?: string;
  source?: Record<string, string>;
}

/** The machine Packer boots for a provider that builds on this host (local: QEMU). */
export interface MachineFiles {
  baseImage: string;
  kernel: string;
  initrd: string;
  sshPassword: string;
  accelerator: string;
  memoryMb: number;
  cpus: number;
  serialLog: string;
}

export interface MachineRequest {
  /** The image's name (for messages) and its source as the topology gives it. */
  name: string;
  source: Record<string, unknown>;
  /** The source image the plan resolved (local: the suite's Release digest, which keys the base image). */
  resolved?: ResolvedSource;
  /** The job's work folder (the serial log, dry-run stand-ins). */
  work: string;
  dryRun: boolean;
  log: (line: string) => void;
  group: <T>(title: string, fn: () => Promise<T>) => Promise<T>;
}

export interface MachineSetup {
  files: MachineFiles;
  /** Secrets to mask in every later log line. */
  secrets: string[];
  /** Files kept beside the built disk (basename -> path): the kernel and initrd it boots with. */
  companions: Record<string, string>;
}

/** A built image as Packer left it: its record fields, and the folder Packer wrote its output to. */
export interface BuiltImage {
  record: Omit<ImageRecord, 'id'>;
  /** The image id from Packer's manifest. */
  artifactId: string;
  outputDir: string;
  machine?: MachineSetup;
}

/** What verification boots, and how to let it go afterwards. */
export interface VerifySource {
  /** The image id, name or disk path the verify template boots. */
  source: string;
  release(): Promise<void>;
}

/**
 * How a provider's images are built and booted, where Packer's builder for
 * the cloud is not the whole story. Cloud providers need none of it (Packer
 * creates the image in the cloud, verification boots the image id); the
 * local provider prepares the QEMU machine, takes the disk into its store and
 * boots verification on a throwaway overlay. Made without credentials, so a
 * dry run needs no cloud login.
 */
export interface BuildHooks {
  /** The machine Packer boots (local: base disk, kernel, initrd, accelerator). */
  machine?(request: MachineRequest): Promise<MachineSetup>;
  /** Takes the built image where it is kept; returns its id. Default: Packer's artifact id. */
  store?(built: BuiltImage): Promise<string>;
  /** What verification boots for this result. Default: the image id, nothing to release. */
  verifySource?(result: { region: string; name: string; imageId: string }, work: string): Promise<VerifySource>;
}
