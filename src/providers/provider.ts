/**
 * The one interface every cloud implements, and the context each is made
 * with. Providers never import commands or the planner; they speak the
 * image model (images/) and plain data.
 */
import type { Cloud, ProviderName } from '../topology/model.js';
import type { ImageRecord } from '../images/index.js';

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
  inUse(image: ImageRecord): Promise<Usage>;
  /** Readies the cloud for a build of this image line, where it needs it (Azure: the gallery image definition). */
  prepareBuild?(line: { image: string; os: string; region: string }): Promise<void>;
}
