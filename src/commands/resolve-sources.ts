/**
 * What each source names today: one Provider.resolveSource call per (cloud,
 * source) among the planned images, in the cloud's build region (where the
 * build starts from it), all at once up to `concurrency`. A source is named
 * by its os in the topology (`sources.<os>.<provider>`).
 *
 * A failed resolution fails the plan, naming the cloud, the source and where
 * the topology writes it: a build must start from the image the plan names.
 * A provider without resolveSource leaves its sources unresolved (the plan
 * says so; a pinned one is still named).
 */
import { baseKey } from '../plan/planner.js';
import { baseState, unresolvedBase } from '../plan/reasons.js';
import type { BaseState, FingerprintedImage } from '../plan/types.js';
import type { Cloud } from '../topology/model.js';
import { whereIs } from '../topology/where.js';
import type { Provider } from '../providers/provider.js';
import { mapLimit } from '../util/pool.js';

export interface SourceToResolve {
  cloud: Cloud;
  os: string;
  image: FingerprintedImage;
}

/** One entry per (cloud, source) the images use, in the order first met. */
export function sourcesOf(images: FingerprintedImage[]): SourceToResolve[] {
  const seen = new Map<string, SourceToResolve>();
  for (const image of images) {
    const key = baseKey(image.cloud, image.os);
    if (!seen.has(key)) seen.set(key, { cloud: image.target, os: image.os, image });
  }
  return [...seen.values()];
}

/** `baseKey` -> the base image state of every (cloud, source) the images use. */
export async function resolveSources(
  topologyFile: string,
  images: FingerprintedImage[],
  providerOf: (cloud: Cloud) => Promise<Provider>,
  concurrency: number,
): Promise<Record<string, BaseState>> {
  const wanted = sourcesOf(images);
  const states = await mapLimit(wanted, concurrency, async ({ cloud, os, image }): Promise<BaseState> => {
    const provider = await providerOf(cloud);
    if (!provider.resolveSource) return unresolvedBase(image, `the ${cloud.provider} provider does not resolve sources`);
    try {
      const resolved = await provider.resolveSource(cloud.build_region, image.source);
      return baseState({
        id: resolved.id,
        name: resolved.name,
        ...(resolved.created ? { created: resolved.created } : {}),
        pinned: resolved.pinned,
      });
    } catch (error) {
      const where = whereIs(topologyFile, ['sources', os, cloud.provider]);
      // The provider's message says what was asked, where, and what to check.
      throw new Error(`source "${os}" of cloud "${cloud.name}" (${where}, sources.${os}.${cloud.provider}): ${(error as Error).message}`, {
        cause: error,
      });
    }
  });
  return Object.fromEntries(wanted.map((w, k) => [baseKey(w.cloud.name, w.os), states[k]]));
}
