/**
 * The generated templates the packer tests share: every provider, source
 * shape, recipe and mode, written to a temp folder with its variables file.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { imageTemplate, extraVars } from '../../src/packer/image-template.js';
import type { FingerprintedImage } from '../../src/plan/types.js';
import type { ProviderName, ProviderSource } from '../../src/topology/model.js';
import type { ResolvedSource } from '../../src/providers/provider.js';
import { writeTree } from '../helpers/tree.js';

export const SOURCES: Record<ProviderName, ProviderSource[]> = {
  aws: [
    { owner: '136693071363', name: 'debian-12-amd64-*' },
    { ami: 'ami-0123456789abcdef0', ssh_username: 'ec2-user' },
  ],
  gcp: [{ project: 'debian-cloud', family: 'debian-12' }, { image: 'projects/x/global/images/y' }],
  azure: [{ publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: 'latest' }],
  local: [{ suite: 'bookworm' }],
  // Built here like a local image, then uploaded to Glance.
  openstack: [{ suite: 'bookworm', disk_format: 'raw', os_distro: 'debian' }],
};
export const RECIPES = [
  { name: 'base', build: {} },
  { name: 'controller', build: { disk_size_gb: 30, instance_type: 'big' } },
];

export function image(provider: ProviderName, source: ProviderSource, recipe: (typeof RECIPES)[number]): FingerprintedImage {
  return {
    cloud: `${provider}-prod`,
    provider,
    image: recipe.name,
    os: 'debian12',
    fingerprint: '0123456789abcdef0123456789abcdef',
    name: `ib-${recipe.name}-debian12-0123456789abcdef`,
    owner: 'acme-images-0123abcd',
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

export const cases = (Object.keys(SOURCES) as ProviderName[]).flatMap((provider) =>
  SOURCES[provider].flatMap((source, s) =>
    RECIPES.flatMap((recipe) =>
      (['build', 'verify'] as const).map(
        (mode) => [`${provider} source#${s} ${recipe.name} ${mode}`, provider, source, recipe, mode] as const,
      ),
    ),
  ),
);

export function generate(
  provider: ProviderName,
  source: ProviderSource,
  recipe: (typeof RECIPES)[number],
  mode: 'build' | 'verify',
  modern: boolean,
  extra: {
    verifyImage?: string;
    zone?: string;
    kms?: { kms_key_id?: string; kms_key_ids?: Record<string, string> };
    /** The source image the plan resolved (the cell's). */
    resolved?: ResolvedSource;
  } = {},
) {
  const dir = writeTree({
    'p.yml': '- hosts: all\n  tasks: []\n',
    'd.yml': '- hosts: all\n  tasks: []\n',
    'base.qcow2': '',
    vmlinuz: '',
    'initrd.img': '',
  });
  const base = image(provider, source, recipe);
  const img = { ...base, target: { ...base.target, ...(extra.zone ? { zone: extra.zone } : {}), ...(extra.kms ?? {}) } };
  const extraVarsFile = path.join(dir, 'extra-vars.json');
  writeFileSync(extraVarsFile, JSON.stringify(extraVars(img, { buildTime: new Date(0), version: '0.1.0' })));
  const built = imageTemplate({
    image: img,
    mode,
    verifyImage: mode === 'verify' ? (extra.verifyImage ?? 'built-image-id') : undefined,
    resolved: extra.resolved,
    playbooks: [path.join(dir, 'p.yml')],
    deprovision: path.join(dir, 'd.yml'),
    extraVarsFile,
    outputDir: path.join(dir, 'out'),
    manifestFile: path.join(dir, 'manifest.json'),
    buildTime: new Date('2026-11-21T10:20:30Z'),
    gitSha: 'abc123',
    version: '0.1.0',
    modernPacker: modern,
    local:
      provider === 'local' || provider === 'openstack'
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
