/**
 * The plan's view of the repository's history (plan/changes.ts History):
 * which of an image's files changed since the commit it was built at, and
 * what the topology at that commit gave a recipe's variables. Answers are
 * worked out once per commit; a checkout without the commit (a shallow clone,
 * fetch-depth: 1) answers undefined, and the plan says the detail needs it.
 */
import path from 'node:path';
import { LineCounter } from 'yaml';
import type { History } from '../plan/changes.js';
import { resolveRecipe } from '../topology/index.js';
import type { Topology } from '../topology/model.js';
import { readDocument } from '../topology/document.js';
import { MAX_TOPOLOGY_BYTES } from '../topology/limits.js';
import { COMMIT, git } from '../util/git.js';

interface AtCommit {
  /** Paths (relative to the topology's folder) that differ between the commit and the checkout. */
  changed: Set<string>;
  /** Paths (relative to the topology's folder) the commit holds. */
  held: Set<string>;
}

/** History of the checkout holding `topology` (undefined answers outside a repository). */
export function gitHistory(topology: Pick<Topology, 'dir' | 'file'>): History {
  const dir = topology.dir;
  const commits = new Map<string, AtCommit | undefined>();
  const texts = new Map<string, Record<string, unknown> | undefined>();
  const exists = (commit: string) => COMMIT.test(commit) && git(dir, ['cat-file', '-e', `${commit}^{commit}`]) !== undefined;

  const at = (commit: string): AtCommit | undefined => {
    if (commits.has(commit)) return commits.get(commit);
    let found: AtCommit | undefined;
    if (exists(commit)) {
      // Paths relative to the topology's folder (--relative; ls-tree without --full-name), NUL-separated.
      const diff = git(dir, ['diff', '--name-only', '--no-renames', '--relative', '-z', commit, '--', '.']);
      const tree = git(dir, ['ls-tree', '-r', '--name-only', '-z', commit, '--', '.']);
      if (diff !== undefined && tree !== undefined) found = { changed: new Set(split(diff)), held: new Set(split(tree)) };
    }
    commits.set(commit, found);
    return found;
  };

  const imagesAt = (commit: string): Record<string, unknown> | undefined => {
    if (texts.has(commit)) return texts.get(commit);
    let images: Record<string, unknown> | undefined;
    const file = `./${path.basename(topology.file)}`;
    const text = exists(commit) ? git(dir, ['show', `${commit}:${file}`], { maxBytes: MAX_TOPOLOGY_BYTES }) : undefined;
    if (text !== undefined) {
      try {
        const data = readDocument(text, file, new LineCounter()).toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null;
        const value = data?.images;
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) images = value as Record<string, unknown>;
      } catch {
        images = undefined;
      }
    }
    texts.set(commit, images);
    return images;
  };

  return {
    changedSince(commit, files) {
      const state = at(commit);
      if (!state) return undefined;
      return {
        changed: files.filter((f) => state.changed.has(f) && state.held.has(f)).sort(),
        added: files.filter((f) => !state.held.has(f)).sort(),
      };
    },
    variablesAt(commit, recipe) {
      const images = imagesAt(commit);
      if (!images) return undefined;
      try {
        return resolveRecipe({ images } as unknown as Topology, recipe).variables;
      } catch {
        return undefined;
      }
    },
  };
}

const split = (text: string): string[] => text.split('\0').filter((p) => p.length > 0);
