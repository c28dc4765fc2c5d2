import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { imageTemplate, extraVars } from '../../src/packer/image-template.js';
import { packerInfo } from '../../src/packer/runner.js';
import { runProcess } from '../../src/util/process.js';
import type { FingerprintedImage } from '../../src/plan/types.js';
import type { ProviderName, ProviderSource } from '../../src/topology/model.js';
import { writeTree } from '../helpers/tree.js';

const SOURCES: Record<ProviderName, ProviderSource[]> = {
  aws: [
    { owner: '136693071363', name: 'debian-12-amd64-*' },
    { ami: 'ami-0123456789abcdef0', ssh_username: 'ec2-user' },
  ],
  gcp: [{ project: 'debian-cloud', family: 'debian-12' }, { image: 'projects/x/global/images/y' }],
  azure: [{ publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: 'latest' }],
  local: [{ suite: 'bookworm' }],
};
const RECIPES = [
  { name: 'base', build: {} },
  { name: 'controller', build: { disk_size_gb: 30, instance_type: 'big' } },
];

function image(provider: ProviderName, source: ProviderSource, recipe: (typeof RECIPES)[number]): FingerprintedImage {
  return {
    cloud: `${provider}-prod`,
    provider,
    image: recipe.name,
    os: 'debian12',
    fingerprint: '0123456789abcdef0123456789abcdef',
    name: `ib-${recipe.name}-debian12-0123456789abcdef`,
    recipe: { name: recipe.name, playbooks: ['p.yml'], variables: { packages: ['jq'] }, build: recipe.build, lineage: [] },
    source,
    regions: ['region-1', 'region-2'],
    buildRegion: 'region-1',
    target: {
      name: `${provider}-prod`,
      provider,
      build_region: 'region-1',
      regions: {},
      share: { accounts: [], public: false },
      project: 'acme',
      subscription: '00000000-0000-0000-0000-000000000000',
      resource_group: 'rg',
      account: '123456789012',
    },
  };
}

const cases = (Object.keys(SOURCES) as ProviderName[]).flatMap((provider) =>
  SOURCES[provider].flatMap((source, s) =>
    RECIPES.flatMap((recipe) =>
      (['build', 'verify'] as const).map(
        (mode) => [`${provider} source#${s} ${recipe.name} ${mode}`, provider, source, recipe, mode] as const,
      ),
    ),
  ),
);

function generate(
  provider: ProviderName,
  source: ProviderSource,
  recipe: (typeof RECIPES)[number],
  mode: 'build' | 'verify',
  modern: boolean,
) {
  const dir = writeTree({
    'p.yml': '- hosts: all\n  tasks: []\n',
    'd.yml': '- hosts: all\n  tasks: []\n',
    'base.qcow2': '',
    vmlinuz: '',
    'initrd.img': '',
  });
  const img = image(provider, source, recipe);
  const extra = path.join(dir, 'extra-vars.json');
  writeFileSync(extra, JSON.stringify(extraVars(img, { buildTime: new Date(0), version: '0.1.0' })));
  const built = imageTemplate({
    image: img,
    mode,
    verifyImage: mode === 'verify' ? 'built-image-id' : undefined,
    playbooks: [path.join(dir, 'p.yml')],
    deprovision: path.join(dir, 'd.yml'),
    extraVarsFile: extra,
    outputDir: path.join(dir, 'out'),
    manifestFile: path.join(dir, 'manifest.json'),
    buildTime: new Date('2026-11-21T10:20:30Z'),
    gitSha: 'abc123',
    version: '0.1.0',
    modernPacker: modern,
    local:
      provider === 'local'
        ? {
            baseImage: path.join(dir, 'base.qcow2'),
            kernel: path.join(dir, 'vmlinuz'),
            initrd: path.join(dir, 'initrd.img'),
            sshPassword: 'secret',
            accelerator: 'tcg',
            memoryMb: 1024,
            cpus: 2,
            serialLog: path.join(dir, 'serial.log'),
          }
        : undefined,
  });
  const template = path.join(dir, 'image.pkr.json');
  const vars = path.join(dir, 'image.pkrvars.json');
  writeFileSync(template, JSON.stringify(built.template, null, 2));
  writeFileSync(vars, JSON.stringify(built.variables, null, 2));
  return { dir, template, vars, built };
}

