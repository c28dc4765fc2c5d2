/**
 * Finds every file a playbook's content depends on: the playbook itself,
 * imported playbooks, task and vars files it includes, group_vars/host_vars
 * beside it, and every file of each role it uses (roles named in plays,
 * include_role/import_role tasks, role dependencies in meta/main.yml).
 *
 * Roles are searched as Ansible searches them with ANSIBLE_ROLES_PATH set
 * to `rolesPath`: the playbook's `roles/`, then each folder of `rolesPath`
 * (the topology's `roles/`, the bundled roles), then the playbook's folder.
 *
 * A templated role name ("{{ item }}", as in the hook points) is resolved to
 * the roles named by string values of the recipe's variables, so a user's hook
 * role counts without every role in the folder counting.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const INCLUDE_FILE = new Set(['include_tasks', 'import_tasks', 'include', 'include_vars', 'import_playbook']);
const INCLUDE_ROLE = new Set(['include_role', 'import_role']);
const TASK_LISTS = ['tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always'];
/** A string that may name a role folder (a templated role name is resolved to these). */
const ROLE_NAME = /^[A-Za-z0-9_.-]+$/;

export class PlaybookError extends Error {}

export function playbookFiles(playbooks: string[], variables: Record<string, unknown>, rolesPath: string[] = []): string[] {
  const found = new Set<string>();
  const walker = new Walker(
    found,
    roleNamesIn(variables),
    rolesPath.map((d) => path.resolve(d)),
  );
  for (const p of playbooks) walker.playbook(path.resolve(p));
  return [...found].sort();
}

class Walker {
  private readonly roles = new Set<string>();
  /** Per search folder: the variables' strings that name a role there (found once, not per use). */
  private readonly variableRoles = new Map<string, string[]>();

  constructor(
    private readonly found: Set<string>,
    private readonly variableRoleNames: Set<string>,
    private readonly rolesPath: string[],
  ) {}

  playbook(file: string): void {
    if (!this.addFile(file)) return;
    const dir = path.dirname(file);
    for (const side of ['group_vars', 'host_vars', 'ansible.cfg']) this.addTree(path.join(dir, side));
    for (const play of asList(readYaml(file))) {
      if (!isMap(play)) continue;
      for (const [key, value] of Object.entries(play)) {
        const module = shortName(key);
        if (module === 'import_playbook' && typeof value === 'string') this.playbook(relative(dir, value));
        if (key === 'vars_files') for (const v of asList(value)) if (typeof v === 'string') this.addFile(relative(dir, v));
        if (key === 'roles') for (const r of asList(value)) this.role(roleRef(r), dir);
      }
      for (const list of TASK_LISTS) this.tasks(play[list], dir, dir);
    }
  }

  private tasks(list: unknown, baseDir: string, roleSearchDir: string): void {
    for (const task of asList(list)) {
      if (!isMap(task)) continue;
      for (const nested of ['block', 'rescue', 'always']) this.tasks(task[nested], baseDir, roleSearchDir);
      for (const [key, value] of Object.entries(task)) {
        const module = shortName(key);
        if (INCLUDE_FILE.has(module)) {
          const target = typeof value === 'string' ? value : isMap(value) ? value.file : undefined;
          if (typeof target === 'string' && !isTemplated(target)) {
            const file = this.taskFile(baseDir, target);
            if (module === 'import_playbook') this.playbook(file);
            else if (this.addFile(file) && module !== 'include_vars') this.tasks(readYaml(file), path.dirname(file), roleSearchDir);
          }
        }
        if (INCLUDE_ROLE.has(module) && isMap(value)) this.role(value.name, roleSearchDir);
      }
    }
  }

  private role(name: unknown, searchDir: string): void {
    if (typeof name !== 'string' || name.length === 0) return;
    if (isTemplated(name)) {
      for (const candidate of this.rolesNamedByVariables(searchDir)) this.role(candidate, searchDir);
      return;
    }
    const folders = this.searchFolders(searchDir);
    const dir = findRole(name, folders);
    if (!dir) throw new PlaybookError(`role "${name}" not found in ${folders.join(', ')} (used from ${searchDir})`);
    if (this.roles.has(dir)) return;
    this.roles.add(dir);
    this.addTree(dir);
    const meta = firstExisting(path.join(dir, 'meta'), ['main.yml', 'main.yaml']);
    if (meta) {
      const deps = (readYaml(meta) as { dependencies?: unknown } | null)?.dependencies;
      for (const dep of asList(deps)) this.role(roleRef(dep), searchDir);
    }
    for (const sub of ['tasks', 'handlers']) {
      const subdir = path.join(dir, sub);
      for (const file of listFiles(subdir).filter((f) => /\.ya?ml$/.test(f))) this.tasks(readYaml(file), subdir, searchDir);
    }
  }

  /** Where a role used from `searchDir` is looked for, in Ansible's order. */
  private searchFolders(searchDir: string): string[] {
    return [path.join(searchDir, 'roles'), ...this.rolesPath, searchDir];
  }

  /**
   * The variables' strings that name a role findable from `searchDir`,
   * sorted. Only names that are entries of the folders findRole looks in are
   * checked on disk, so a recipe with many strings costs one listing per folder.
   */
  private rolesNamedByVariables(searchDir: string): string[] {
    const known = this.variableRoles.get(searchDir);
    if (known) return known;
    const folders = this.searchFolders(searchDir);
    const entries = new Set(folders.flatMap(listNames));
    const roles = [...this.variableRoleNames].filter((name) => entries.has(name) && findRole(name, folders)).sort();
    this.variableRoles.set(searchDir, roles);
    return roles;
  }

  private taskFile(baseDir: string, target: string): string {
    const direct = relative(baseDir, target);
    if (existsSync(direct)) return direct;
    const inTasks = path.join(baseDir, 'tasks', target);
    return existsSync(inTasks) ? inTasks : direct;
  }

  private addFile(file: string): boolean {
    if (this.found.has(file)) return false;
    if (!existsSync(file)) throw new PlaybookError(`${file} does not exist`);
    this.found.add(file);
    return true;
  }

  private addTree(p: string): void {
    if (!existsSync(p)) return;
    if (statSync(p).isFile()) this.found.add(p);
    else for (const f of listFiles(p)) this.found.add(f);
  }
}

function findRole(name: string, folders: string[]): string | undefined {
  const candidates = path.isAbsolute(name) ? [name] : folders.map((folder) => path.join(folder, name));
  return candidates.find((c) => existsSync(path.join(c, 'tasks')) || existsSync(path.join(c, 'meta')));
}

/** Every string value of the variables, at any depth, that could name a role; one pass. */
function roleNamesIn(variables: unknown): Set<string> {
  const names = new Set<string>();
  const pending: unknown[] = [variables];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (ROLE_NAME.test(value)) names.add(value);
    } else if (Array.isArray(value) || isMap(value)) {
      for (const item of Object.values(value)) pending.push(item);
    }
  }
  return names;
}

function roleRef(entry: unknown): unknown {
  return isMap(entry) ? (entry.role ?? entry.name) : entry;
}

/** The names in a folder (none when it does not exist). */
function listNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PlaybookError(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

function firstExisting(dir: string, names: string[]): string | undefined {
  return names.map((n) => path.join(dir, n)).find((p) => existsSync(p));
}

const shortName = (key: string): string => key.replace(/^ansible\.(builtin|legacy)\./, '');
const isTemplated = (s: string): boolean => s.includes('{{') || s.includes('{%');
const relative = (dir: string, p: string): string => (path.isAbsolute(p) ? p : path.join(dir, p));
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
