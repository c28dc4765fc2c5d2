/**
 * Values handed to Ansible are literal (audit section 3): every string of the
 * extra-vars file is marked {"__ansible_unsafe": …}. Proven on
 * ansible-playbook itself, on localhost with connection local: a lookup that
 * would run a command stays text, and the bundled roles' own tasks and
 * templates work with marked values.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { ANSIBLE_UNSAFE, ansibleLiteral } from '../../src/packer/extra-vars.js';
import { extraVars } from '../../src/packer/image-template.js';
import type { FingerprintedImage } from '../../src/plan/types.js';
import { runProcess } from '../../src/util/process.js';
import { describeWith } from '../helpers/tools.js';
import { removeTempDirs, tempDir } from '../helpers/tree.js';

afterAll(removeTempDirs);

const ROOT = process.cwd();
const TIMEOUT = 180_000;
const INSTALL = 'apt-get install ansible';

/** A command Ansible would run on the controller if it templated the value. */
const payload = (marker: string) => `{{ lookup('pipe', 'touch ${marker}') }}`;

function image(variables: Record<string, unknown>, cloud = 'lab'): FingerprintedImage {
  return {
    cloud,
    provider: 'local',
    image: 'base',
    os: 'debian12',
    fingerprint: '0123456789abcdef',
    name: 'ib-base-debian12-0123456789abcdef',
    owner: 'acme',
    recipe: { name: 'base', playbooks: [], variables, build: {}, lineage: [] },
    source: { suite: 'bookworm' },
    regions: ['rack1'],
    buildRegion: 'rack1',
    target: { name: cloud, provider: 'local', build_region: 'rack1', regions: {}, share: { accounts: [], public: false } },
  };
}

/** Every string leaf of `value` (keys excluded). */
function strings(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') {
    if (Object.keys(value).length === 1 && ANSIBLE_UNSAFE in value) return [];
    return Object.values(value).flatMap(strings);
  }
  return typeof value === 'string' ? [value] : [];
}

describe('ansibleLiteral', () => {
  it('marks every string at any depth; keys, numbers, booleans and null stay as they are', () => {
    expect(ansibleLiteral({ a: 'x', n: 1, b: true, z: null, l: ['y', [{ k: 'z' }]] })).toEqual({
      a: { __ansible_unsafe: 'x' },
      n: 1,
      b: true,
      z: null,
      l: [{ __ansible_unsafe: 'y' }, [{ k: { __ansible_unsafe: 'z' } }]],
    });
    const proto = ansibleLiteral(JSON.parse('{"__proto__": "v"}')) as object;
    expect(JSON.stringify(proto)).toBe('{"__proto__":{"__ansible_unsafe":"v"}}');
  });

  it('extraVars marks the recipe variables and the image_builder_* facts', () => {
    const vars = extraVars(image({ motd: 'hi', deep: { list: ['a', { b: 'c' }] }, count: 2 }), {
      buildTime: new Date('2026-01-01T00:00:00Z'),
      gitSha: 'abc',
      version: '0.1.0',
    });
    expect(strings(vars)).toEqual([]);
    expect(vars).toMatchObject({
      motd: { __ansible_unsafe: 'hi' },
      count: 2,
      image_builder_name: { __ansible_unsafe: 'ib-base-debian12-0123456789abcdef' },
      image_builder_build_time: { __ansible_unsafe: '2026-01-01T00:00:00.000Z' },
      image_builder_git_sha: { __ansible_unsafe: 'abc' },
    });
  });
});

/** Runs ansible-playbook on localhost, its temporary folders inside `dir`. */
function ansible(dir: string, playbook: string, varsFile: string) {
  return runProcess('ansible-playbook', ['-i', 'localhost,', '-c', 'local', '--extra-vars', `@${varsFile}`, playbook], {
    cwd: dir,
    timeoutMs: TIMEOUT,
    env: {
      ...process.env,
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_LOCAL_TEMP: path.join(dir, '.ansible-local'),
      ANSIBLE_REMOTE_TMP: path.join(dir, '.ansible-remote'),
      ANSIBLE_ROLES_PATH: path.join(dir, 'roles'),
    },
  });
}

/** A task of one of the bundled playbooks or roles, by its name (so the test runs their text, not a copy). */
function bundledTask(file: string, name: string): Record<string, unknown> {
  const doc = parse(readFileSync(path.join(ROOT, 'playbooks', file), 'utf8')) as Record<string, unknown>[];
  const tasks = file.endsWith('provision.yml') ? (doc[0].tasks as Record<string, unknown>[]) : doc;
  const task = tasks.find((t) => t.name === name);
  if (!task) throw new Error(`no task "${name}" in playbooks/${file}`);
  return task;
}