describe('imageTemplate', () => {
  it.each(cases)('%s passes packer validate', async (_name, provider, source, recipe, mode) => {
    const packer = await packerInfo();
    if (!packer) {
      if (process.env.CI) throw new Error('packer is not installed (scripts/setup.sh installs it)');
      console.warn('packer not installed: skipping validate');
      return;
    }
    if (mode === 'verify' && !packer.modern && (provider === 'aws' || provider === 'azure')) {
      expect(() => generate(provider, source, recipe, mode, false)).toThrow(/needs Packer 1.7 or later/);
      return;
    }
    const { dir, template, vars } = generate(provider, source, recipe, mode, packer.modern);
    const result = await runProcess('packer', ['validate', `-var-file=${vars}`, template], { cwd: dir });
    if (result.code !== 0) throw new Error(`packer validate failed:\n${result.tail.join('\n')}`);
    expect(result.code).toBe(0);
  });

  it('declares pinned plugins for modern Packer only', () => {
    const modern = generate('aws', SOURCES.aws[0], RECIPES[0], 'build', true).built.template;
    expect(modern.packer?.required_plugins).toEqual({
      amazon: { source: 'github.com/hashicorp/amazon', version: '~> 1.3.3' },
      ansible: { source: 'github.com/hashicorp/ansible', version: '~> 1.1.1' },
    });
    expect(generate('aws', SOURCES.aws[0], RECIPES[0], 'build', false).built.template.packer).toBeUndefined();
  });

  it('puts values in the variables file, not in the template', () => {
    const { built } = generate('local', SOURCES.local[0], RECIPES[0], 'build', false);
    const text = JSON.stringify(built.template);
    expect(text).not.toContain('secret');
    expect(built.variables.ssh_password).toBe('secret');
    expect(built.template.variable.ssh_password).toEqual({ type: 'string', sensitive: true });
  });

  it('runs the recipe playbooks, then deprovision, with the extra-vars file; verify skips deprovision', () => {
    const build = generate('aws', SOURCES.aws[0], RECIPES[0], 'build', true).built;
    expect(build.template.build.provisioner.map((p) => Object.keys(p)[0])).toEqual(['ansible', 'ansible']);
    expect(build.variables.playbook_1).toMatch(/d\.yml$/);
    expect(build.template.build.provisioner[0].ansible.extra_arguments).toEqual(['--extra-vars', '@${var.extra_vars_file}']);
    const verify = generate('aws', SOURCES.aws[0], RECIPES[0], 'verify', true).built;
    expect(verify.template.build.provisioner).toHaveLength(1);
    expect(verify.template.source['amazon-ebs'].image.skip_create_ami).toBe(true);
  });

  it('tags the image and its snapshots with the fingerprint and build facts', () => {
    const { built } = generate('aws', SOURCES.aws[0], RECIPES[0], 'build', true);
    expect(built.variables.tags).toMatchObject({
      Name: 'ib-base-debian12-0123456789abcdef',
      'image-builder': 'true',
      'ib-fingerprint': '0123456789abcdef0123456789abcdef',
      'ib-recipe': 'base',
      'ib-os': 'debian12',
      'ib-cloud': 'aws-prod',
      'ib-source': '136693071363/debian-12-amd64-*',
      'ib-git-sha': 'abc123',
      'ib-built-at': '2026-11-21T10:20:30.000Z',
      'ib-version': '0.1.0',
    });
    expect(built.template.source['amazon-ebs'].image.snapshot_tags).toBe('${var.tags}');
  });

  it('gives GCP labels that GCP accepts', () => {
    const { built } = generate('gcp', SOURCES.gcp[0], RECIPES[0], 'build', true);
    for (const [k, v] of Object.entries(built.variables.labels as Record<string, string>)) {
      expect(k).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(v).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
  });
});
