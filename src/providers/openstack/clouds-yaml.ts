/**
 * clouds.yaml and secure.yaml, found and merged as openstacksdk does
 * (openstack/config/loader.py: CONFIG_FILES, SECURE_FILES,
 * OpenStackConfig.__init__ and _load_yaml_json_file; openstack/config/_util.py:
 * merge_clouds; its docs' "Splitting Secrets"):
 * - each file is looked for on its own, its variable first
 *   (OS_CLIENT_CONFIG_FILE, OS_CLIENT_SECURE_FILE), then the current
 *   directory, ~/.config/openstack and /etc/openstack, each place as .yaml,
 *   .yml and .json; the first that exists and can be read is used, so a
 *   secure.yaml need not sit beside the clouds.yaml that was found;
 * - secure.yaml is merged over clouds.yaml, mappings key by key at every
 *   depth, its values winning: a password or application_credential_secret
 *   may be written in secure.yaml only, and a cloud named in secure.yaml
 *   alone (even with no clouds.yaml at all) is a cloud like any other.
 * Where openstacksdk logs a warning and skips a file that does not parse, a
 * malformed file is an error here, naming the file and the line, so that a
 * secret kept in a broken secure.yaml is not silently left out.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

export type Loose = Record<string, unknown>;

const SUFFIXES = ['.yaml', '.yml', '.json'];

const isMapping = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The places looked in after the variable: the current directory, ~/.config/openstack, /etc/openstack. */
function places(env: NodeJS.ProcessEnv, cwd: string): string[] {
  return [cwd, path.join(env.HOME ?? os.homedir(), '.config', 'openstack'), '/etc/openstack'];
}

function searchList(base: string, variable: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string[] {
  return [
    ...(variable ? [path.resolve(cwd, variable)] : []),
    ...places(env, cwd).flatMap((dir) => SUFFIXES.map((suffix) => path.join(dir, base + suffix))),
  ];
}

/** The clouds.yaml files looked at, in order. */
export function cloudsFiles(env: NodeJS.ProcessEnv, cwd = process.cwd()): string[] {
  return searchList('clouds', env.OS_CLIENT_CONFIG_FILE, env, cwd);
}

/** The secure.yaml files looked at, in order. */
export function secureFiles(env: NodeJS.ProcessEnv, cwd = process.cwd()): string[] {
  return searchList('secure', env.OS_CLIENT_SECURE_FILE, env, cwd);
}

interface Loaded {
  file: string;
  clouds: Loose;
}

/** The first of `files` that exists and can be read (openstacksdk skips one it cannot open), parsed. */
function loadFirst(label: string, files: string[]): Loaded | undefined {
  for (const file of files) {
    if (!existsSync(file)) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (error) {
      // Only the first line ("... at line 3, column 7:"): the parser's later lines quote the file, which may hold a
      // password (so no cause either).
      // eslint-disable-next-line preserve-caught-error
      throw new Error(
        `openstack cloud "${label}": ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ` +
          (error as Error).message.split('\n')[0],
      );
    }
    const clouds = isMapping(doc) ? (doc.clouds ?? {}) : doc;
    if (doc != null && !isMapping(clouds)) {
      throw new Error(`openstack cloud "${label}": ${file} is not of the form "clouds: { <name>: { auth: ... } }"; correct it`);
    }
    return { file, clouds: (clouds ?? {}) as Loose };
  }
  return undefined;
}

/** `over` merged over `base`: mappings key by key at every depth, anything else replaced (openstacksdk's merge_clouds). */
function merge(base: Loose, over: Loose): Loose {
  const out: Loose = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const old = out[key];
    out[key] = isMapping(value) ? merge(isMapping(old) ? old : {}, value) : value;
  }
  return out;
}

/**
 * The clouds.yaml entry `name` (named by `via`: "cloud:" or "OS_CLOUD"), with
 * secure.yaml's entry of that name merged over it, and the files it came from
 * for messages.
 */
export function cloudEntry(
  label: string,
  name: string,
  via: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
): { entry: Loose; origin: string } {
  const clouds = loadFirst(label, cloudsFiles(env, cwd));
  const secure = loadFirst(label, secureFiles(env, cwd));
  if (!clouds && !secure) {
    const looked = [
      ...(env.OS_CLIENT_CONFIG_FILE ? [path.resolve(cwd, env.OS_CLIENT_CONFIG_FILE)] : []),
      ...places(env, cwd).map((dir) => path.join(dir, 'clouds.yaml')),
    ];
    throw new Error(
      `openstack cloud "${label}": ${via} names "${name}", but no clouds.yaml was found (looked at ${looked.join(', ')}, ` +
        'each also as .yml or .json, and for a secure.yaml in the same places); ' +
        'write one there (or set OS_CLIENT_CONFIG_FILE to its path), or leave cloud: out and set the OS_* variables',
    );
  }
  const read = [clouds, secure].filter((f): f is Loaded => f !== undefined);
  const all = merge(clouds?.clouds ?? {}, secure?.clouds ?? {});
  const entry = all[name];
  if (!isMapping(entry)) {
    const known = Object.keys(all);
    throw new Error(
      `openstack cloud "${label}": ${read.map((f) => f.file).join(' and ')} ${read.length > 1 ? 'have' : 'has'} no cloud "${name}" ` +
        `(${via}); ` +
        (known.length
          ? `${read.length > 1 ? 'they have' : 'it has'} ${known.map((k) => `"${k}"`).join(', ')}: write one of them`
          : 'add it under clouds:'),
    );
  }
  const holders = read.filter((f) => isMapping(f.clouds[name])).map((f) => f.file);
  return { entry, origin: `clouds.yaml entry "${name}" (${holders.join(', merged with ')})` };
}
