/**
 * The playbook walk's disk reads, kept per reader: one reader shared by many
 * walks (a Fingerprinter's) answers what fresh readers answer, reads and
 * parses each file once, and still reports a missing or broken file.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { playbookFiles, PlaybookError, PlaybookReader } from '../../src/plan/playbook-files.js';
import { writeTree } from '../helpers/tree.js';

const SITE = `
- name: Provision
  hosts: all
  roles: [common]
  tasks:
    - name: Hook roles
      ansible.builtin.include_role:
        name: "{{ item }}"
      loop: "{{ hooks }}"
`;

function tree() {
  return writeTree({
    'pb/site.yml': SITE,
    'pb/roles/common/tasks/main.yml': '- name: C\n  ansible.builtin.include_tasks: more.yml\n',
    'pb/roles/common/tasks/more.yml': '- name: M\n  ansible.builtin.debug: {msg: m}\n',
    'pb/roles/hook-a/tasks/main.yml': '- name: A\n  ansible.builtin.debug: {msg: a}\n',
    'pb/roles/hook-b/meta/main.yml': 'dependencies: [hook-a]\n',
    'pb/broken.yml': '- name: [unclosed\n',
  });
}

const rel = (root: string, files: string[]) => files.map((f) => path.relative(root, f).split(path.sep).join('/'));

describe('PlaybookReader', () => {
  it('gives every walk sharing it what a fresh reader gives, whatever the variables', () => {
    const root = tree();
    const site = [path.join(root, 'pb/site.yml')];
    const shared = new PlaybookReader();
    for (const hooks of [[], ['hook-a'], ['hook-b'], ['hook-a', 'hook-b', 'not-a-role'], ['jq', 'pkg-1']]) {
      expect(rel(root, playbookFiles(site, { hooks }, [], shared))).toEqual(rel(root, playbookFiles(site, { hooks })));
    }
    expect(rel(root, playbookFiles(site, { hooks: ['hook-b'] }, [], shared))).toEqual([
      'pb/roles/common/tasks/main.yml',
      'pb/roles/common/tasks/more.yml',
      'pb/roles/hook-a/tasks/main.yml',
      'pb/roles/hook-b/meta/main.yml',
      'pb/site.yml',
    ]);
  });

  it('reads and parses a file once: later answers are the first, even after the file changes', () => {
    const root = tree();
    const file = path.join(root, 'pb/site.yml');
    const reader = new PlaybookReader();
    const first = reader.yaml(file);
    expect(reader.yaml(file)).toBe(first);
    writeFileSync(file, '- name: Changed\n  hosts: all\n');
    expect(reader.yaml(file)).toBe(first);
    expect(new PlaybookReader().yaml(file)).toEqual([{ name: 'Changed', hosts: 'all' }]);

    const dir = path.join(root, 'pb/roles/common');
    expect(reader.listFiles(dir).map((f) => path.basename(f))).toEqual(['main.yml', 'more.yml']);
    expect(reader.exists(dir)).toBe(true);
    rmSync(dir, { recursive: true });
    expect(reader.exists(dir)).toBe(true);
    expect(reader.listFiles(dir)).toHaveLength(2);
    expect(new PlaybookReader().exists(dir)).toBe(false);
  });

  it('answers nothing for a missing folder, and a broken file fails each time it is asked', () => {
    const root = tree();
    const reader = new PlaybookReader();
    expect(reader.listFiles(path.join(root, 'nowhere'))).toEqual([]);
    expect(reader.listNames(path.join(root, 'nowhere'))).toEqual([]);
    expect(reader.listNames(path.join(root, 'pb/roles')).sort()).toEqual(['common', 'hook-a', 'hook-b']);
    const broken = path.join(root, 'pb/broken.yml');
    for (let k = 0; k < 2; k++) {
      expect(() => reader.yaml(broken)).toThrow(PlaybookError);
      expect(() => reader.yaml(broken)).toThrow(`${broken}: not valid YAML`);
    }
    expect(() => playbookFiles([path.join(root, 'pb/missing.yml')], {}, [], reader)).toThrow(
      `${path.join(root, 'pb/missing.yml')} does not exist`,
    );
  });
});
