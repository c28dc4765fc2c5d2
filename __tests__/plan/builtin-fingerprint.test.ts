/**
 * Built-in playbooks and the roles path in the fingerprint: bundled files are
 * keyed `builtin:...` wherever the product is checked out, the user's roles in
 * the topology's roles/ count, and roles are searched in Ansible's order with
 * ANSIBLE_ROLES_PATH set (the playbook's roles/, the roles path, the
 * playbook's folder).
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Fingerprinter } from '../../src/plan/fingerprint.js';
import { playbookFiles, PlaybookError } from '../../src/plan/playbook-files.js';
import type { ImageConfig } from '../../src/topology/model.js';
import { removeTempDirs, tempDir, writeTree } from '../helpers/tree.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

afterAll(removeTempDirs);

const task = (msg: string) => `- name: ${msg}\n  ansible.builtin.debug: {msg: ${msg}}\n`;
const HOOKS = `- name: Provision
  hosts: all
  tasks:
    - name: Pre
      ansible.builtin.include_role:
        name: "{{ hook }}"
      loop: "{{ image_builder_pre_roles | default([]) }}"
      loop_control: {loop_var: hook}
    - name: Ours
      ansible.builtin.import_role:
        name: bundled_base
`;

/** A product: its playbooks/ folder with a hook playbook, a plain one, and their roles. */
const PRODUCT = {
  'provision.yml': HOOKS,
  'plain.yml': '- name: Plain\n  hosts: all\n  roles: [bundled_other]\n',
  'roles/bundled_base/tasks/main.yml': task('base'),
  'roles/bundled_base/templates/motd.j2': 'hello\n',
  'roles/bundled_other/tasks/main.yml': task('other'),
  'roles/unused/tasks/main.yml': task('unused'),
};

/** A user's repository: topology folder with roles/ and a playbook of its own. */
const USER = {
  'roles/hardening/tasks/main.yml': task('hardening'),
  'roles/hardening/files/sshd.conf': 'PermitRootLogin no\n',
  'playbooks/site.yml': '- name: Site\n  hosts: all\n  roles: [local_only]\n',
  'playbooks/roles/local_only/tasks/main.yml': task('local'),
};

const config = (name: string, playbooks: string[], variables: Record<string, unknown> = {}): ImageConfig => ({
  cloud: 'lab',
  provider: 'local',
  image: name,
  os: 'debian12',
  recipe: { name, playbooks, variables, build: {}, lineage: [] },
  source: { suite: 'bookworm' },
  regions: ['r1'],
  buildRegion: 'r1',
  target: { name: 'lab', provider: 'local', build_region: 'r1', regions: {}, share: { accounts: [], public: false } },
});

const HOOKED = config('hooked', ['builtin:provision.yml'], { image_builder_pre_roles: ['hardening'] });
const BARE = config('bare', ['builtin:provision.yml']);
const OTHER = config('other', ['builtin:plain.yml']);
const OWN = config('own', ['playbooks/site.yml']);

/** The workflow's layout: the user's files at the root, the product at .image-builder/. */
function workflowRepo(): { repo: string; bundled: string } {
  const repo = writeTree(USER);
  const bundled = path.join(repo, '.image-builder/playbooks');
  writeTree(PRODUCT, bundled);
  return { repo, bundled };
}

