/**
 * Checks on recipes that the schema cannot make: `extends` targets and
 * cycles, playbook and verify files on disk (or built in), playbooks of used recipes.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { MAX_EXTENDS_CHAIN } from './limits.js';
import { builtinName, bundledPlaybooks, checkBuiltin } from './builtin.js';
import { outsideRepository } from './paths.js';
import { asList, asMap, asName, has, type RawMap, type Report } from './raw.js';
import { didYouMean, quoteList } from './suggest.js';

/** The parent a recipe extends, when that parent exists. */
function parentOf(images: RawMap, name: string): string | undefined {
  const parent = asName(asMap(images[name])?.extends);
  return parent !== undefined && has(images, parent) ? parent : undefined;
}

export function checkExtends(images: RawMap, report: Report): void {
  const names = Object.keys(images);
  for (const name of names) {
    const wanted = asName(asMap(images[name])?.extends);
    if (wanted === undefined) continue;
    const path = ['images', name, 'extends'];
    if (wanted === name) {
      report(path, `recipe "${name}" extends itself`, `remove "extends: ${name}", or name the recipe to build on`);
    } else if (!has(images, wanted)) {
      const others = names.filter((n) => n !== name);
      report(
        path,
        `recipe "${name}" extends unknown recipe "${wanted}"`,
        didYouMean(wanted, others, 'recipes', 'add that recipe under images'),
      );
    }
  }
  const cyclic = reportCycles(images, names, report);
  reportLongChains(images, names, cyclic, report);
}

/**
 * Recipes that extend each other in a cycle: one problem per cycle, at the
 * member that comes first in the file. Linear: each recipe has at most one
 * parent, so every chain is followed once.
 */
function reportCycles(images: RawMap, names: string[], report: Report): Set<string> {
  const cyclic = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const order = new Map(names.map((n, i) => [n, i]));
  for (const start of names) {
    const path: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && !state.has(cur)) {
      state.set(cur, 'open');
      path.push(cur);
      cur = parentOf(images, cur);
    }
    if (cur !== undefined && state.get(cur) === 'open') {
      const members = path.slice(path.indexOf(cur));
      for (const m of members) cyclic.add(m);
      if (members.length >= 2) {
        const first = members.reduce((a, b) => ((order.get(a) ?? 0) <= (order.get(b) ?? 0) ? a : b));
        const at = members.indexOf(first);
        const cycle = [...members.slice(at), ...members.slice(0, at)];
        report(
          ['images', first, 'extends'],
          `recipes extend each other in a cycle: ${[...cycle, first].join(' -> ')}`,
          `remove "extends" from one of ${quoteList(cycle)}`,
        );
      }
    }
    for (const n of path) state.set(n, 'done');
  }
  return cyclic;
}

/** A chain of extends longer than MAX_EXTENDS_CHAIN: one problem, at the recipe that makes it too long. */
function reportLongChains(images: RawMap, names: string[], cyclic: Set<string>, report: Report): void {
  const length = new Map<string, number>();
  for (const start of names) {
    const path: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && !length.has(cur) && !cyclic.has(cur)) {
      path.push(cur);
      cur = parentOf(images, cur);
    }
    let n = cur === undefined ? 0 : (length.get(cur) ?? Number.NaN);
    for (let i = path.length - 1; i >= 0; i--) {
      n += 1;
      length.set(path[i], n);
      if (n === MAX_EXTENDS_CHAIN + 1) {
        report(
          ['images', path[i], 'extends'],
          `recipe "${path[i]}" is recipe number ${n} in one chain of extends, more than the ${MAX_EXTENDS_CHAIN} allowed`,
          'build on a recipe nearer the top of the chain, or merge recipes that add little',
        );
      }
    }
  }
}

function checkFile(dir: string, root: string, rel: string, path: (string | number)[], what: string, report: Report): void {
  const outside = outsideRepository(rel, dir, root, what);
  if (outside) {
    report(path, outside.message, outside.hint);
    return;
  }
  const abs = resolve(dir, rel);
  let isFile: boolean;
  try {
    isFile = statSync(abs).isFile();
  } catch {
    report(path, `${what} "${rel}" not found`, missingFileHint(dir, abs));
    return;
  }
  if (!isFile) report(path, `${what} "${rel}" is not a file`, 'name the playbook file itself, e.g. playbooks/provision.yml');
}

