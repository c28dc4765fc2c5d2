/**
 * The product's own playbooks, and where Ansible finds roles.
 *
 * A recipe names a bundled playbook as `builtin:NAME` (`playbooks:
 * [builtin:provision.yml]`, `verify: builtin:verify.yml`): NAME is a file at
 * the top of the product's playbooks/ folder, wherever the product is
 * checked out (in the reusable workflow, `.image-builder/` inside the user's
 * repository). Any other entry is a path relative to the topology's folder.
 *
 * Roles are found as Ansible finds them with ANSIBLE_ROLES_PATH set to
 * rolesPath(): the playbook's own `roles/` folder, then the topology's
 * `roles/` folder (the user's hook roles), then the bundled roles, then the
 * playbook's folder itself. The build hands Ansible that path, and the
 * fingerprint follows the same search.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Path } from './positions.js';
import type { Report } from './raw.js';
import { quoteList, suggest } from './suggest.js';

export const BUILTIN_PREFIX = 'builtin:';

/** The product's folder: the nearest one above this module holding action.yml and playbooks/ (src/ in development, dist/ when bundled). */
export function productRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'playbooks', 'deprovision.yml')) && existsSync(path.join(dir, 'action.yml'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the product folder (action.yml and playbooks/) above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** The bundled playbooks folder, absolute (IMAGE_BUILDER_PLAYBOOKS overrides it). */
export function bundledPlaybooks(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.IMAGE_BUILDER_PLAYBOOKS ?? path.join(productRoot(), 'playbooks'));
}

/** The name after `builtin:`, or undefined for a plain path. */
export function builtinName(entry: string): string | undefined {
  return entry.startsWith(BUILTIN_PREFIX) ? entry.slice(BUILTIN_PREFIX.length) : undefined;
}

/** The built-in playbooks: the YAML files at the top of the bundled folder, sorted. */
export function builtinPlaybooks(dir: string = bundledPlaybooks()): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && statSync(path.join(dir, name)).isFile())
    .sort();
}

/**
 * The absolute path of a recipe's playbook entry: `builtin:NAME` in the
 * bundled folder (`bundled`, found when not given), else the path from the
 * topology's folder.
 */
export function playbookPath(entry: string, topologyDir: string, bundled?: string): string {
  const name = builtinName(entry);
  if (name === undefined) return path.resolve(topologyDir, entry);
  if (!/^[^/\\]+$/.test(name) || name === '.' || name === '..')
    throw new Error(`"${entry}" is not a built-in playbook: write builtin: and a file name, e.g. builtin:provision.yml`);
  return path.join(bundled ?? bundledPlaybooks(), name);
}

/**
 * The folders Ansible searches for roles after the playbook's own `roles/`
 * (ANSIBLE_ROLES_PATH): the topology's `roles/` when it exists, then the
 * bundled roles. Ansible splits the path at ":", and Packer reads "{{" in
 * it as a template, so a folder holding either cannot be on it.
 */
export function rolesPath(topologyDir: string, bundled: string = bundledPlaybooks()): string[] {
  const own = path.join(path.resolve(topologyDir), 'roles');
  const folders = [...(existsSync(own) ? [own] : []), path.join(bundled, 'roles')];
  for (const folder of folders) {
    const bad = [':', '{{', '}}'].find((s) => folder.includes(s));
    if (bad)
      throw new Error(
        `the roles folder ${folder} holds "${bad}", which cannot be on ANSIBLE_ROLES_PATH: move the repository to a folder without it`,
      );
  }
  return folders;
}

/**
 * A `builtin:` entry must name a built-in playbook. `bundled()` gives the
 * bundled folder (or throws when it cannot be found), asked only when needed.
 */
export function checkBuiltin(entry: string, at: Path, what: string, bundled: () => string, report: Report): void {
  const name = builtinName(entry) ?? '';
  let known: string[];
  try {
    known = builtinPlaybooks(bundled());
  } catch (error) {
    report(
      at,
      `${what} "${entry}": the built-in playbooks cannot be read (${(error as Error).message})`,
      'run the product from its own checkout, with its playbooks/ folder',
    );
    return;
  }
  if (known.includes(name)) return;
  const names = known.map((n) => BUILTIN_PREFIX + n);
  const close = suggest(name, known);
  const list = `the built-in playbooks are ${quoteList(names)}`;
  report(
    at,
    `unknown built-in ${what} "${entry}"`,
    close ? `did you mean "${BUILTIN_PREFIX}${close}"? ${list}` : `${list}; anything else is a path relative to the topology file's folder`,
  );
}
