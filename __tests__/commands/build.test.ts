import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBuild } from '../../src/commands/build.js';
import { runPlan } from '../../src/commands/plan.js';
import { parseInputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { withFakePacker } from '../helpers/fake-packer.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const ROOT = process.cwd();
const TOPOLOGY = (store: string) => `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
    variables: { packages: [jq] }
sources:
  debian12:
    local: { image: base/base.qcow2 }
    aws: { owner: "136693071363", name: "debian-12-amd64-*" }
clouds:
  - name: lab
    provider: local
    store: ${store}
    regions: { rack1: { instances: [ { name: n, image: base, os: debian12 } ] } }
  - name: aws-prod
    provider: aws
    regions: { eu-west-1: { instances: [ { name: n, image: base, os: debian12 } ] } }
`;

async function setup() {
  const dir = writeTree({ 'base/base.qcow2': 'disk', 'base/vmlinuz': 'k', 'base/initrd.img': 'i' });
  // Playbook paths stay inside the topology's repository (src/topology/paths.ts): a copy of ours.
  cpSync(path.join(ROOT, 'playbooks'), path.join(dir, 'playbooks'), { recursive: true });
  writeFileSync(path.join(dir, 'topology.yml'), TOPOLOGY('store'));
  const inputs = (extra: Record<string, string>) =>
    parseInputs(
      (n) =>
        (
          ({
            topology: path.join(dir, 'topology.yml'),
            'plan-file': path.join(dir, 'plan.json'),
            results: path.join(dir, 'results'),
            'work-dir': path.join(dir, 'work'),
            offline: 'true',
            ...extra,
          }) as Record<string, string>
        )[n] ?? '',
    );
  const { plan } = await runPlan(inputs({}), recorder());
  const cell = (cloud: string) => JSON.stringify(plan.builds.find((b) => b.cloud === cloud));
  return { dir, inputs, cell, plan };
}

afterAll(removeTempDirs);

describe('build', () => {
  it('dry run writes and validates the template for a local and a cloud cell, builds nothing', async () => {
    const { dir, inputs, cell } = await setup();
    for (const cloud of ['lab', 'aws-prod']) {
      const r = recorder();
      const out = await runBuild(inputs({ command: 'build', 'dry-run': 'true', cell: cell(cloud) }), r);
      expect(r.outputs.template).toBe(out.template);
      expect(r.outputs['var-file']).toBe(out.varFile);
      const template = JSON.parse(readFileSync(out.template, 'utf8'));
      expect(Object.keys(template.source)).toEqual([cloud === 'lab' ? 'qemu' : 'amazon-ebs']);
      // packer validate ran (a failure would have thrown) and its output was kept
      expect(existsSync(path.join(path.dirname(out.template), 'packer-validate.log'))).toBe(true);
      expect(r.outputs['image-id']).toBeUndefined();
    }
    expect(existsSync(path.join(dir, 'store'))).toBe(false);
    expect(existsSync(path.join(dir, 'results'))).toBe(false);
  });

  it('hands values to Packer and Ansible only through JSON files', async () => {
    const { inputs, cell } = await setup();
    const out = await runBuild(inputs({ command: 'build', 'dry-run': 'true', cell: cell('lab') }), recorder());
    const vars = JSON.parse(readFileSync(out.varFile, 'utf8'));
    const extra = JSON.parse(readFileSync(vars.extra_vars_file, 'utf8'));
    // Every string is marked so that Ansible takes it literally (src/packer/extra-vars.ts).
    expect(extra).toMatchObject({
      packages: [{ __ansible_unsafe: 'jq' }],
      image_builder_recipe: { __ansible_unsafe: 'base' },
      image_builder_deprovision: false,
    });
    expect(JSON.stringify(JSON.parse(readFileSync(out.template, 'utf8')))).not.toContain('jq');
  });

  it('a Packer failure names the image, shows the last lines, and leaves the store unchanged', async () => {
    const { dir, inputs, cell } = await setup();
    await withFakePacker(dir, { build: 'fail' }, () =>
      expect(runBuild(inputs({ command: 'build', cell: cell('lab') }), recorder())).rejects.toThrow(
        /lab\/ib-base-debian12-[0-9a-f]{16}-\d{14}: packer build failed \(exit 1\)[\s\S]*task failed on purpose[\s\S]*full log: /,
      ),
    );
    expect(existsSync(path.join(dir, 'store'))).toBe(false);
    expect(existsSync(path.join(dir, 'results'))).toBe(false);
  });

  it('with modern Packer, installs the pinned plugins (packer init) before validating, with the token for GitHub', async () => {
    const { dir, inputs, cell } = await setup();
    const calls = path.join(dir, 'calls.log');
    const out = await withFakePacker(dir, { version: '1.11.2', log: calls }, () =>
      runBuild(inputs({ command: 'build', 'dry-run': 'true', token: 'ghs_example', cell: cell('aws-prod') }), recorder()),
    );
    expect(JSON.parse(readFileSync(out.template, 'utf8')).packer.required_plugins.amazon.source).toBe('github.com/hashicorp/amazon');
    const lines = readFileSync(calls, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['version', 'init', 'validate']);
    expect(lines[1]).toMatch(/token=ghs_example plugins=\S+image-builder-packer-plugins/);
  });

  it('refuses a cell whose inputs changed since the plan, and a missing local source', async () => {
    const { dir, inputs, cell } = await setup();
    const stale = JSON.stringify({ ...JSON.parse(cell('lab')), fingerprint: '0'.repeat(32) });
    await expect(runBuild(inputs({ command: 'build', cell: stale }), recorder())).rejects.toThrow(
      /changed since the plan .* run plan again/,
    );
    writeFileSync(path.join(dir, 'base', 'vmlinuz.gone'), '');
    rmSync(path.join(dir, 'base', 'vmlinuz'));
    await expect(runBuild(inputs({ command: 'build', 'dry-run': 'true', cell: cell('lab') }), recorder())).rejects.toThrow(
      /ib-base-debian12-[0-9a-f]{16}-\d{14}: the local source image needs .*vmlinuz/,
    );
  });

  it.each([
    ['', 'input "cell" is empty'],
    ['{not json', 'input "cell" is not JSON'],
    ['{"cloud":"lab"}', 'input "cell" is not a matrix cell (check provider, image, os, fingerprint, name, region)'],
  ])('rejects cell %j', async (value, message) => {
    const { inputs } = await setup();
    await expect(runBuild(inputs({ command: 'build', cell: value }), recorder())).rejects.toThrow(message);
  });

  it('names the image when one of its playbooks is broken', async () => {
    const dir = writeTree({
      'broken.yml': '- hosts: all\n  roles: [missing-role]\n',
      'topology.yml': TOPOLOGY('store').replace('playbooks/provision.yml', 'broken.yml'),
    });
    const inputs = parseInputs(
      (n) =>
        (({ topology: path.join(dir, 'topology.yml'), offline: 'true', 'plan-file': path.join(dir, 'p.json') }) as Record<string, string>)[
          n
        ] ?? '',
    );
    await expect(runPlan(inputs, recorder())).rejects.toThrow(/image base\/debian12 of cloud "lab": role "missing-role" not found/);
  });
});

describe('rebuilding a fingerprint (#6)', () => {
  const topology = `version: 1
images:
  base:
    playbooks: [p.yml]
sources:
  debian12:
    local: { image: base/base.qcow2 }
clouds:
  - name: lab
    provider: local
    store: store
    regions: { rack1: { instances: [ { name: n, image: base, os: debian12 } ] } }
`;

  /** Every file of the store with its bytes and modification time. */
  function snapshot(root: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const rel of readdirSync(root, { recursive: true }).map(String).sort()) {
      const file = path.join(root, rel);
      if (statSync(file).isFile()) out[rel] = `${statSync(file).mtimeMs} ${readFileSync(file, 'utf8')}`;
    }
    return out;
  }

  /** Names carry the build's second: the next build starts in the next one. */
  const nextSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));

  it('plan --force then build yields a second image with another name (the Packer stand-in); nothing is overwritten or deleted', async () => {
    const dir = writeTree({
      'base/base.qcow2': 'disk',
      'base/vmlinuz': 'k',
      'base/initrd.img': 'i',
      'p.yml': '- hosts: all\n  tasks: []\n',
      'topology.yml': topology,
    });
    const inputs = (extra: Record<string, string>) =>
      parseInputs(
        (n) =>
          (
            ({
              topology: path.join(dir, 'topology.yml'),
              'plan-file': path.join(dir, 'plan.json'),
              results: path.join(dir, 'results'),
              'work-dir': path.join(dir, 'work'),
              ...extra,
            }) as Record<string, string>
          )[n] ?? '',
      );
    const store = new LocalProvider(
      { name: 'lab', provider: 'local', store: 'store', build_region: 'rack1', regions: {}, share: { accounts: [], public: false } },
      { baseDir: dir },
    );

    const planned = (await runPlan(inputs({}), recorder())).plan.builds[0];
    const first = await withFakePacker(dir, {}, () => runBuild(inputs({ command: 'build', cell: JSON.stringify(planned) }), recorder()));
    const before = snapshot(path.join(dir, 'store'));
    expect((await runPlan(inputs({}), recorder())).plan.builds).toEqual([]);

    await nextSecond();
    const forced = (await runPlan(inputs({ force: 'true' }), recorder())).plan.builds;
    // The same cell, planned again for another reason.
    expect(forced).toEqual([{ ...planned, why: 'forced: the plan was made with force' }]);
    const second = await withFakePacker(dir, {}, () => runBuild(inputs({ command: 'build', cell: JSON.stringify(forced[0]) }), recorder()));

    // The matrix cell keeps the planned name; each build stamps it with its start time.
    expect(first.result?.name).toMatch(new RegExp(`^${planned.name}-\\d{14}$`));
    expect(second.result?.name).toMatch(new RegExp(`^${planned.name}-\\d{14}$`));
    expect(second.result?.name).not.toBe(first.result?.name);
    const records = await store.inventory('rack1');
    expect(records.map((r) => [r.name, r.fingerprint])).toEqual([
      [first.result?.name, planned.fingerprint],
      [second.result?.name, planned.fingerprint],
    ]);
    expect(records.map((r) => r.id)).toEqual([first.result?.imageId, second.result?.imageId]);
    // The first image is untouched, file for file; each build has its own result file.
    const after = snapshot(path.join(dir, 'store'));
    for (const [file, content] of Object.entries(before)) expect({ file, content: after[file] }).toEqual({ file, content });
    expect(readdirSync(path.join(dir, 'results')).sort()).toEqual([`lab--${first.result?.name}.json`, `lab--${second.result?.name}.json`]);
  });
});
