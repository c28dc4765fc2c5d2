/** The plan: what to build, copy and retire. Plain JSON, written as the plan file. */
import type { ImageConfig, ProviderName } from '../topology/model.js';
import type { ImageRecord } from '../images/index.js';

/** An ImageConfig with its identity settled. */
export interface FingerprintedImage extends ImageConfig {
  fingerprint: string;
  name: string;
  /** The topology's owner, written as `ib-owner` (not part of the fingerprint: see plan/images.ts). */
  owner: string;
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
  /** Regions already holding an image with this fingerprint. */
  present: string[];
  status: ImageStatus;
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
