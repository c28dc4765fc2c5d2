/**
 * Checks on recipes that the schema cannot make: `extends` targets and
 * cycles, playbook and verify files on disk, playbooks of used recipes.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { asList, asMap, asName, has, type RawMap, type Report } from './raw.js';
import { didYouMean, quoteList } from './suggest.js';

/** The parent a recipe extends, when that parent exists. */
function parentOf(images: RawMap, name: string): string | undefined {
  const parent = asName(asMap(images[name])?.extends);
  return parent !== undefined && has(images, parent) ? parent : undefined;
}

export function checkExtends(images: RawMap, report: Report): void {
  const names = Object.keys(images);
  const reported = new Set<string>();
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
  for (const start of names) {
    const seen: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && !seen.includes(cur)) {
      seen.push(cur);
      cur = parentOf(images, cur);
    }
    if (cur === undefined) continue;
    const members = seen.slice(seen.indexOf(cur));
    const key = [...members].sort().join('\n');
    if (members.length < 2 || reported.has(key)) continue;
    reported.add(key);
    const first = names.find((n) => members.includes(n)) as string;
    const at = members.indexOf(first);
    const cycle = [...members.slice(at), ...members.slice(0, at)];
    report(
      ['images', first, 'extends'],
      `recipes extend each other in a cycle: ${[...cycle, first].join(' -> ')}`,
      `remove "extends" from one of ${quoteList(cycle)}`,
    );
  }
}

function checkFile(dir: string, rel: string, path: (string | number)[], what: string, report: Report): void {
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

/** Every playbook and verify path must name a file next to the topology file. */
export function checkRecipeFiles(images: RawMap, dir: string, report: Report): void {
  for (const [name, value] of Object.entries(images)) {
    const spec = asMap(value);
    if (!spec) continue;
    (asList(spec.playbooks) ?? []).forEach((item, i) => {
      const rel = asName(item);
      if (rel !== undefined) checkFile(dir, rel, ['images', name, 'playbooks', i], 'playbook', report);
    });
    const verify = asName(spec.verify);
    if (verify !== undefined) checkFile(dir, verify, ['images', name, 'verify'], 'verify playbook', report);
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
      'add playbooks: [playbooks/provision.yml], or extend a recipe that has some',
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
