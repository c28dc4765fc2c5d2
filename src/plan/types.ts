/** The plan: what to build, copy and retire. Plain JSON, written as the plan file. */
import type { ImageConfig, ProviderName } from '../topology/model.js';
import type { ImageRecord } from '../images/index.js';

/** An ImageConfig with its identity settled. */
export interface FingerprintedImage extends ImageConfig {
  fingerprint: string;
  name: string;
  /** The topology's owner, written as `ib-owner` (not part of the fingerprint: see plan/images.ts). */
  owner: string;
  /** The components of its fingerprint (plan/inputs.ts), compared with what an existing image records. */
  inputs?: ImageInputs;
  /** The recipe's rebuild_after, else the lifecycle default (a duration, topology/duration.ts). */
  rebuildAfter?: string;
  /** The concrete upstream image the plan resolved its source to (build and verify: from the cell). */
  resolved?: ResolvedBase;
}

/**
 * The fingerprint's input split into components, each with a short digest,
 * written on every image (tags: images/tags.ts; in full: the manifest inside
 * the image and the local store's metadata) so a plan can say what changed.
 */
export interface ImageInputs {
  digests: { source: string; variables: string; files: string; recipe: string };
  /** The template version (plan/fingerprint.ts TEMPLATE_VERSION). */
  template: string;
  /** Variable key -> digest of its value. */
  variables: Record<string, string>;
  /** File key (FingerprintInput.files) -> sha256 of its bytes. */
  files: Record<string, string>;
}

/**
 * The concrete upstream image a source resolved to at plan time: the shape
 * of providers/provider.ts ResolvedSource (plan/ does not import providers).
 */
export interface ResolvedBase {
  id: string;
  name: string;
  /** When the upstream published it (ISO 8601), when the cloud says. */
  created?: string;
  /** The source names an exact image (AWS ami, GCP image, an Azure version other than latest): it never moves. */
  pinned: boolean;
}

/** What the plan knows of the base image of a (cloud, source): resolved, pinned, or not resolved and why. */
export interface BaseState {
  state: 'resolved' | 'pinned' | 'unresolved';
  resolved?: ResolvedBase;
  /** Unresolved: why (an offline plan, a provider that cannot resolve). */
  why?: string;
  /** One line for people. */
  text: string;
}

/** An upstream image as a reason names it. */
export interface BaseImage {
  id: string;
  name?: string;
  created?: string;
}

/** One changed component of the inputs, since the image compared against. */
export interface InputChange {
  component: 'files' | 'variables' | 'recipe' | 'source' | 'base' | 'template' | 'unknown';
  /** One line for people. */
  text: string;
  /** files: paths; variables: keys. Lists hold at most REASON_LIST_MAX entries (plan/reasons.ts), `more` counts the rest. */
  added?: string[];
  removed?: string[];
  changed?: string[];
  more?: number;
  /** source, template: as written before and now; base: the upstream images. */
  from?: string | BaseImage;
  to?: string | BaseImage;
}

/**
 * Why an image is built: its line has no image yet (`new`), its inputs
 * changed since the newest image of the line (`inputs`), the base image moved
 * (`base-moved`), the newest image is older than rebuild_after (`age`), the
 * plan was forced (`forced`), or the plan is offline (`offline`: nothing
 * could be compared).
 */
export interface Reason {
  kind: 'new' | 'inputs' | 'base-moved' | 'age' | 'forced' | 'offline';
  /** One line for people. */
  text: string;
  /** The image compared against (inputs, base-moved, age). */
  since?: string;
  changes?: InputChange[];
  from?: BaseImage;
  to?: BaseImage;
  /** age: when the newest image was built, and the setting. */
  builtAt?: string;
  rebuildAfter?: string;
}

/** What one cloud holds, per region (a global-scope cloud lists the same images in every region). */
export interface CloudInventory {
  provider: ProviderName;
  scope: 'region' | 'global';
  regions: Record<string, ImageRecord[]>;
}

/** What names one image everywhere: matrix cells, copies, results, reports. */
export interface ImageIdentity {
  cloud: string;
  provider: ProviderName;
  /** The recipe. */
  image: string;
  os: string;
  fingerprint: string;
  name: string;
}

/** One matrix cell: one image to build. */
export interface BuildCell extends ImageIdentity {
  /** The build region. */
  region: string;
  /** Every region that needs the image (the distribute job copies to the others). */
  regions: string[];
  /** The upstream image to build on, as the plan resolved it: the build uses exactly this one. */
  resolved?: ResolvedBase;
  /** Why it is built, in one line (the plan file's PlannedImage has the structured reasons). */
  why?: string;
}

export interface CopyTask extends ImageIdentity {
  from: string;
  to: string;
  /** The source does not exist yet: it is built first, in `from`. */
  afterBuild: boolean;
  /** The source image's id in `from`, when it exists already. */
  sourceId?: string;
}

export interface Retirement extends ImageIdentity {
  region: string;
  id: string;
  channel: string;
}

export type ImageStatus = 'build' | 'copy' | 'current';

export interface PlannedImage extends ImageIdentity {
  buildRegion: string;
  regions: string[];
  /** Regions already holding the current build of this fingerprint (plan/holders.ts). */
  present: string[];
  status: ImageStatus;
  /** Why it is built (status build); empty otherwise. */
  reasons: Reason[];
  /** The reasons in one line ('' when not built). */
  why: string;
  /** Its base image: resolved, pinned or not resolved. */
  base: BaseState;
  /** The newest image of its line, which the reasons compare against. */
  newest?: string;
}

export interface Plan {
  version: 1;
  topology: string;
  offline: boolean;
  images: PlannedImage[];
  builds: BuildCell[];
  copies: CopyTask[];
  retirements: Retirement[];
  /** Things the user should know (global images, failed verifications...). */
  notes: string[];
}
