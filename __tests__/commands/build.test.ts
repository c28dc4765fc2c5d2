import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runBuild } from '../../src/commands/build.js';
import { runPlan } from '../../src/commands/plan.js';
import { parseInputs } from '../../src/io/inputs.js';
import { withFakePacker } from '../helpers/fake-packer.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const ROOT = process.cwd();
const TOPOLOGY = (store: string) => `version: 1
images:
  base:
    playbooks: [${ROOT}/playbooks/provision.yml]
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
    expect(extra).toMatchObject({ packages: ['jq'], image_builder_recipe: 'base', image_builder_deprovision: false });
    expect(JSON.stringify(JSON.parse(readFileSync(out.template, 'utf8')))).not.toContain('jq');
  });

  it('a Packer failure names the image, shows the last lines, and leaves the store unchanged', async () => {
    const { dir, inputs, cell } = await setup();
    await withFakePacker(dir, { build: 'fail' }, () =>
      expect(runBuild(inputs({ command: 'build', cell: cell('lab') }), recorder())).rejects.toThrow(
        /lab\/ib-base-debian12-[0-9a-f]{16}: packer build failed \(exit 1\)[\s\S]*task failed on purpose[\s\S]*full log: /,
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
      /ib-base-debian12-[0-9a-f]{16}: the local source image needs .*vmlinuz/,
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
      'topology.yml': TOPOLOGY('store').replace(`${ROOT}/playbooks/provision.yml`, 'broken.yml'),
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
