/**
 * Values handed to Ansible are literal: every string in the extra-vars JSON
 * is written as `{"__ansible_unsafe": "<string>"}`, so Ansible never
 * templates it (`{{ lookup('pipe', 'id') }}` stays text and runs nothing).
 *
 * Why this works: `ansible-playbook --extra-vars @file.json` reads the file
 * with `DataLoader.load_from_file` -> `from_yaml`, which first tries
 * `json.loads(data, cls=AnsibleJSONDecoder)`; that decoder's `object_hook`
 * turns an object whose key is `__ansible_unsafe` into `wrap_var(value)`, an
 * AnsibleUnsafeText (ansible-core 2.14: lib/ansible/utils/vars.py
 * `load_extra_vars`, lib/ansible/parsing/utils/yaml.py `from_yaml`,
 * lib/ansible/parsing/ajson.py `AnsibleJSONDecoder.object_hook`). Unsafe text
 * is a `str` subclass, so modules and filters see ordinary strings; Ansible's
 * documentation calls these "unsafe or raw strings" (the `!unsafe` YAML tag,
 * "Advanced playbook syntax").
 *
 * Keys of maps cannot be marked (JSON keys are plain strings): the topology
 * loader refuses template markers in variable keys instead.
 */

/** The key Ansible's JSON decoder reads as "this string is never templated". */
export const ANSIBLE_UNSAFE = '__ansible_unsafe';

/**
 * `value` with every string, at any depth in lists and maps, marked unsafe.
 * Keys stay plain; numbers, booleans and null are left as they are.
 */
export function ansibleLiteral(value: unknown): unknown {
  if (typeof value === 'string') return { [ANSIBLE_UNSAFE]: value };
  if (Array.isArray(value)) return value.map(ansibleLiteral);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // defineProperty: a key named "__proto__" stays a key, as JSON.parse would make it.
      Object.defineProperty(out, key, { value: ansibleLiteral(item), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}
