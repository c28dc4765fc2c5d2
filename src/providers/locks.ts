/**
 * The locks of the clouds a command changes (Provider.lock: the local store),
 * taken in cloud-name order so two runs never wait for each other crosswise,
 * and released together.
 */
import type { Provider } from './provider.js';

/** Takes every provider's lock for `command`; resolves to one release for all (each attempted, the first failure rethrown). */
export async function lockAll(providers: Iterable<Provider>, command: string): Promise<() => Promise<void>> {
  const releases: (() => Promise<void>)[] = [];
  const release = async () => {
    let failure: unknown;
    for (const r of releases.splice(0).reverse()) await r().catch((error: unknown) => (failure ??= error));
    if (failure !== undefined) throw failure;
  };
  try {
    for (const provider of [...providers].sort((a, b) => a.cloud.name.localeCompare(b.cloud.name))) {
      const r = await provider.lock?.(command);
      if (r) releases.push(r);
    }
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  return release;
}
