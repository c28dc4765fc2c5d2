import { writeFileSync, cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fingerprint, Fingerprinter, FINGERPRINT_LENGTH, TEMPLATE_VERSION } from '../../src/plan/fingerprint.js';
import type { ImageConfig } from '../../src/topology/model.js';
import { writeTree } from '../helpers/tree.js';

const BASE = {
  provider: 'aws' as const,
  recipe: { name: 'base', playbooks: ['a.yml'], variables: { packages: ['jq', 'chrony'], nested: { x: 1, y: [1, 2] } }, build: {} },
  source: { owner: '136693071363', name: 'debian-12-amd64-*' },
  files: { 'a.yml': 'aa', 'roles/r/tasks/main.yml': 'bb' },
  templateVersion: TEMPLATE_VERSION,
};

function reorder<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reorder) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reorder(v)]),
    ) as T;
  }
  return value;
}

describe('fingerprint', () => {
  it('is 32 lowercase hex characters and stable', () => {
    const fp = fingerprint(BASE);
    expect(fp).toMatch(new RegExp(`^[0-9a-f]{${FINGERPRINT_LENGTH}}$`));
    expect(fingerprint(structuredClone(BASE))).toBe(fp);
  });

  it('does not depend on key order at any depth', () => {
    expect(fingerprint(reorder(BASE))).toBe(fingerprint(BASE));
  });

  it.each([
    ['a variable', { ...BASE, recipe: { ...BASE.recipe, variables: { ...BASE.recipe.variables, packages: ['jq'] } } }],
    ['list order', { ...BASE, recipe: { ...BASE.recipe, variables: { ...BASE.recipe.variables, packages: ['chrony', 'jq'] } } }],
    ['the source', { ...BASE, source: { ...BASE.source, name: 'debian-13-amd64-*' } }],
    ['a file', { ...BASE, files: { ...BASE.files, 'a.yml': 'ab' } }],
    ['a new file', { ...BASE, files: { ...BASE.files, 'b.yml': 'cc' } }],
    ['the template version', { ...BASE, templateVersion: '999' }],
    ['the provider', { ...BASE, provider: 'gcp' as const }],
    ['the recipe name', { ...BASE, recipe: { ...BASE.recipe, name: 'other' } }],
    ['build settings', { ...BASE, recipe: { ...BASE.recipe, build: { disk_size_gb: 20 } } }],
  ])('changes with %s', (_what, changed) => {
    expect(fingerprint(changed)).not.toBe(fingerprint(BASE));
  });
});

describe('Fingerprinter over real files', () => {
  const files = {
    'playbooks/one.yml': '- name: One\n  hosts: all\n  roles: [shared, only-one]\n',
    'playbooks/two.yml': '- name: Two\n  hosts: all\n  roles: [shared]\n',
    'playbooks/roles/shared/tasks/main.yml': '- name: S\n  ansible.builtin.debug: {msg: s}\n',
    'playbooks/roles/only-one/tasks/main.yml': '- name: O\n  ansible.builtin.debug: {msg: o}\n',
  };
  const config = (name: string, playbook: string): ImageConfig => ({
    cloud: 'lab',
    provider: 'local',
    image: name,
    os: 'debian12',
    recipe: { name, playbooks: [playbook], variables: {}, build: {}, lineage: [] },
    source: { suite: 'bookworm' },
    regions: ['r1'],
    buildRegion: 'r1',
    target: { name: 'lab', provider: 'local', build_region: 'r1', regions: {}, share: { accounts: [], public: false } },
  });
  const both = (dir: string) => {
    const f = new Fingerprinter(dir);
    return [f.of(config('one', 'playbooks/one.yml')), f.of(config('two', 'playbooks/two.yml'))];
  };

  it('gives the same fingerprints in another folder (another machine)', () => {
    const a = writeTree(files);
    const b = mkdtempSync(path.join(os.tmpdir(), 'ib-copy-'));
    cpSync(a, b, { recursive: true });
    expect(both(b)).toEqual(both(a));
  });

  it('names playbooks by their path from the topology folder, so an absolute path is stable across checkouts', () => {
    const a = writeTree(files);
    const b = mkdtempSync(path.join(os.tmpdir(), 'ib-copy-'));
    cpSync(a, b, { recursive: true });
    const absolute = (dir: string) => new Fingerprinter(dir).of(config('one', path.join(dir, 'playbooks/one.yml')));
    expect(absolute(b)).toBe(absolute(a));
    expect(absolute(a)).toBe(new Fingerprinter(a).of(config('one', 'playbooks/one.yml')));
  });

  it('changing one role changes exactly the images that use it', () => {
    const dir = writeTree(files);
    const [one, two] = both(dir);
    writeFileSync(path.join(dir, 'playbooks/roles/only-one/tasks/main.yml'), '- name: O2\n  ansible.builtin.debug: {msg: o2}\n');
    const [one2, two2] = both(dir);
    expect(one2).not.toBe(one);
    expect(two2).toBe(two);
    writeFileSync(path.join(dir, 'playbooks/roles/shared/tasks/main.yml'), '- name: S2\n  ansible.builtin.debug: {msg: s2}\n');
    const [one3, two3] = both(dir);
    expect(one3).not.toBe(one2);
    expect(two3).not.toBe(two2);
  });

  it('ignores files no playbook uses', () => {
    const dir = writeTree(files);
    const before = both(dir);
    writeTree({ 'playbooks/roles/unused/tasks/main.yml': '- name: U\n  ansible.builtin.debug: {msg: u}\n', 'README.md': 'x' }, dir);
    expect(both(dir)).toEqual(before);
  });
});
