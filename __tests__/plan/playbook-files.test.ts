import path from 'node:path';
import { playbookFiles, PlaybookError } from '../../src/plan/playbook-files.js';
import { writeTree } from '../helpers/tree.js';

const PLAYBOOK = `
- name: Provision
  hosts: all
  vars_files: [vars/common.yml]
  roles:
    - common
    - role: web
  tasks:
    - name: Extra tasks
      ansible.builtin.include_tasks: tasks/extra.yml
    - name: Hook roles
      ansible.builtin.include_role:
        name: "{{ item }}"
      loop: "{{ image_builder_pre_roles }}"
    - name: Block
      block:
        - name: Nested role
          ansible.builtin.import_role:
            name: nested
- ansible.builtin.import_playbook: other.yml
`;

function tree() {
  return writeTree({
    'pb/site.yml': PLAYBOOK,
    'pb/other.yml': '- name: Other\n  hosts: all\n  tasks: []\n',
    'pb/vars/common.yml': 'a: 1\n',
    'pb/tasks/extra.yml': '- name: More\n  ansible.builtin.include_tasks: more.yml\n',
    'pb/tasks/more.yml': '- name: Leaf\n  ansible.builtin.debug: {msg: hi}\n',
    'pb/group_vars/all.yml': 'x: 1\n',
    'pb/roles/common/tasks/main.yml': '- name: C\n  ansible.builtin.debug: {msg: c}\n',
    'pb/roles/common/templates/etc/motd.j2': 'hello\n',
    'pb/roles/web/tasks/main.yml': '- name: W\n  ansible.builtin.include_role: {name: dep-by-include}\n',
    'pb/roles/web/meta/main.yml': 'dependencies:\n  - role: dep-by-meta\n',
    'pb/roles/dep-by-meta/tasks/main.yml': '- name: M\n  ansible.builtin.debug: {msg: m}\n',
    'pb/roles/dep-by-include/tasks/main.yml': '- name: I\n  ansible.builtin.debug: {msg: i}\n',
    'pb/roles/nested/tasks/main.yml': '- name: N\n  ansible.builtin.debug: {msg: n}\n',
    'pb/roles/hook/tasks/main.yml': '- name: H\n  ansible.builtin.debug: {msg: h}\n',
    'pb/roles/unused/tasks/main.yml': '- name: U\n  ansible.builtin.debug: {msg: u}\n',
    'pb/unrelated.yml': '- name: Unrelated\n  hosts: all\n',
  });
}

const rel = (root: string, files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join('/'));

describe('playbookFiles', () => {
  it('finds the playbook and every file its content depends on, and nothing else', () => {
    const root = tree();
    const files = rel(root, playbookFiles([path.join(root, 'pb/site.yml')], { image_builder_pre_roles: ['hook'] }));
    expect(files).toEqual([
      'pb/group_vars/all.yml',
      'pb/other.yml',
      'pb/roles/common/tasks/main.yml',
      'pb/roles/common/templates/etc/motd.j2',
      'pb/roles/dep-by-include/tasks/main.yml',
      'pb/roles/dep-by-meta/tasks/main.yml',
      'pb/roles/hook/tasks/main.yml',
      'pb/roles/nested/tasks/main.yml',
      'pb/roles/web/meta/main.yml',
      'pb/roles/web/tasks/main.yml',
      'pb/site.yml',
      'pb/tasks/extra.yml',
      'pb/tasks/more.yml',
      'pb/vars/common.yml',
    ]);
  });

  it('leaves out hook roles the variables do not name', () => {
    const root = tree();
    const files = rel(root, playbookFiles([path.join(root, 'pb/site.yml')], { image_builder_pre_roles: [] }));
    expect(files).not.toContain('pb/roles/hook/tasks/main.yml');
    expect(files).not.toContain('pb/roles/unused/tasks/main.yml');
  });

  it('finds a hook role named anywhere in the variables, at any depth', () => {
    const root = tree();
    const variables = { deep: { list: [{ role: 'hook' }] }, other: 'not-a-role', path: 'roles/unused' };
    const files = rel(root, playbookFiles([path.join(root, 'pb/site.yml')], variables));
    expect(files).toContain('pb/roles/hook/tasks/main.yml');
    expect(files).not.toContain('pb/roles/unused/tasks/main.yml');
  });

  // Audit A05: the variables' strings were collected in quadratic time (10k
  // strings took 10 s, 210k ran for more than 16 min). Linear, 200k strings
  // finish well within the test time limit.
  it('scans 200k strings in one recipe in linear time', () => {
    const root = tree();
    const strings = Array.from({ length: 200_000 }, (_, i) => `package-${i}`);
    const variables = { packages: strings, nested: { more: strings.slice(0, 1000).map((s) => ({ name: s })) }, last: ['hook'] };
    const files = rel(root, playbookFiles([path.join(root, 'pb/site.yml')], variables));
    expect(files).toContain('pb/roles/hook/tasks/main.yml');
    expect(files).not.toContain('pb/roles/unused/tasks/main.yml');
  });

  it('names a missing role and a missing task file', () => {
    const root = writeTree({ 'p.yml': '- hosts: all\n  roles: [ghost]\n' });
    expect(() => playbookFiles([path.join(root, 'p.yml')], {})).toThrow(PlaybookError);
    expect(() => playbookFiles([path.join(root, 'p.yml')], {})).toThrow(/role "ghost" not found/);
    const root2 = writeTree({ 'p.yml': '- hosts: all\n  tasks:\n    - ansible.builtin.import_tasks: nope.yml\n' });
    expect(() => playbookFiles([path.join(root2, 'p.yml')], {})).toThrow(/nope\.yml does not exist/);
  });

  it('reports a playbook that is not YAML', () => {
    const root = writeTree({ 'p.yml': '- hosts: [\n' });
    expect(() => playbookFiles([path.join(root, 'p.yml')], {})).toThrow(/p\.yml: not valid YAML/);
  });
});
