/**
 * The validated topology and the image configs resolved from it.
 * Plain data only: this module imports nothing of ours.
 */

export const PROVIDERS = ['aws', 'gcp', 'azure', 'local', 'openstack'] as const;

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
  /** The verify playbook, or `false`: the recipe's images are not verified (see Recipe.verify). */
  verify?: string | false;
  build?: BuildSettings;
  /** A duration (`30d`, see duration.ts): rebuild once the newest image is older. */
  rebuild_after?: string;
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
  /**
   * The verify playbook, as written (undefined: the bundled verify.yml), or
   * `false`: verification is off, so the images stay unverified and are
   * distributed and promoted as they are.
   */
  verify?: string | false;
  build: BuildSettings;
  /** As written or inherited (undefined: the lifecycle default applies). Not part of the fingerprint. */
  rebuild_after?: string;
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

/**
 * OpenStack: the image is built on this host as a local one (suite or
 * image), then uploaded to Glance, in `disk_format` (qcow2, or raw converted
 * with qemu-img), with os_distro/os_version and `properties` (hw_*...).
 */
export interface OpenStackSource extends LocalSource {
  disk_format?: 'qcow2' | 'raw';
  os_distro?: string;
  os_version?: string;
  properties?: Record<string, string>;
}

export interface SourceSpec {
  aws?: AwsSource;
  gcp?: GcpSource;
  azure?: AzureSource;
  local?: LocalSource;
  openstack?: OpenStackSource;
}
export type ProviderSource = AwsSource | GcpSource | AzureSource | LocalSource | OpenStackSource;

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
  /** Account ids (AWS), principals (GCP), tenant/subscription ids (Azure), or project ids (OpenStack: image members; public: community visibility). */
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
  /** Local store folder, relative to the topology file's folder (openstack: where local builds cache their base images). */
  store?: string;
  /** OpenStack: the entry of clouds.yaml (default: OS_CLOUD, else the OS_* variables). */
  cloud?: string;
  /** OpenStack: `gold-prefix` names the gold image "GOLD <name>" and the previous one "Outdated <name>" (NREC style). */
  naming?: 'gold-prefix';
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
  /** The default of every recipe's rebuild_after. */
  rebuild_after?: string;
  /**
   * How long a retired line's images stay deactivated (unbootable) before
   * they are deleted, where the cloud can deactivate (OpenStack); unset: 7d
   * (duration.ts retiredWindow); `never`: deactivated, never deleted.
   */
  delete_retired_after?: string;
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
