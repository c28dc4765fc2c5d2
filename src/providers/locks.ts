/**
 * The locks of the clouds a command changes, taken in cloud-name order so two
 * runs never wait for each other crosswise, and released together.
 *
 * A provider with a lock of its own (the local store: a file in the store)
 * takes that. A cloud (AWS, GCP, Azure) has no place both runs can see, so
 * its lock is a host lock: a lock file per (provider, account, cloud) in
 * IMAGE_BUILDER_LOCK_DIR (default: <tmp>/image-builder-locks), which keeps
 * two runs on one build host (cron, a terminal) apart. Runs on different
 * GitHub runners are kept apart by the reusable workflow's concurrency group
 * (one run per repository and topology).
 */
import os from 'node:os';
import path from 'node:path';
import type { Cloud } from '../topology/model.js';
import { lockStore } from './local/lock.js';
import type { Provider } from './provider.js';

export const LOCK_DIR_ENV = 'IMAGE_BUILDER_LOCK_DIR';

export interface LockAllOptions {
  log?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
}

/** The folder of a cloud's host lock: one per provider, account (project, subscription) and cloud name. */
export function hostLockDir(cloud: Cloud, env: NodeJS.ProcessEnv = process.env): string {
  const account = cloud.account ?? cloud.project ?? cloud.subscription ?? 'default';
  const id = [cloud.provider, account, cloud.name].join('--').replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(env[LOCK_DIR_ENV] || path.join(os.tmpdir(), 'image-builder-locks'), id);
}

/** Takes every provider's lock for `command`; resolves to one release for all (each attempted, the first failure rethrown). */
export async function lockAll(providers: Iterable<Provider>, command: string, options: LockAllOptions = {}): Promise<() => Promise<void>> {
  const releases: (() => Promise<void>)[] = [];
  const release = async () => {
    let failure: unknown;
    for (const r of releases.splice(0).reverse()) await r().catch((error: unknown) => (failure ??= error));
    if (failure !== undefined) throw failure;
  };
  try {
    for (const provider of [...providers].sort((a, b) => a.cloud.name.localeCompare(b.cloud.name))) {
      const r = provider.lock
        ? await provider.lock(command)
        : await lockStore({
            root: hostLockDir(provider.cloud, options.env),
            label: `cloud "${provider.cloud.name}" (this host's lock ${hostLockDir(provider.cloud, options.env)})`,
            command,
            log: options.log ?? (() => undefined),
            env: options.env,
            sleep: options.sleep,
          });
      if (r) releases.push(r);
    }
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  return release;
}
