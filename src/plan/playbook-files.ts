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
import path from 'node:path';
import { PlaybookError, PlaybookReader } from './playbook-reader.js';

export { PlaybookError, PlaybookReader } from './playbook-reader.js';

const INCLUDE_FILE = new Set(['include_tasks', 'import_tasks', 'include', 'include_vars', 'import_playbook']);
const INCLUDE_ROLE = new Set(['include_role', 'import_role']);
const TASK_LISTS = ['tasks', 'pre_tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always'];
/** A string that may name a role folder (a templated role name is resolved to these). */
const ROLE_NAME = /^[A-Za-z0-9_.-]+$/;

/** `reader`: what is read from disk, kept across calls that share it (a fresh one by default). */
export function playbookFiles(
  playbooks: string[],
  variables: Record<string, unknown>,
  rolesPath: string[] = [],
  reader: PlaybookReader = new PlaybookReader(),
): string[] {
  const found = new Set<string>();
  const walker = new Walker(
    found,
    roleNamesIn(variables),
    rolesPath.map((d) => path.resolve(d)),
    reader,
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
    private readonly reader: PlaybookReader,
  ) {}

  playbook(file: string): void {
    if (!this.addFile(file)) return;
    const dir = path.dirname(file);
    for (const side of ['group_vars', 'host_vars', 'ansible.cfg']) this.addTree(path.join(dir, side));
    for (const play of asList(this.reader.yaml(file))) {
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
            else if (this.addFile(file) && module !== 'include_vars') this.tasks(this.reader.yaml(file), path.dirname(file), roleSearchDir);
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
    const dir = this.findRole(name, folders);
    if (!dir) throw new PlaybookError(`role "${name}" not found in ${folders.join(', ')} (used from ${searchDir})`);
    if (this.roles.has(dir)) return;
    this.roles.add(dir);
    this.addTree(dir);
    const meta = ['main.yml', 'main.yaml'].map((n) => path.join(dir, 'meta', n)).find((p) => this.reader.exists(p));
    if (meta) {
      const deps = (this.reader.yaml(meta) as { dependencies?: unknown } | null)?.dependencies;
      for (const dep of asList(deps)) this.role(roleRef(dep), searchDir);
    }
    for (const sub of ['tasks', 'handlers']) {
      const subdir = path.join(dir, sub);
      for (const file of this.reader.listFiles(subdir).filter((f) => /\.ya?ml$/.test(f)))
        this.tasks(this.reader.yaml(file), subdir, searchDir);
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
    const entries = new Set(folders.flatMap((f) => this.reader.listNames(f)));
    const roles = [...this.variableRoleNames].filter((name) => entries.has(name) && this.findRole(name, folders)).sort();
    this.variableRoles.set(searchDir, roles);
    return roles;
  }

  private taskFile(baseDir: string, target: string): string {
    const direct = relative(baseDir, target);
    if (this.reader.exists(direct)) return direct;
    const inTasks = path.join(baseDir, 'tasks', target);
    return this.reader.exists(inTasks) ? inTasks : direct;
  }

  private addFile(file: string): boolean {
    if (this.found.has(file)) return false;
    if (!this.reader.exists(file)) throw new PlaybookError(`${file} does not exist`);
    this.found.add(file);
    return true;
  }

  private addTree(p: string): void {
    if (!this.reader.exists(p)) return;
    if (this.reader.isFile(p)) this.found.add(p);
    else for (const f of this.reader.listFiles(p)) this.found.add(f);
  }

  private findRole(name: string, folders: string[]): string | undefined {
    const candidates = path.isAbsolute(name) ? [name] : folders.map((folder) => path.join(folder, name));
    return candidates.find((c) => this.reader.exists(path.join(c, 'tasks')) || this.reader.exists(path.join(c, 'meta')));
  }
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

const shortName = (key: string): string => key.replace(/^ansible\.(builtin|legacy)\./, '');
const isTemplated = (s: string): boolean => s.includes('{{') || s.includes('{%');
const relative = (dir: string, p: string): string => (path.isAbsolute(p) ? p : path.join(dir, p));
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
