/**
 * The generated modern templates (the ones `packer init` pairs with the
 * pinned plugins) against the Packer stand-in, which holds the plugins' rules
 * that the real clouds enforce (each with its source in
 * helpers/fake-packer-bin.mjs). Packer on this machine is 1.6.6: it cannot
 * load modern plugins, so image-template.test.ts validates the legacy
 * templates with it, and this file the modern ones with the stand-in.
 *
 * Each rule is shown to bite: the template shapes this project used to write
 * (an image_name in GCP verification, a location on Azure, the azure plugin
 * pinned to ~> 2.1.0) fail here as they fail on the real clouds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../src/util/process.js';
import { fakePacker, type FakePackerOptions } from '../helpers/fake-packer.js';
import { removeTempDirs } from '../helpers/tree.js';
import { RECIPES, SOURCES, cases, generate } from './templates.js';
import { AZURE_OIDC_ENV } from '../../src/packer/sources/azure.js';

afterAll(removeTempDirs);
const OIDC_KEYS = Object.values(AZURE_OIDC_ENV);
const savedEnv = OIDC_KEYS.map((k) => process.env[k]);
beforeEach(() => OIDC_KEYS.forEach((k) => delete process.env[k]));
afterAll(() => OIDC_KEYS.forEach((k, i) => (savedEnv[i] === undefined ? delete process.env[k] : (process.env[k] = savedEnv[i]))));

type Generated = ReturnType<typeof generate>;

/** Runs the stand-in's `packer <command>` on a generated template; returns its exit code and output. */
async function packer(command: 'validate' | 'build', t: Generated, options: FakePackerOptions = {}) {
  const bin = fakePacker(t.dir, { version: '1.11.2', ...options });
  const result = await runProcess(path.join(bin, 'packer'), [command, `-var-file=${t.vars}`, t.template], { cwd: t.dir });
  return { code: result.code, output: result.tail.join('\n') };
}

/** Changes the generated template's source block the way an older version of this project wrote it. */
function edit(
  t: Generated,
  change: (config: Record<string, unknown>, template: { packer: { required_plugins: Record<string, { version: string }> } }) => void,
): Generated {
  const template = JSON.parse(readFileSync(t.template, 'utf8'));
  const [type] = Object.keys(template.source);
  change(template.source[type].image, template);
  writeFileSync(t.template, JSON.stringify(template, null, 2));
  return t;
}

describe('modern templates against the pinned plugins (Packer stand-in)', () => {
  it.each(cases)('%s passes validate', async (_name, provider, source, recipe, mode) => {
    const t = generate(provider, source, recipe, mode, true, provider === 'gcp' ? { zone: 'region-1-b' } : {});
    expect(await packer('validate', t)).toEqual({ code: 0, output: '' });
  });

  it('GCP verification of an existing image runs; naming that image in the template halts it as googlecompute does (#2)', async () => {
    // verify.ts hands the template the built image's name, which is the image it boots.
    const name = 'ib-base-debian12-0123456789abcdef';
    const t = generate('gcp', SOURCES.gcp[0], RECIPES[0], 'verify', true, { verifyImage: name, zone: 'region-1-b' });
    expect(await packer('build', t, { existing: [name] })).toMatchObject({ code: 0 });
    const before = edit(t, (c) => {
      c.image_name = '${var.source_image}';
    });
    const halted = await packer('build', before, { existing: [name] });
    expect(halted.code).toBe(1);
    expect(halted.output).toContain(`Image ${name} already exists in project acme`);
  });

  it('GCP builds fail in a zone the project lacks: europe-west1 has no -a zone (#1)', async () => {
    const zones = ['region-1-b', 'region-1-c', 'region-1-d'];
    const good = generate('gcp', SOURCES.gcp[0], RECIPES[0], 'build', true, { zone: 'region-1-b' });
    expect(await packer('build', good, { gcpZones: zones })).toMatchObject({ code: 0 });
    const bad = generate('gcp', SOURCES.gcp[0], RECIPES[0], 'build', true, { zone: 'region-1-a' });
    const failed = await packer('build', bad, { gcpZones: zones });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain("The resource 'projects/acme/zones/region-1-a' was not found");
  });

  it('Azure verification validates with the azure plugin pinned >= 2.6.0, not with ~> 2.1.0 (#3)', async () => {
    const t = generate('azure', SOURCES.azure[0], RECIPES[0], 'verify', true, { verifyImage: '2026.1121.102030' });
    expect(await packer('validate', t)).toEqual({ code: 0, output: '' });
    const old = edit(t, (_c, template) => {
      template.packer.required_plugins.azure.version = '~> 2.1.0';
    });
    const refused = await packer('validate', old);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('A capture_container_name, managed_image_name or shared_image_gallery_destination must be specified');
  });

  it('Azure builds with Contributor on the resource group only; a template with location needs subscription rights (#4)', async () => {
    const t = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', true);
    expect(await packer('build', t, { azureRbac: 'resource-group' })).toMatchObject({ code: 0 });
    const withLocation = edit(t, (c) => {
      delete c.build_resource_group_name;
      c.location = 'westeurope';
    });
    const refused = await packer('build', withLocation, { azureRbac: 'resource-group' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      "AuthorizationFailed : The client does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write'",
    );
  });

  it('Azure with GitHub OIDC validates; an OIDC sign-in without the request token does not (#9)', async () => {
    Object.assign(process.env, {
      [AZURE_OIDC_ENV.url]: 'https://token.actions.example/request',
      [AZURE_OIDC_ENV.token]: 'oidc-request-token',
      [AZURE_OIDC_ENV.clientId]: '11111111-1111-1111-1111-111111111111',
    });
    const t = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', true);
    expect(await packer('validate', t)).toEqual({ code: 0, output: '' });
    const broken = edit(t, (c) => {
      delete c.oidc_request_token;
    });
    expect(await packer('validate', broken)).toMatchObject({
      code: 1,
      output: expect.stringContaining('No valid set of authentication values'),
    });
  });

  it.each([
    ['aws', 'ib-base-debian12-0123456789abcdef', 'is used by an existing AMI'],
    ['gcp', 'ib-base-debian12-0123456789abcdef', 'already exists in project acme'],
    ['azure', 'base-debian12:2026.1121.102030', 'image name:version base-debian12:2026.1121.102030 already exists in gallery'],
  ] as const)('%s: a build whose image name is taken stops before any machine starts (#6)', async (provider, name, message) => {
    const t = generate(provider, SOURCES[provider][0], RECIPES[0], 'build', true, provider === 'gcp' ? { zone: 'region-1-b' } : {});
    expect(await packer('build', t)).toMatchObject({ code: 0 });
    const taken = await packer('build', t, { existing: [name] });
    expect(taken.code).toBe(1);
    expect(taken.output).toContain(message);
  });

  it('a passing build writes the manifest with the builder artifact id', async () => {
    const t = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', true);
    expect(await packer('build', t)).toMatchObject({ code: 0 });
    const manifest = JSON.parse(readFileSync(t.built.variables.manifest_file as string, 'utf8'));
    expect(manifest.builds.at(-1)).toMatchObject({
      builder_type: 'azure-arm',
      artifact_id:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/image_builder/images/base-debian12/versions/2026.1121.102030',
      custom_data: { fingerprint: '0123456789abcdef0123456789abcdef', mode: 'build' },
    });
  });
});
