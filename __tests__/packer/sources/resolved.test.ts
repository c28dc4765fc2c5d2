/**
 * A build boots exactly the source image the plan resolved: the AMI id
 * (source_ami), the GCP image (source_image in its project) or the Azure
 * version (image_version), never a filter, family or `latest`. Without a
 * resolved image (an offline plan) the templates keep the filter, family or
 * version of the topology. Both shapes pass `packer validate` (Packer on this
 * machine for the legacy templates, the stand-in with the plugins' rules for
 * the modern ones).
 */
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { RECIPES, SOURCES, generate } from '../templates.js';
import { AZURE_OIDC_ENV } from '../../../src/packer/sources/azure.js';
import { packerInfo } from '../../../src/packer/runner.js';
import { runProcess } from '../../../src/util/process.js';
import { fakePacker } from '../../helpers/fake-packer.js';
import { removeTempDirs } from '../../helpers/tree.js';
import type { ResolvedSource } from '../../../src/providers/provider.js';

const OIDC_KEYS = Object.values(AZURE_OIDC_ENV);
const savedEnv = OIDC_KEYS.map((k) => process.env[k]);
beforeEach(() => OIDC_KEYS.forEach((k) => delete process.env[k]));
afterAll(() => OIDC_KEYS.forEach((k, i) => (savedEnv[i] === undefined ? delete process.env[k] : (process.env[k] = savedEnv[i]))));
afterAll(removeTempDirs);

const RESOLVED = {
  aws: { id: 'ami-0fedcba9876543210', name: 'debian-12-amd64-20250301-2040', created: '2025-03-01T10:00:00.000Z', pinned: false },
  gcp: { id: 'projects/debian-cloud/global/images/debian-12-bookworm-v20250301', name: 'debian-12-bookworm-v20250301', pinned: false },
  azure: { id: '0.20250301.10', name: 'Debian:debian-12:12-gen2:0.20250301.10', pinned: false },
} satisfies Record<string, ResolvedSource>;
const TYPES = { aws: 'amazon-ebs', gcp: 'googlecompute', azure: 'azure-arm' } as const;
type Cloud = keyof typeof TYPES;

function built(provider: Cloud, options: { resolved?: ResolvedSource; mode?: 'build' | 'verify'; source?: object } = {}) {
  const t = generate(provider, (options.source ?? SOURCES[provider][0]) as never, RECIPES[0], options.mode ?? 'build', true, {
    resolved: options.resolved,
    zone: 'region-1-b',
  });
  const source = t.built.template.source[TYPES[provider]].image;
  return { ...t, source, variables: t.built.variables };
}

describe('templates boot the resolved source image', () => {
  it('AWS: source_ami is the resolved AMI id, with no source_ami_filter', () => {
    const t = built('aws', { resolved: RESOLVED.aws });
    expect(t.source.source_ami).toBe('${var.source_ami}');
    expect(t.variables.source_ami).toBe(RESOLVED.aws.id);
    expect(t.source).not.toHaveProperty('source_ami_filter');
  });

  it('AWS without a resolved AMI (offline plan): the owner and name filter, most recent, as before', () => {
    const t = built('aws');
    expect(t.source).not.toHaveProperty('source_ami');
    expect(t.source.source_ami_filter).toMatchObject({ owners: ['${var.source_owner}'], most_recent: true });
    expect(t.variables).toMatchObject({ source_owner: '136693071363', source_name: 'debian-12-amd64-*' });
  });

  it("GCP: source_image is the resolved image in the resolved image's project, with no family", () => {
    const t = built('gcp', { resolved: RESOLVED.gcp });
    expect(t.source).toMatchObject({ source_image: '${var.source_image}', source_image_project_id: ['${var.source_project}'] });
    expect(t.variables).toMatchObject({ source_image: 'debian-12-bookworm-v20250301', source_project: 'debian-cloud' });
    expect(t.source).not.toHaveProperty('source_image_family');
    // A source without a project resolved in the cloud's project: the template names that project.
    const own = built('gcp', {
      source: { family: 'own-base' },
      resolved: { id: 'projects/acme/global/images/own-base-v1', name: 'own-base-v1', pinned: false },
    });
    expect(own.variables).toMatchObject({ source_image: 'own-base-v1', source_project: 'acme' });
  });

  it('GCP without a resolved image: the family, as before', () => {
    const t = built('gcp');
    expect(t.source).toMatchObject({ source_image_family: '${var.source_image_family}' });
    expect(t.source).not.toHaveProperty('source_image');
    expect(t.variables.source_image_family).toBe('debian-12');
  });

  it('Azure: image_version is the resolved version, not latest; without one, the topology version', () => {
    expect(built('azure', { resolved: RESOLVED.azure }).variables.image_version).toBe('0.20250301.10');
    expect(built('azure').variables.image_version).toBe('latest');
  });

  it('verification boots the built image, whatever the plan resolved', () => {
    expect(built('aws', { mode: 'verify', resolved: RESOLVED.aws }).variables.source_ami).toBe('built-image-id');
    expect(built('gcp', { mode: 'verify', resolved: RESOLVED.gcp }).variables.source_image).toBe('built-image-id');
  });
});

describe('templates with a resolved source pass packer validate', () => {
  const clouds = Object.keys(TYPES) as Cloud[];

  it.each(clouds)('%s, modern Packer and the pinned plugin (stand-in)', async (provider) => {
    const t = built(provider, { resolved: RESOLVED[provider] });
    const bin = fakePacker(t.dir, { version: '1.11.2' });
    const result = await runProcess(path.join(bin, 'packer'), ['validate', `-var-file=${t.vars}`, t.template], { cwd: t.dir });
    expect({ code: result.code, output: result.tail.join('\n') }).toEqual({ code: 0, output: '' });
  });

  it.each(clouds)("%s, this machine's Packer", async (provider) => {
    const packer = await packerInfo();
    if (!packer) {
      if (process.env.CI) throw new Error('packer is not installed (scripts/setup.sh installs it)');
      console.warn('packer not installed: skipping validate');
      return;
    }
    const t = generate(provider, SOURCES[provider][0], RECIPES[0], 'build', packer.modern, {
      resolved: RESOLVED[provider],
      zone: 'region-1-b',
    });
    const result = await runProcess('packer', ['validate', `-var-file=${t.vars}`, t.template], { cwd: t.dir });
    if (result.code !== 0) throw new Error(`packer validate failed:\n${result.tail.join('\n')}`);
    expect(result.code).toBe(0);
  });
});