describeWith(
  ['ansible-playbook'],
  'ansible-playbook with the extra-vars file',
  () => {
    it(
      'runs the lookup when the value is not marked (the payload is live)',
      async () => {
        const dir = tempDir();
        const marker = path.join(dir, 'ran');
        writeFileSync(path.join(dir, 'vars.json'), JSON.stringify({ motd: payload(marker) }));
        writeFileSync(
          path.join(dir, 'play.yml'),
          stringify([
            {
              name: 'Control',
              hosts: 'all',
              gather_facts: false,
              tasks: [{ name: 'Show', 'ansible.builtin.debug': { msg: '{{ motd }}' } }],
            },
          ]),
        );
        const result = await ansible(dir, 'play.yml', 'vars.json');
        expect(result).toMatchObject({ code: 0 });
        expect(existsSync(marker)).toBe(true);
      },
      TIMEOUT,
    );

    it(
      'keeps every value literal: recipe variables at any depth, facts, hook role names, the manifest template',
      async () => {
        const dir = tempDir();
        const markers = ['motd', 'list', 'deep', 'hook', 'cloud'].map((m) => path.join(dir, `ran-${m}`));
        mkdirSync(path.join(dir, 'roles/hook_role/tasks'), { recursive: true });
        writeFileSync(
          path.join(dir, 'roles/hook_role/tasks/main.yml'),
          stringify([
            { name: 'Hook', 'ansible.builtin.copy': { content: '{{ hook_value }}\n', dest: '{{ out_dir }}/hook.txt', mode: '0644' } },
          ]),
        );
        const variables = {
          motd: payload(markers[0]),
          packages: ['bash', payload(markers[1])],
          nested: { deep: { list: [payload(markers[2])] } },
          image_builder_pre_roles: ['hook_role'],
          hook_value: payload(markers[3]),
          out_dir: dir,
          artifacts: [{ url: 'https://user:secret@example.org/a{{x}}.tgz?token=1', dest: '/opt/a' }],
          container_images: [],
          prefetch_packages: [],
        };
        const facts = { buildTime: new Date('2026-01-01T00:00:00Z'), gitSha: 'abc', version: '0.1.0' };
        // As packer/job.ts writes it.
        const vars = { ...extraVars(image(variables, `lab-${payload(markers[4])}`), facts), image_builder_deprovision: false };
        writeFileSync(path.join(dir, 'extra-vars.json'), JSON.stringify(vars, null, 2) + '\n');
        const manifest = path.join(ROOT, 'playbooks/roles/image_builder_manifest/templates/etc/image-builder/manifest.json.j2');
        const play = {
          name: 'Literal values',
          hosts: 'all',
          gather_facts: true,
          gather_subset: ['min'],
          tasks: [
            bundledTask('provision.yml', "Run the user's roles that come before ours"),
            {
              name: 'Write the values',
              'ansible.builtin.copy': {
                content: "{{ {'motd': motd, 'packages': packages, 'nested': nested, 'cloud': image_builder_cloud} | to_json }}\n",
                dest: '{{ out_dir }}/out.json',
                mode: '0644',
              },
            },
            {
              name: 'Unsafe values are still strings',
              'ansible.builtin.assert': {
                that: ['packages[0] is string', 'packages | length == 2', 'nested.deep.list[0] is string', "'lookup' in motd"],
              },
            },
            { name: 'The manifest', 'ansible.builtin.template': { src: manifest, dest: '{{ out_dir }}/manifest.json', mode: '0644' } },
          ],
        };
        writeFileSync(path.join(dir, 'play.yml'), stringify([play]));
        const result = await ansible(dir, 'play.yml', 'extra-vars.json');
        if (result.code !== 0) throw new Error(`ansible-playbook failed:\n${result.tail.join('\n')}`);

        expect(markers.filter((m) => existsSync(m))).toEqual([]);
        expect(JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8'))).toEqual({
          motd: payload(markers[0]),
          packages: ['bash', payload(markers[1])],
          nested: { deep: { list: [payload(markers[2])] } },
          cloud: `lab-${payload(markers[4])}`,
        });
        expect(readFileSync(path.join(dir, 'hook.txt'), 'utf8')).toBe(`${payload(markers[3])}\n`);
        const written = readFileSync(path.join(dir, 'manifest.json'), 'utf8');
        expect(written).not.toContain(ANSIBLE_UNSAFE);
        expect(JSON.parse(written)).toMatchObject({
          name: 'ib-base-debian12-0123456789abcdef',
          cloud: `lab-${payload(markers[4])}`,
          build_time: '2026-01-01T00:00:00.000Z',
          packages: ['bash', payload(markers[1])],
          artifacts: [{ url: 'https://example.org/a{{x}}.tgz', dest: '/opt/a' }],
        });
      },
      TIMEOUT,
    );
  },
  INSTALL,
);

describeWith(
  ['ansible-playbook', 'apt-get'],
  "the packages role's apt task with marked package names",
  () => {
    it(
      'installs nothing new in check mode: the names reach apt as strings',
      async () => {
        const dir = tempDir();
        writeFileSync(
          path.join(dir, 'extra-vars.json'),
          JSON.stringify(extraVars(image({ packages: ['bash'] }), { buildTime: new Date(), version: '0' })),
        );
        const task = {
          ...bundledTask('roles/image_builder_packages/tasks/debian.yml', 'Install the requested packages'),
          check_mode: true,
        };
        writeFileSync(
          path.join(dir, 'play.yml'),
          stringify([{ name: 'Apt', hosts: 'all', gather_facts: false, vars: { packages_install_recommends: false }, tasks: [task] }]),
        );
        const result = await ansible(dir, 'play.yml', 'extra-vars.json');
        if (result.code !== 0) throw new Error(`ansible-playbook failed:\n${result.tail.join('\n')}`);
        expect(result.tail.join('\n')).toMatch(/ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
      },
      TIMEOUT,
    );
  },
  INSTALL,
);
