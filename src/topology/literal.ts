/**
 * Values reach Packer and Ansible as written.
 *
 * Packer: every value we hand it (paths, names, ids, regions) travels in the
 * variables file, and HCL leaves `${…}` there alone; but each plugin then
 * decodes its configuration with Packer's Go template engine on
 * (packer-plugin-ansible provisioner/ansible/provisioner.go `Prepare`:
 * `config.Decode(… Interpolate: true …)`, only inventory_file_template
 * excluded; `Provision` renders extra_arguments again; the builders do the
 * same, and Packer 1.6.6's own builders too). So `{{ uuid }}` in a playbook
 * path became a random id (audit, section 8), and `{{` without `}}` fails the
 * build. Packer documents no escape that survives being rendered twice, so
 * `{{` and `}}` are refused in every value outside the recipes' variables
 * and descriptions, which never go to Packer.
 *
 * Ansible: variables are handed over marked unsafe (src/packer/extra-vars.ts),
 * which covers values only: JSON keys cannot be marked. So a key in variables
 * may not hold a template marker, nor start with "__ansible_" (Ansible's JSON
 * decoder reads {"__ansible_unsafe": …} and {"__ansible_vault": …} objects as
 * markers, not as data), nor be "__proto__" (not a key once in JavaScript).
 */
import { formatPath, type Path } from './positions.js';
import { asMap, type RawMap, type Report } from './raw.js';

/** Go template delimiters, as Packer's interpolation reads them. */
const PACKER_MARKERS = ['{{', '}}'];
/** Jinja2 block, expression and comment starts, as Ansible reads them. */
const JINJA_MARKERS = ['{{', '{%', '{#'];

/** A value for messages: long ones are cut. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function marker(text: string, markers: readonly string[]): string | undefined {
  return markers.find((m) => text.includes(m));
}

/** Strings outside recipe variables and descriptions, with their paths (iteratively: no deep recursion). */
function* packerStrings(data: RawMap): Generator<[Path, string]> {
  const pending: [Path, unknown][] = [[[], data]];
  while (pending.length > 0) {
    const [path, value] = pending.pop() as [Path, unknown];
    if (typeof value === 'string') {
      yield [path, value];
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push([[...path, i], value[i]]);
    } else if (value !== null && typeof value === 'object') {
      const ownedByAnsible = path.length === 2 && path[0] === 'images';
      const entries = Object.entries(value).reverse();
      for (const [key, item] of entries) {
        if (ownedByAnsible && (key === 'variables' || key === 'description')) continue;
        pending.push([[...path, key], item]);
      }
    }
  }
}

/** `{{` or `}}` in a value handed to Packer; the topology's own folder counts (playbook paths start with it). */
export function checkPackerValues(data: RawMap, dir: string, report: Report): void {
  const inDir = marker(dir, PACKER_MARKERS);
  if (inDir) {
    report(
      [],
      `the topology's folder path ${dir} holds "${inDir}", which Packer reads as a template in every playbook path`,
      'move the repository to a folder whose path has no "{{" or "}}"',
    );
  }
  for (const [path, text] of packerStrings(data)) {
    const found = marker(text, PACKER_MARKERS);
    if (!found) continue;
    report(
      path,
      `${formatPath(path)} "${clip(text)}" holds "${found}": Packer reads it as a template, so the value would not reach the build as written`,
      'remove "{{" and "}}" (Packer renders every value as a Go template and has no escape for them); recipe variables may hold them',
    );
  }
}

/** Keys of every map inside each recipe's variables. */
export function checkVariableKeys(images: RawMap, report: Report): void {
  for (const [name, spec] of Object.entries(images)) {
    const variables = asMap(asMap(spec)?.variables);
    if (!variables) continue;
    const pending: [Path, unknown][] = [[['images', name, 'variables'], variables]];
    while (pending.length > 0) {
      const [path, value] = pending.pop() as [Path, unknown];
      if (value === null || typeof value !== 'object') continue;
      const isList = Array.isArray(value);
      for (const [key, item] of Object.entries(value)) {
        const at: Path = [...path, isList ? Number(key) : key];
        if (!isList) checkKey(key, at, report);
        pending.push([at, item]);
      }
    }
  }
}

function checkKey(key: string, path: Path, report: Report): void {
  const found = marker(key, JINJA_MARKERS);
  if (found) {
    report(
      path,
      `the variable key "${clip(key)}" holds "${found}": Ansible may evaluate keys as templates, and only values can be passed literally`,
      'rename the key without "{{", "{%" or "{#" (values may hold them)',
      'key',
    );
  } else if (key.startsWith('__ansible_')) {
    report(
      path,
      `the variable key "${clip(key)}" is reserved: Ansible reads a map with a "__ansible_…" key as a marker, not as data`,
      'rename the key',
      'key',
    );
  } else if (key === '__proto__') {
    report(path, 'the variable key "__proto__" is reserved', 'rename the key', 'key');
  }
}
