/**
 * Resolution: recipes with their `extends` chain applied, and the list of
 * images (ImageConfig) the topology needs.
 */
import type { BuildSettings, ImageConfig, ProviderSource, Recipe, RecipeSpec, Topology } from './model.js';
import { clonePlain, deepMerge } from './merge.js';

/** The recipe and its ancestors, the recipe itself first. */
function chain(topology: Topology, name: string): string[] {
  const names: string[] = [];
  let cur: string | undefined = name;
  while (cur !== undefined) {
    if (names.includes(cur)) throw new Error(`recipes extend each other in a cycle: ${[...names, cur].join(' -> ')}`);
    if (!Object.prototype.hasOwnProperty.call(topology.images, cur)) {
      const by = names.length > 0 ? ` (extended by "${names[names.length - 1]}")` : '';
      throw new Error(`unknown recipe "${cur}"${by}`);
    }
    names.push(cur);
    cur = topology.images[cur].extends;
  }
  return names;
}

/**
 * A recipe with inheritance applied: each recipe deep-merges over its parent
 * (maps merge, lists replace, scalars override). `lineage` lists the
 * ancestors, nearest parent first.
 */
export function resolveRecipe(topology: Topology, name: string): Recipe {
  const names = chain(topology, name);
  let merged: Record<string, unknown> = {};
  for (const ancestor of [...names].reverse()) {
    const spec: RecipeSpec = topology.images[ancestor];
    const { extends: _parent, ...own } = spec;
    void _parent;
    merged = deepMerge(merged, own as Record<string, unknown>);
  }
  const recipe: Recipe = {
    name,
    playbooks: (merged.playbooks as string[] | undefined) ?? [],
    variables: (merged.variables as Record<string, unknown> | undefined) ?? {},
    build: (merged.build as BuildSettings | undefined) ?? {},
    lineage: names.slice(1),
  };
  if (merged.description !== undefined) recipe.description = merged.description as string;
  if (merged.rebuild_after !== undefined) recipe.rebuild_after = merged.rebuild_after as string;
  if (merged.verify !== undefined) recipe.verify = merged.verify as string | false;
  return recipe;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every image the topology needs: per cloud, one per distinct (recipe, os)
 * its instances use, with the sorted regions that run it. Ordered by cloud
 * (as in the file), then recipe, then os.
 */
export function resolveImages(topology: Topology): ImageConfig[] {
  const recipes = new Map<string, Recipe>();
  const out: ImageConfig[] = [];
  for (const cloud of topology.clouds) {
    const wanted = new Map<string, { image: string; os: string; regions: Set<string> }>();
    for (const [region, { instances }] of Object.entries(cloud.regions)) {
      for (const { image, os } of instances) {
        const key = JSON.stringify([image, os]);
        const entry = wanted.get(key) ?? { image, os, regions: new Set<string>() };
        entry.regions.add(region);
        wanted.set(key, entry);
      }
    }
    const entries = [...wanted.values()].sort((a, b) => compare(a.image, b.image) || compare(a.os, b.os));
    for (const { image, os, regions } of entries) {
      const source = topology.sources[os]?.[cloud.provider] as ProviderSource | undefined;
      if (!source) throw new Error(`os "${os}" has no ${cloud.provider} source (cloud "${cloud.name}")`);
      let recipe = recipes.get(image);
      if (!recipe) {
        recipe = resolveRecipe(topology, image);
        recipes.set(image, recipe);
      }
      out.push({
        cloud: cloud.name,
        provider: cloud.provider,
        image,
        os,
        recipe: clonePlain(recipe),
        source: clonePlain(source),
        regions: [...regions].sort(compare),
        buildRegion: cloud.build_region,
        target: cloud,
      });
    }
  }
  return out;
}
