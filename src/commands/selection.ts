/**
 * The `clouds` and `images` inputs must each name something of the topology:
 * a pattern that matches nothing is a typo more often than a wish to do
 * nothing, so it stops the command (a usage error), with a suggestion.
 */
import { loadTopology, resolveImages } from '../topology/index.js';
import { quoteList, suggest } from '../topology/suggest.js';
import { filterImages, matcher } from '../plan/filter.js';
import type { Inputs } from '../io/inputs.js';
import { UsageError } from '../io/usage.js';

/**
 * Throws a UsageError when a pattern of `clouds` or `images` matches no
 * cloud or recipe of the topology, or (`wholeImages`) when together they
 * select no image the topology's instances use. Lifecycle passes false: a
 * retired recipe has no instances left, and its images are what it removes.
 */
export async function checkSelection(inputs: Pick<Inputs, 'topology' | 'clouds' | 'images'>, wholeImages: boolean): Promise<void> {
  if (inputs.clouds.length === 0 && inputs.images.length === 0) return;
  const topology = await loadTopology(inputs.topology);
  const clouds = topology.clouds.map((c) => c.name);
  const recipes = [...new Set([...Object.keys(topology.images), ...topology.lifecycle.retired])].sort();
  const problems = [
    ...unmatched('clouds', 'cloud', inputs.clouds, clouds, inputs.topology),
    ...unmatched('images', 'recipe', inputs.images, recipes, inputs.topology),
  ];
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  if (wholeImages && filterImages(resolveImages(topology), inputs.clouds, inputs.images).length === 0) {
    throw new UsageError(
      `no image of ${inputs.topology} is both in clouds [${inputs.clouds.join(', ')}] and of recipes [${inputs.images.join(', ')}]: ` +
        'no instance of those clouds uses those recipes',
    );
  }
}

function unmatched(input: string, what: string, patterns: string[], names: string[], file: string): string[] {
  return patterns
    .filter((p) => !names.some(matcher([p])))
    .map((p) => {
      const near = p.includes('*') ? undefined : suggest(p, names);
      const hint = near ? `did you mean "${near}"?` : `its ${what}s: ${quoteList(names)}`;
      return `${input} "${p}" matches no ${what} of ${file} — ${hint}`;
    });
}