describe('the fingerprint of built-in playbooks', () => {
  it('keys bundled files builtin:..., and the user roles by their path from the topology folder', () => {
    const { repo, bundled } = workflowRepo();
    const f = new Fingerprinter(repo, bundled);
    expect(Object.keys(f.files(['builtin:provision.yml'], { image_builder_pre_roles: ['hardening'] })).sort()).toEqual([
      'builtin:provision.yml',
      'builtin:roles/bundled_base/tasks/main.yml',
      'builtin:roles/bundled_base/templates/motd.j2',
      'roles/hardening/files/sshd.conf',
      'roles/hardening/tasks/main.yml',
    ]);
  });

  it('is the same whichever folder the product is checked out in, and wherever the repository is', () => {
    const { repo, bundled } = workflowRepo();
    const elsewhere = tempDir('ib-product-');
    writeTree(PRODUCT, path.join(elsewhere, 'playbooks'));
    const other = tempDir('ib-repo-');
    cpSync(repo, other, { recursive: true });
    const all = (dir: string, b: string) => [HOOKED, BARE, OTHER, OWN].map((c) => new Fingerprinter(dir, b).of(c));
    const here = all(repo, bundled);
    expect(all(repo, path.join(elsewhere, 'playbooks'))).toEqual(here);
    expect(all(other, path.join(elsewhere, 'playbooks'))).toEqual(here);
    expect(new Set(here).size).toBe(4);
  });

  it('a changed bundled role changes the fingerprints of the images that use it only', () => {
    const { repo, bundled } = workflowRepo();
    const all = () => [HOOKED, BARE, OTHER, OWN].map((c) => new Fingerprinter(repo, bundled).of(c));
    const before = all();
    writeFileSync(path.join(bundled, 'roles/bundled_other/tasks/main.yml'), task('other2'));
    const after = all();
    expect(after.map((fp, i) => fp !== before[i])).toEqual([false, false, true, false]);
    writeFileSync(path.join(bundled, 'roles/unused/tasks/main.yml'), task('unused2'));
    expect(all()).toEqual(after);
  });

  it("a changed hook role in the topology's roles/ changes the images that name it only", () => {
    const { repo, bundled } = workflowRepo();
    const all = () => [HOOKED, BARE, OTHER, OWN].map((c) => new Fingerprinter(repo, bundled).of(c));
    const before = all();
    writeFileSync(path.join(repo, 'roles/hardening/files/sshd.conf'), 'PermitRootLogin prohibit-password\n');
    expect(all().map((fp, i) => fp !== before[i])).toEqual([true, false, false, false]);
  });

  it('gives the product checkout and a plain path into it the same keys (builtin:) as the prefix', () => {
    const { repo, bundled } = workflowRepo();
    const f = new Fingerprinter(repo, bundled);
    expect(f.of(config('x', ['.image-builder/playbooks/provision.yml']))).toBe(f.of(config('x', ['builtin:provision.yml'])));
  });

  it("keys the real bundle's roles builtin:roles/..., none by a path that leaves the topology folder", () => {
    const repo = writeTree({ 'topology.yml': '' });
    const files = new Fingerprinter(repo).files(['builtin:provision.yml'], {});
    const keys = Object.keys(files);
    expect(keys).toEqual(expect.arrayContaining(['builtin:provision.yml', 'builtin:roles/image_builder_packages/tasks/main.yml']));
    expect(keys.filter((k) => !k.startsWith('builtin:'))).toEqual([]);
    expect(keys.filter((k) => k.startsWith('builtin:roles/image_builder_deprovision/'))).not.toEqual([]);
  });

  it('a recipe without builtin: keeps the keys and fingerprint it had (paths from the topology folder)', () => {
    const { repo } = workflowRepo();
    const f = new Fingerprinter(repo, path.join(ROOT, 'playbooks'));
    expect(Object.keys(f.files(['playbooks/site.yml'], {})).sort()).toEqual([
      'playbooks/roles/local_only/tasks/main.yml',
      'playbooks/site.yml',
    ]);
  });
});

describe('playbookFiles with a roles path', () => {
  const site = (role: string) => `- name: Site\n  hosts: all\n  roles: [${role}]\n`;

  it("searches the playbook's roles/, then each folder of the roles path in order, then the playbook's folder", () => {
    const root = writeTree({
      'pb/site.yml': site('both'),
      'pb/roles/both/tasks/main.yml': task('playbook-roles'),
      'topo/roles/both/tasks/main.yml': task('topology-roles'),
      'pb/next.yml': site('shared'),
      'topo/roles/shared/tasks/main.yml': task('topology-shared'),
      'bundle/roles/shared/tasks/main.yml': task('bundle-shared'),
      'pb/last.yml': site('beside'),
      'pb/beside/tasks/main.yml': task('beside-playbook'),
      'bundle/roles/beside/tasks/main.yml': task('bundle-beside'),
    });
    const rolesPath = [path.join(root, 'topo/roles'), path.join(root, 'bundle/roles')];
    const found = (playbook: string) =>
      playbookFiles([path.join(root, 'pb', playbook)], {}, rolesPath).map((f) => path.relative(root, f).split(path.sep).join('/'));
    expect(found('site.yml')).toEqual(['pb/roles/both/tasks/main.yml', 'pb/site.yml']);
    expect(found('next.yml')).toEqual(['pb/next.yml', 'topo/roles/shared/tasks/main.yml']);
    expect(found('last.yml')).toEqual(['bundle/roles/beside/tasks/main.yml', 'pb/last.yml']);
  });

  it('finds hook roles named by the variables in every folder searched', () => {
    const { repo, bundled } = workflowRepo();
    const rolesPath = [path.join(repo, 'roles'), path.join(bundled, 'roles')];
    const files = playbookFiles(
      [path.join(bundled, 'provision.yml')],
      { image_builder_pre_roles: ['hardening', 'bundled_other', 'nowhere'] },
      rolesPath,
    );
    expect(files.map((f) => path.relative(repo, f))).toEqual([
      '.image-builder/playbooks/provision.yml',
      '.image-builder/playbooks/roles/bundled_base/tasks/main.yml',
      '.image-builder/playbooks/roles/bundled_base/templates/motd.j2',
      '.image-builder/playbooks/roles/bundled_other/tasks/main.yml',
      'roles/hardening/files/sshd.conf',
      'roles/hardening/tasks/main.yml',
    ]);
  });

  it('names every folder it searched when a role is missing', () => {
    const root = writeTree({ 'pb/site.yml': site('missing') });
    mkdirSync(path.join(root, 'topo/roles'), { recursive: true });
    expect(() => playbookFiles([path.join(root, 'pb/site.yml')], {}, [path.join(root, 'topo/roles')])).toThrow(PlaybookError);
    expect(() => playbookFiles([path.join(root, 'pb/site.yml')], {}, [path.join(root, 'topo/roles')])).toThrow(
      `role "missing" not found in ${path.join(root, 'pb/roles')}, ${path.join(root, 'topo/roles')}, ${path.join(root, 'pb')}`,
    );
  });
});
