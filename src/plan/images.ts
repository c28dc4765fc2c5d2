/** The topology's images as every command sees them: resolved, filtered by cloud and recipe, fingerprinted and named. */
import { resolveImages } from '../topology/index.js';
import type { Topology } from '../topology/model.js';
import { Fingerprinter } from './fingerprint.js';
import { imageName } from './naming.js';
import { filterImages } from './filter.js';
import type { FingerprintedImage } from './types.js';

/** Cloud and recipe patterns (the `clouds` and `images` inputs): empty selects all. */
export interface ImageSelection {
  clouds: string[];
  images: string[];
}

/** Resolved, filtered images with their fingerprints and names. */
export function fingerprinted(topology: Topology, selection: ImageSelection): FingerprintedImage[] {
  const fingerprinter = new Fingerprinter(topology.dir);
  return filterImages(resolveImages(topology), selection.clouds, selection.images).map((config) => {
    let fingerprint: string;
    try {
      fingerprint = fingerprinter.of(config);
    } catch (error) {
      throw new Error(`image ${config.image}/${config.os} of cloud "${config.cloud}": ${(error as Error).message}`, { cause: error });
    }
    return { ...config, fingerprint, name: imageName(config.provider, config.image, config.os, fingerprint) };
  });
}
