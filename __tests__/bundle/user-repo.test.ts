/**
 * The bundle in a user's repository, laid out as the reusable workflow lays
 * it out: the user's checkout at the root (topology.yml, a hook role in
 * roles/, no playbooks/ of its own), the product checked out at
 * `.image-builder/` (action.yml, package.json, dist/, playbooks/), and the
 * action run as `node .image-builder/dist/index.js` with INPUT_* variables
 * and a GITHUB_OUTPUT file. The topology names the bundled provisioning as
 * `builtin:provision.yml`; plan, build (dry run), verify (through the Packer
 * stand-in), distribute and lifecycle (dry runs) run in turn, each step
 * reading what the one before left.
 *
 * Between the dry-run build and verify, the test puts into the store and the
 * results folder what a real build leaves there: the stand-in's build writes
 * no disk that qemu-img could put an overlay on.
 *
 * Needs dist/ built from the sources (`npm run build`).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprinted } from '../../src/plan/images.js';
import { parseInputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { imageTags } from '../../src/images/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { topologyOwner } from '../../src/topology/owner.js';
import { writeResult } from '../../src/commands/results.js';
import { actionInputs, runAction, type ActionRun } from '../helpers/action-run.js';
import { fakePacker } from '../helpers/fake-packer.js';
import { describeWith } from '../helpers/tools.js';
import { removeTempDirs, tempDir, writeTree } from '../helpers/tree.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/index.js');
/** What the workflow checks out of the product and what the action needs of it. */
const PRODUCT_FILES = ['action.yml', 'package.json', 'dist', 'playbooks'];
const GITHUB = { GITHUB_REPOSITORY: 'acme/fleet', GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567' };

/** The README's topology, on the local provider, with the bundled playbooks and one hook role of the user's. */
const TOPOLOGY = `version: 1
images:                       # recipes, by name
  base:
    playbooks: [builtin:provision.yml]
    variables:
      packages: [chrony, jq]
      container_images: []
      image_builder_post_roles: [site_motd]   # roles/site_motd/ beside this file
  controller:
    extends: base
    variables:
      container_images: [registry.example.com/controller:1.4]
    verify: builtin:verify.yml
sources:
  debian12:
    local: { image: base/debian12.qcow2 }
clouds:
  - name: lab
    provider: local
    store: .images
    regions:
      rack1:
        instances:
          - { name: ctrl, image: controller, os: debian12 }
          - { name: node, image: base, os: debian12, count: 10 }
      rack2:
        instances:
          - { name: node, image: base, os: debian12 }
lifecycle:
  keep: 3
  retired: []
`;

const HOOK_ROLE = {
  'roles/site_motd/tasks/main.yml': `- name: Write the message of the day
  ansible.builtin.template:
    src: motd.j2
    dest: /etc/motd
    mode: "0644"
`,
  'roles/site_motd/templates/motd.j2': 'Built by {{ image_builder_name }}\n',
};

interface Cell {
  cloud: string;
  provider: string;
  image: string;
  os: string;
  fingerprint: string;
  name: string;
  region: string;
  regions: string[];
}

/** The user's repository with the product at .image-builder/, as the workflow's two checkouts leave it. */
function userRepository(): string {
  const repo = tempDir('ib-user-repo-');
  mkdirSync(path.join(repo, '.git'));
  for (const item of PRODUCT_FILES) cpSync(path.join(ROOT, item), path.join(repo, '.image-builder', item), { recursive: true });
  writeTree({ 'topology.yml': TOPOLOGY, ...HOOK_ROLE, 'base/vmlinuz': 'kernel', 'base/initrd.img': 'initrd' }, repo);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(repo, 'base/debian12.qcow2'), '16M']);
  return repo;
}

afterAll(removeTempDirs);

