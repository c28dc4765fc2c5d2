import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinName, builtinPlaybooks, bundledPlaybooks, playbookPath, productRoot, rolesPath } from '../../src/topology/builtin.js';
import { parseTopology } from '../../src/topology/index.js';
import { problemsOf } from '../helpers/topology.js';
import { removeTempDirs, tempDir, writeTree } from '../helpers/tree.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLED = path.join(ROOT, 'playbooks');
const KNOWN = '"builtin:deprovision.yml", "builtin:provision.yml", "builtin:verify.yml"';

afterAll(removeTempDirs);

/** A topology in a repository of its own (.git), with `recipe` as the base recipe's lines. */
function topology(recipe: string): string {
  return `version: 1
images:
  base:
${recipe}
sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    regions: { rack1: { instances: [ { name: n1, image: base, os: debian12 } ] } }
`;
}

function repo(files: Record<string, string> = {}): string {
  const dir = writeTree(files);
  mkdirSync(path.join(dir, '.git'));
  return dir;
}

describe('where the bundled playbooks are', () => {
  it('is the product folder above the module (action.yml and playbooks/), its playbooks/ folder', () => {
    expect(productRoot()).toBe(ROOT);
    expect(bundledPlaybooks({})).toBe(BUNDLED);
  });

  it('IMAGE_BUILDER_PLAYBOOKS overrides it, made absolute', () => {
    expect(bundledPlaybooks({ IMAGE_BUILDER_PLAYBOOKS: '/opt/ib/playbooks' })).toBe('/opt/ib/playbooks');
    expect(bundledPlaybooks({ IMAGE_BUILDER_PLAYBOOKS: 'rel/playbooks' })).toBe(path.resolve('rel/playbooks'));
  });

  it('lists the built-in playbooks: the YAML files at the top of the folder, not the roles or the README', () => {
    expect(builtinPlaybooks(BUNDLED)).toEqual(['deprovision.yml', 'provision.yml', 'verify.yml']);
  });
});

describe('playbookPath', () => {
  it('resolves builtin:NAME in the bundled folder and any other entry from the topology folder', () => {
    expect(builtinName('builtin:provision.yml')).toBe('provision.yml');
    expect(builtinName('playbooks/provision.yml')).toBeUndefined();
    expect(playbookPath('builtin:provision.yml', '/repo', '/product/playbooks')).toBe('/product/playbooks/provision.yml');
    expect(playbookPath('builtin:verify.yml', '/repo')).toBe(path.join(BUNDLED, 'verify.yml'));
    expect(playbookPath('playbooks/site.yml', '/repo', '/product/playbooks')).toBe('/repo/playbooks/site.yml');
    expect(playbookPath('../shared/site.yml', '/repo/infra')).toBe('/repo/shared/site.yml');
  });

  it.each(['builtin:../secrets.yml', 'builtin:roles/x/tasks/main.yml', 'builtin:..', 'builtin:'])(
    'refuses %s: a built-in is a file name',
    (entry) => {
      expect(() => playbookPath(entry, '/repo', '/product/playbooks')).toThrow(
        /is not a built-in playbook: write builtin: and a file name/,
      );
    },
  );
});

describe('rolesPath', () => {
  it("is the topology's roles/ when it exists, then the bundled roles", () => {
    const bare = repo({ 'topology.yml': '' });
    expect(rolesPath(bare, '/product/playbooks')).toEqual(['/product/playbooks/roles']);
    const withRoles = repo({ 'roles/hardening/tasks/main.yml': '' });
    expect(rolesPath(withRoles, '/product/playbooks')).toEqual([path.join(withRoles, 'roles'), '/product/playbooks/roles']);
    expect(rolesPath(withRoles)).toEqual([path.join(withRoles, 'roles'), path.join(BUNDLED, 'roles')]);
  });

  it('refuses a folder that ANSIBLE_ROLES_PATH cannot hold (":" splits it, Packer renders "{{")', () => {
    const colon = path.join(tempDir(), 'a:b');
    mkdirSync(path.join(colon, 'roles'), { recursive: true });
    expect(() => rolesPath(colon, '/product/playbooks')).toThrow(
      /roles folder .*a:b\/roles holds ":", which cannot be on ANSIBLE_ROLES_PATH/,
    );
    expect(() => rolesPath('/nowhere', '/product/{{x}}/playbooks')).toThrow(/holds "\{\{"/);
  });
});

describe('builtin: in a topology', () => {
  it('loads builtin playbook and verify entries as written, with no playbooks/ folder in the repository', () => {
    const dir = repo();
    const t = parseTopology(
      topology('    playbooks: [builtin:provision.yml]\n    verify: builtin:verify.yml'),
      path.join(dir, 'topology.yml'),
    );
    expect(t.images.base).toMatchObject({ playbooks: ['builtin:provision.yml'], verify: 'builtin:verify.yml' });
  });

  it('mixes built-in and relative entries; plain relative paths are checked as before', () => {
    const dir = repo({ 'playbooks/site.yml': '- name: Site\n  hosts: all\n  tasks: []\n' });
    const t = parseTopology(topology('    playbooks: [builtin:provision.yml, playbooks/site.yml]'), path.join(dir, 'topology.yml'));
    expect(t.images.base.playbooks).toEqual(['builtin:provision.yml', 'playbooks/site.yml']);
    const problems = problemsOf(topology('    playbooks: [builtin:provision.yml, playbooks/sit.yml]'), path.join(dir, 'topology.yml'));
    expect(problems.map((p) => [p.line, p.col, p.message, p.hint])).toEqual([
      [4, 40, 'playbook "playbooks/sit.yml" not found', 'did you mean "playbooks/site.yml"?'],
    ]);
  });

  it('reports an unknown built-in at its line and column, with the built-ins there are', () => {
    const dir = repo();
    const file = path.join(dir, 'topology.yml');
    const problems = problemsOf(topology('    playbooks: [builtin:harden.yml]\n    verify: builtin:verfy.yml'), file);
    expect(problems.map((p) => ({ file: p.file, at: `${p.line}:${p.col}`, message: p.message, hint: p.hint }))).toEqual([
      {
        file,
        at: '4:17',
        message: 'unknown built-in playbook "builtin:harden.yml"',
        hint: `the built-in playbooks are ${KNOWN}; anything else is a path relative to the topology file's folder`,
      },
      {
        file,
        at: '5:13',
        message: 'unknown built-in verify playbook "builtin:verfy.yml"',
        hint: `did you mean "builtin:verify.yml"? the built-in playbooks are ${KNOWN}`,
      },
    ]);
  });

  it('refuses a built-in name that climbs out of the bundled folder', () => {
    const problems = problemsOf(topology('    playbooks: ["builtin:../action.yml"]'), path.join(repo(), 'topology.yml'));
    expect(problems.map((p) => p.message)).toEqual(['unknown built-in playbook "builtin:../action.yml"']);
  });
});