function missingFileHint(dir: string, abs: string): string {
  let siblings: string[] = [];
  try {
    siblings = readdirSync(dirname(abs));
  } catch {
    // the folder is missing too: no suggestion
  }
  const close = didYouMean(basename(abs), siblings, 'files', '');
  if (close.startsWith('did you mean')) {
    const name = close.slice('did you mean "'.length, -2);
    return `did you mean "${relative(dir, join(dirname(abs), name))}"?`;
  }
  return `paths are relative to the topology file's folder; looked for ${abs}`;
}

/**
 * Every playbook and verify entry must name a built-in playbook
 * (`builtin:NAME`, builtin.ts) or a file inside the repository (paths.ts).
 */
export function checkRecipeFiles(images: RawMap, dir: string, root: string, report: Report): void {
  let bundled: string | undefined;
  const bundledDir = (): string => (bundled ??= bundledPlaybooks());
  const check = (entry: string, at: (string | number)[], what: string): void => {
    if (builtinName(entry) !== undefined) checkBuiltin(entry, at, what, bundledDir, report);
    else checkFile(dir, root, entry, at, what, report);
  };
  for (const [name, value] of Object.entries(images)) {
    const spec = asMap(value);
    if (!spec) continue;
    (asList(spec.playbooks) ?? []).forEach((item, i) => {
      const rel = asName(item);
      if (rel !== undefined) check(rel, ['images', name, 'playbooks', i], 'playbook');
    });
    const verify = asName(spec.verify);
    if (verify !== undefined) check(verify, ['images', name, 'verify'], 'verify playbook');
  }
}

/**
 * The playbooks a recipe ends up with: its own, else the nearest ancestor's.
 * `broken` when the chain hits an unknown parent, a cycle or a malformed
 * recipe (those are reported on their own).
 */
function inheritedPlaybooks(images: RawMap, name: string): { list?: unknown[]; broken: boolean } {
  const seen = new Set<string>();
  let cur: string | undefined = name;
  while (cur !== undefined) {
    if (seen.has(cur)) return { broken: true };
    seen.add(cur);
    const spec = asMap(images[cur]);
    if (!spec) return { broken: true };
    if (spec.playbooks !== undefined) {
      const list = asList(spec.playbooks);
      return list ? { list, broken: false } : { broken: true };
    }
    const wanted = asName(spec.extends);
    if (wanted !== undefined && !has(images, wanted)) return { broken: true };
    cur = wanted;
  }
  return { broken: false };
}

/** A recipe that instances use must end up with at least one playbook. */
export function checkUsedPlaybooks(images: RawMap, used: Map<string, string>, report: Report): void {
  for (const [name, where] of used) {
    const spec = asMap(images[name]);
    if (!spec) continue;
    const { list, broken } = inheritedPlaybooks(images, name);
    if (broken || (list && list.length > 0)) continue;
    const path = Array.isArray(spec.playbooks) ? ['images', name, 'playbooks'] : ['images', name];
    report(
      path,
      `recipe "${name}" has no playbooks (none of its own nor inherited), but ${where} uses it`,
      'add playbooks: [builtin:provision.yml] (the bundled provisioning) or your own, or extend a recipe that has some',
    );
  }
}

/** Recipe and OS names go into image names, GCP labels and Azure definitions, which are lowercase. */
export const ITEM_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

export function checkNames(data: RawMap, report: Report): void {
  for (const [section, what] of [
    ['images', 'recipe'],
    ['sources', 'OS'],
  ] as const) {
    const map = asMap(data[section]);
    if (!map) continue;
    for (const name of Object.keys(map)) {
      if (ITEM_NAME.test(name)) continue;
      const suggestion = name
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^[^a-z]+/, '');
      report(
        [section, name],
        `${what} name "${name}" is not valid: it goes into image names and cloud labels`,
        `use 1 to 40 lowercase letters, digits, "-" and "_", starting with a letter${suggestion ? `, e.g. ${suggestion.slice(0, 40)}` : ''}`,
        'key',
      );
    }
  }
}
