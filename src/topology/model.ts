/**
 * The validated topology and the image configs resolved from it.
 * Plain data only: this module imports nothing of ours.
 */

export const PROVIDERS = ['aws', 'gcp', 'azure', 'local'] as const;

/** Where a local cloud keeps its images when the topology names no `store` (relative to topology.yml). */
export const DEFAULT_STORE = '.images';
export type ProviderName = (typeof PROVIDERS)[number];

/** Where a value came from in topology.yml (1-based line and column). */
export interface Position {
  file: string;
  line: number;
  col: number;
}

/** A recipe as written, before `extends` is applied. */
export interface RecipeSpec {
  extends?: string;
  description?: string;
  playbooks?: string[];
  variables?: Record<string, unknown>;
  verify?: string;
  build?: BuildSettings;
}

/** Per-recipe build knobs handed to the Packer source (all optional). */
export interface BuildSettings {
  instance_type?: string;
  disk_size_gb?: number;
  ssh_username?: string;
}

/** A recipe after inheritance: every field settled. */
export interface Recipe {
  name: string;
  description?: string;
  /** Paths relative to the topology file's folder, as written. */
  playbooks: string[];
  variables: Record<string, unknown>;
  verify?: string;
  build: BuildSettings;
  /** The chain of recipes it inherits from, nearest first. */
  lineage: string[];
}

export interface AwsSource {
  owner?: string;
  name?: string;
  ami?: string;
  ssh_username?: string;
  /** The source AMI's root device (default: read from the AMI at build time; /dev/xvda in a dry run). */
  root_device_name?: string;
}
export interface GcpSource {
  project?: string;
  family?: string;
  image?: string;
  ssh_username?: string;
}
export interface AzureSource {
  publisher: string;
  offer: string;
  sku: string;
  version?: string;
  ssh_username?: string;
}
export interface LocalSource {
  suite?: string;
  mirror?: string;
  image?: string;
  ssh_username?: string;
}

export interface SourceSpec {
  aws?: AwsSource;
  gcp?: GcpSource;
  azure?: AzureSource;
  local?: LocalSource;
}
export type ProviderSource = AwsSource | GcpSource | AzureSource | LocalSource;

export interface Instance {
  name: string;
  image: string;
  os: string;
  count: number;
}

export interface Region {
  instances: Instance[];
}

export interface Sharing {
  /** Account ids (AWS), principals (GCP), or tenant/subscription ids (Azure). */
  accounts: string[];
  public: boolean;
}

export interface Cloud {
  name: string;
  provider: ProviderName;
  /** AWS account id. */
  account?: string;
  /** GCP project id. */
  project?: string;
  /** GCP zone used for builds (default: a zone of the build region that is UP, asked at build time). */
  zone?: string;
  /** Azure subscription id, resource group and Compute Gallery. */
  subscription?: string;
  resource_group?: string;
  gallery?: string;
  /** Local store folder, relative to the topology file's folder. */
  store?: string;
  /** AWS KMS key for encrypted copies. */
  kms_key_id?: string;
  /** AWS KMS key per destination region (overrides kms_key_id there): KMS keys are regional. */
  kms_key_ids?: Record<string, string>;
  build_region: string;
  regions: Record<string, Region>;
  share: Sharing;
}

export interface Lifecycle {
  keep: number;
  retired: string[];
}

export interface Topology {
  version: 1;
  /** Absolute path of the topology file. */
  file: string;
  /** Absolute path of the folder holding it (playbook paths are relative to it). */
  dir: string;
  images: Record<string, RecipeSpec>;
  sources: Record<string, SourceSpec>;
  clouds: Cloud[];
  lifecycle: Lifecycle;
  /**
   * Who owns the images, as written (`ib-owner`); without it the owner is
   * derived from the repository and the topology's path (owner.ts).
   */
  namespace?: string;
  /** Cloud names whose images without `ib-owner` count as this topology's (and get its owner from lifecycle). */
  adopt?: string[];
}

/**
 * One image to exist: a (cloud, recipe, os) with the regions that need it.
 * Its `fingerprint` and `name` are added by the fingerprinting step
 * (`fingerprinted()`, which makes a FingerprintedImage of it).
 */
export interface ImageConfig {
  cloud: string;
  provider: ProviderName;
  image: string;
  os: string;
  recipe: Recipe;
  source: ProviderSource;
  /** Every region that runs an instance of this image, sorted. */
  regions: string[];
  buildRegion: string;
  /** The whole cloud entry (account, project, store, sharing...). */
  target: Cloud;
}