describeWith(['qemu-img'], 'the bundle in a user repository, product at .image-builder/', () => {
  let repo: string;
  let product: string;
  let fakeBin: string;
  let cells: Cell[];
  const results = 'image-builder-results';
  const work = 'image-builder-work';

  /** Runs the copy of the bundle in the repository as a workflow step would, the Packer stand-in first on PATH. */
  const step = (inputs: Record<string, string>): Promise<ActionRun> =>
    runAction(repo, path.join('.image-builder', 'dist', 'index.js'), {
      ...GITHUB,
      PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
      ...actionInputs({ topology: 'topology.yml', results, 'work-dir': work, ...inputs }),
    });
  const json = (file: string) => JSON.parse(readFileSync(path.resolve(repo, file), 'utf8'));
  const cell = (image: string): Cell => cells.find((c) => c.image === image) as Cell;
  /** What the template hands Ansible in each provisioner: the playbook and the environment, variables filled in. */
  const ansibleRuns = (run: ActionRun) => {
    const template = json(run.outputs.template);
    const vars = json(run.outputs['var-file']);
    const fill = (s: string) => s.replace(/\$\{var\.(\w+)\}/g, (_m, name: string) => String(vars[name]));
    return (template.build.provisioner as { ansible: { playbook_file: string; ansible_env_vars: string[] } }[]).map(({ ansible }) => ({
      playbook: fill(ansible.playbook_file),
      env: ansible.ansible_env_vars.map(fill),
    }));
  };

  beforeAll(() => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
    repo = userRepository();
    product = path.join(repo, '.image-builder');
    fakeBin = fakePacker(tempDir('ib-fake-packer-'), { build: 'pass' });
  });

  it('plan: two builds, fingerprinted as the product checkout itself fingerprints them', async () => {
    const r = await step({ command: 'plan', 'plan-file': 'image-builder-plan.json' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({
      'has-builds': 'true',
      'build-count': '2',
      // base, once built in rack1, goes to rack2 too.
      'copy-count': '1',
      'retire-count': '0',
      'chunk-count': '1',
      chunks: '[0]',
      'plan-file': path.join(repo, 'image-builder-plan.json'),
      providers: '["local"]',
    });
    cells = JSON.parse(r.outputs.matrix).include;
    // Bundled files are keyed builtin:..., so this repository's own product folder (not .image-builder/) gives the same fingerprints.
    const here = fingerprinted(
      await loadTopology(path.join(repo, 'topology.yml')),
      parseInputs(() => ''),
    );
    expect(cells).toEqual(
      here.map((i) =>
        expect.objectContaining({
          cloud: 'lab',
          provider: 'local',
          image: i.image,
          os: 'debian12',
          fingerprint: i.fingerprint,
          name: i.name,
        }),
      ),
    );
    expect(cells.map((c) => [c.image, c.region, c.regions])).toEqual([
      ['base', 'rack1', ['rack1', 'rack2']],
      ['controller', 'rack1', ['rack1']],
    ]);
    expect(json('image-builder-plan.json').builds).toEqual(cells);
  });

  it('plan: the hook role in roles/ and the bundled roles are in the fingerprint', async () => {
    const touched = userRepository();
    writeTree({ 'roles/site_motd/templates/motd.j2': 'Built by {{ image_builder_name }}, changed\n' }, touched);
    const changed = fingerprinted(
      await loadTopology(path.join(touched, 'topology.yml')),
      parseInputs(() => ''),
    );
    expect(changed.map((i) => i.fingerprint)).not.toContain(cell('base').fingerprint);
    expect(changed.map((i) => i.fingerprint)).not.toContain(cell('controller').fingerprint);
    const bundledRole = userRepository();
    writeTree({ '.image-builder/playbooks/roles/image_builder_packages/defaults/main.yml': 'packages: []\n# changed\n' }, bundledRole);
    const r = await runAction(bundledRole, path.join('.image-builder', 'dist', 'index.js'), {
      ...GITHUB,
      ...actionInputs({ command: 'plan', topology: 'topology.yml' }),
    });
    expect(r.code).toBe(0);
    const fingerprints = (JSON.parse(r.outputs.matrix).include as Cell[]).map((c) => c.fingerprint);
    expect(fingerprints).toHaveLength(2);
    expect(fingerprints).not.toContain(cell('base').fingerprint);
    expect(fingerprints).not.toContain(cell('controller').fingerprint);
  });

  it("build --dry-run: the bundled playbooks from .image-builder/, ANSIBLE_ROLES_PATH naming the user's roles/ then the bundled roles", async () => {
    const r = await step({ command: 'build', cell: JSON.stringify(cell('controller')), 'dry-run': 'true' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The work folder is the image's, named with the build's start time.
    const dir = path.dirname(r.outputs.template);
    expect(path.relative(repo, dir)).toMatch(new RegExp(`^${work}/lab--${cell('controller').name}-\\d{14}$`));
    expect(r.outputs).toEqual({ template: path.join(dir, 'image.pkr.json'), 'var-file': path.join(dir, 'image.pkrvars.json') });
    const rolesPath = `ANSIBLE_ROLES_PATH=${path.join(repo, 'roles')}:${path.join(product, 'playbooks/roles')}`;
    expect(ansibleRuns(r)).toEqual([
      { playbook: path.join(product, 'playbooks/provision.yml'), env: expect.arrayContaining([rolesPath]) },
      { playbook: path.join(product, 'playbooks/deprovision.yml'), env: expect.arrayContaining([rolesPath]) },
    ]);
    // The paths travel in the variables file; the template names variables only.
    expect(readFileSync(r.outputs.template, 'utf8')).not.toContain(repo);
    const extraVars = json(json(r.outputs['var-file']).extra_vars_file);
    expect(JSON.stringify(extraVars.image_builder_post_roles)).toContain('site_motd');
    // The stand-in validated the template (a failure would have failed the step); nothing was built.
    expect(readFileSync(path.join(dir, 'packer-validate.log'), 'utf8')).toBe('\n');
    expect(existsSync(path.join(repo, results))).toBe(false);
    expect(existsSync(path.join(repo, '.images'))).toBe(false);
  });

  it('verify (Packer stand-in): both images pass, with the bundled verify.yml and the same roles path', async () => {
    // What the build jobs leave: each image in the store (built in rack1) and its result file.
    const topology = await loadTopology(path.join(repo, 'topology.yml'));
    const owner = topologyOwner(topology, GITHUB).value;
    const store = new LocalProvider(topology.clouds[0], { baseDir: topology.dir });
    for (const c of cells) {
      const name = `${c.name}-20261128201015`;
      const tags = imageTags({ fingerprint: c.fingerprint, image: c.image, os: c.os, cloud: c.cloud, owner });
      const stored = await store.add(
        {
          name,
          cloud: 'lab',
          region: 'rack1',
          fingerprint: c.fingerprint,
          image: c.image,
          os: c.os,
          state: 'available',
          channel: 'candidate',
          verified: 'unverified',
          createdAt: new Date().toISOString(),
          tags,
        },
        {
          'image.qcow2': path.join(repo, 'base/debian12.qcow2'),
          vmlinuz: path.join(repo, 'base/vmlinuz'),
          'initrd.img': path.join(repo, 'base/initrd.img'),
        },
      );
      await writeResult(path.join(repo, results), {
        version: 1,
        cloud: 'lab',
        provider: 'local',
        image: c.image,
        os: c.os,
        fingerprint: c.fingerprint,
        name,
        region: 'rack1',
        regions: c.regions,
        imageId: stored.id,
        builtAt: new Date().toISOString(),
        durationSeconds: 1,
        packerVersion: '1.6.6',
        verified: 'unverified',
      });
    }
    const rolesPath = `ANSIBLE_ROLES_PATH=${path.join(repo, 'roles')}:${path.join(product, 'playbooks/roles')}`;
    for (const image of ['base', 'controller']) {
      const r = await step({ command: 'verify', cell: JSON.stringify(cell(image)) });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(Object.keys(r.outputs).sort()).toEqual(['template', 'var-file']);
      // base names no verify playbook (the bundled one is the default); controller names builtin:verify.yml.
      expect(ansibleRuns(r)).toEqual([{ playbook: path.join(product, 'playbooks/verify.yml'), env: expect.arrayContaining([rolesPath]) }]);
      expect(r.stdout).toContain(`verification passed (verify.yml)`);
    }
    const verdicts = readdirSync(path.join(repo, results)).map((f) => json(path.join(results, f)).verified);
    expect(verdicts).toEqual(['passed', 'passed']);
    expect((await store.inventory('rack1')).map((i) => i.verified)).toEqual(['passed', 'passed']);
  });

  it('distribute --dry-run: would copy base to rack2, copies nothing', async () => {
    const r = await step({ command: 'distribute', 'dry-run': 'true' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ 'copied-count': '0', 'failed-count': '0' });
    const base = json(path.join(results, `lab--${cell('base').name}-20261128201015.json`));
    expect(r.stdout).toContain(`dry-run: would copy ${cell('base').name} (${base.imageId}) of lab from rack1 to rack2`);
    expect(r.stdout).not.toContain(`would copy ${cell('controller').name}`);
    expect(readdirSync(path.join(repo, '.images'))).not.toContain('rack2');
  });

  it('lifecycle --dry-run: would promote both verified images to gold, changes nothing', async () => {
    const r = await step({ command: 'lifecycle', 'dry-run': 'true' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ 'promoted-count': '0', 'removed-count': '0', 'failed-count': '0' });
    for (const c of cells) expect(r.stdout).toMatch(new RegExp(`dry-run: .*would promote ${c.name}-20261128201015 \\(.*\\) to gold`));
    const store = new LocalProvider((await loadTopology(path.join(repo, 'topology.yml'))).clouds[0], { baseDir: repo });
    expect((await store.inventory('rack1')).map((i) => i.channel)).toEqual(['candidate', 'candidate']);
  });
});

/** The first YAML block of the README's "The topology file" section, as a user copies it. */
function readmeTopology(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## The topology file'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README.md: no yaml block under "## The topology file"');
  return match[1];
}

describe("the README's topology, verbatim, in a repository that holds only it", () => {
  let repo: string;
  let fakeBin: string;
  const step = (inputs: Record<string, string>): Promise<ActionRun> =>
    runAction(repo, path.join('.image-builder', 'dist', 'index.js'), {
      ...GITHUB,
      PATH: `${fakeBin}:${process.env.PATH ?? ''}`,
      ...actionInputs({ topology: 'topology.yml', results: 'results', 'work-dir': 'work', ...inputs }),
    });

  beforeAll(() => {
    repo = tempDir('ib-readme-repo-');
    mkdirSync(path.join(repo, '.git'));
    for (const item of PRODUCT_FILES) cpSync(path.join(ROOT, item), path.join(repo, '.image-builder', item), { recursive: true });
    writeTree({ 'topology.yml': readmeTopology() }, repo);
    // A runner's Packer (setup-packer installs the newest): cloud verification templates need 1.7 or later.
    fakeBin = fakePacker(tempDir('ib-fake-packer-'), { build: 'pass', version: '1.11.2' });
  });

  it('plans (offline, as a pull request from a fork would), then builds and verifies every cell in dry-run', async () => {
    const plan = await step({ command: 'plan', offline: 'true', 'plan-file': 'plan.json' });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const cells = JSON.parse(plan.outputs.matrix).include as Cell[];
    const clouds = (await loadTopology(path.join(repo, 'topology.yml'))).clouds;
    expect(cells.length).toBeGreaterThan(1);
    // Every cloud of the README's topology has something to build.
    expect(new Set(cells.map((c) => c.cloud))).toEqual(new Set(clouds.map((c) => c.name)));
    expect(plan.outputs['build-count']).toBe(String(cells.length));
    for (const cell of cells) {
      const build = await step({ command: 'build', cell: JSON.stringify(cell), 'dry-run': 'true' });
      expect({ cell: cell.name, cloud: cell.cloud, code: build.code, stderr: build.stderr }).toEqual({
        cell: cell.name,
        cloud: cell.cloud,
        code: 0,
        stderr: '',
      });
      // Every template names the bundled playbooks of the product checkout.
      expect(readFileSync(build.outputs['var-file'], 'utf8')).toContain(path.join(repo, '.image-builder', 'playbooks', 'provision.yml'));
      // What the workflow's "Stand-in result (dry run)" step hands verify in a dry run (image id "dry-run").
      await writeResult(path.join(repo, 'results'), {
        version: 1,
        ...cell,
        provider: cell.provider as 'aws',
        imageId: 'dry-run',
        builtAt: '2026-11-28T20:10:15Z',
        durationSeconds: 0,
        packerVersion: '',
        verified: 'unverified',
      });
      const verify = await step({ command: 'verify', cell: JSON.stringify(cell), 'dry-run': 'true' });
      expect({
        cell: cell.name,
        cloud: cell.cloud,
        code: verify.code,
        stderr: verify.stderr,
        out: verify.code ? verify.stdout : '',
      }).toEqual({
        out: '',
        cell: cell.name,
        cloud: cell.cloud,
        code: 0,
        stderr: '',
      });
    }
  });
});
