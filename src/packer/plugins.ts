/**
 * `packer init` on GitHub runners: plugins download from GitHub, which rate-
 * limits anonymous calls, so the workflow token goes in
 * PACKER_GITHUB_API_TOKEN, and the plugin folder is cached with
 * @actions/cache, keyed on the plugin requirements.
 */
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../util/canonical.js';
import { sha256 } from '../util/hash.js';
import type { Template } from './template.js';

export interface PluginCache {
  dir: string;
  key: string;
}

export function pluginCache(template: Template, env: NodeJS.ProcessEnv = process.env): PluginCache | undefined {
  const plugins = template.packer?.required_plugins;
  if (!plugins) return undefined;
  const dir = env.PACKER_PLUGIN_PATH ?? path.join(env.RUNNER_TOOL_CACHE ?? os.homedir(), '.image-builder-packer-plugins');
  return { dir, key: `image-builder-packer-plugins-${process.platform}-${process.arch}-${sha256(canonicalJson(plugins)).slice(0, 20)}` };
}

/** Restores the cache on GitHub; returns true on an exact hit (nothing to save later). */
export async function restorePlugins(cache: PluginCache, log: (m: string) => void): Promise<boolean> {
  if (!process.env.ACTIONS_RUNTIME_TOKEN) return false;
  try {
    const actionsCache = await import('@actions/cache');
    const hit = await actionsCache.restoreCache([cache.dir], cache.key);
    log(hit ? `packer plugins restored from cache ${hit}` : 'packer plugins: no cache yet');
    return hit === cache.key;
  } catch (error) {
    log(`packer plugins: cache restore failed, downloading instead (${(error as Error).message})`);
    return false;
  }
}

export async function savePlugins(cache: PluginCache, log: (m: string) => void): Promise<void> {
  if (!process.env.ACTIONS_RUNTIME_TOKEN) return;
  try {
    const actionsCache = await import('@actions/cache');
    await actionsCache.saveCache([cache.dir], cache.key);
    log(`packer plugins saved to cache ${cache.key}`);
  } catch (error) {
    log(`packer plugins: cache save skipped (${(error as Error).message})`);
  }
}
