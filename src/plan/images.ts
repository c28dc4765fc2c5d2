/** The topology's images as every command sees them: resolved, filtered by cloud and recipe, fingerprinted, named and owned. */
import { resolveImages } from '../topology/index.js';
import type { Topology } from '../topology/model.js';
import { topologyOwner, type Owner } from '../topology/owner.js';
import { Fingerprinter, fingerprint as fingerprintOf, type FingerprintInput } from './fingerprint.js';
import { imageName } from './naming.js';
import { filterImages } from './filter.js';
import { imageInputs } from './inputs.js';
import type { FingerprintedImage } from './types.js';

/** Cloud and recipe patterns (the `clouds` and `images` inputs): empty selects all. */
export interface ImageSelection {
  clouds: string[];
  images: string[];
}

const owners = new WeakMap<Topology, Owner>();

/**
 * The owner of a loaded topology's images (topology/owner.ts), derived once
 * per loaded topology: fingerprinting, the inventory and lifecycle all ask.
 */
export function ownerOf(topology: Topology): Owner {
  let owner = owners.get(topology);
  if (!owner) owners.set(topology, (owner = topologyOwner(topology)));
  return owner;
}

/**
 * Resolved, filtered images with their fingerprints, names and owner, the
 * components of their fingerprints (plan/inputs.ts) and their rebuild_after
 * (the recipe's, else the lifecycle default). The owner is who may touch an
 * image, not what is in it: it stays out of the fingerprint, so images keep
 * their fingerprints when the owner is set or changes; so does rebuild_after.
 */
export function fingerprinted(topology: Topology, selection: ImageSelection): FingerprintedImage[] {
  const fingerprinter = new Fingerprinter(topology.dir);
  const owner = ownerOf(topology).value;
  return filterImages(resolveImages(topology), selection.clouds, selection.images).map((config) => {
    let input: FingerprintInput;
    try {
      input = fingerprinter.input(config);
    } catch (error) {
      throw new Error(`image ${config.image}/${config.os} of cloud "${config.cloud}": ${(error as Error).message}`, { cause: error });
    }
    const fingerprint = fingerprintOf(input);
    const rebuildAfter = config.recipe.rebuild_after ?? topology.lifecycle.rebuild_after;
    return {
      ...config,
      fingerprint,
      name: imageName(config.provider, config.image, config.os, fingerprint),
      owner,
      inputs: imageInputs(input),
      ...(rebuildAfter !== undefined ? { rebuildAfter } : {}),
    };
  });
}
