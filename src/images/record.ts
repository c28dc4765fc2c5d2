/**
 * The image model every layer shares: one image in one region as a cloud
 * reports it, its state, its channel and its verification verdict. Plain
 * data; providers translate their clouds' answers into it.
 */

export type ImageState = 'pending' | 'available' | 'failed' | 'deprecated';
/** gold = current; outdated = previous gold; candidate = built, not promoted yet. */
export type Channel = 'candidate' | 'gold' | 'outdated';
export type Verdict = 'passed' | 'failed' | 'unverified';

/** One image in one region, as a cloud reports it. */
export interface ImageRecord {
  /** The cloud's id: AMI id, GCP image name, Azure resource id, local store key. */
  id: string;
  name: string;
  cloud: string;
  region: string;
  fingerprint: string;
  /** The recipe this image was built from. */
  image: string;
  os: string;
  state: ImageState;
  channel: Channel;
  verified: Verdict;
  /** ISO 8601. */
  createdAt: string;
  source?: string;
  /** When the image was deactivated because its line is retired (ISO 8601; tag ib-retired-at). */
  retiredAt?: string;
  /**
   * What the image was built from in full (plan/inputs.ts ImageInputs), where
   * the store can keep more than tags (the local store's metadata.json).
   * Read as untrusted data: the plan checks its shape.
   */
  inputs?: unknown;
  /** Every tag/label as the cloud holds it. */
  tags: Record<string, string>;
}
