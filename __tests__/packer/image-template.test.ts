import { packerInfo } from '../../src/packer/runner.js';
import { runProcess } from '../../src/util/process.js';
import { RECIPES, SOURCES, cases, generate } from './templates.js';
import { AZURE_OIDC_ENV } from '../../src/packer/sources/azure.js';
import { PLUGINS } from '../../src/packer/template.js';

/** The sign-in settings Azure's source reads, cleared for every test (a CI job may have some) and set where a test says. */
const OIDC_KEYS = Object.values(AZURE_OIDC_ENV);
const savedEnv = OIDC_KEYS.map((k) => process.env[k]);
beforeEach(() => OIDC_KEYS.forEach((k) => delete process.env[k]));
afterAll(() => OIDC_KEYS.forEach((k, i) => (savedEnv[i] === undefined ? delete process.env[k] : (process.env[k] = savedEnv[i]))));

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

  it('tags the image and its snapshots with the fingerprint, the owner and build facts', () => {
    const { built } = generate('aws', SOURCES.aws[0], RECIPES[0], 'build', true);
    expect(built.variables.tags).toMatchObject({
      Name: 'ib-base-debian12-0123456789abcdef',
      'image-builder': 'true',
      'ib-fingerprint': '0123456789abcdef0123456789abcdef',
      'ib-recipe': 'base',
      'ib-os': 'debian12',
      'ib-cloud': 'aws-prod',
      'ib-owner': 'acme-images-0123abcd',
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
    // The owner is label-safe already: GCP keeps it as written, and the inventory compares it unchanged.
    expect(built.variables.labels).toMatchObject({ 'ib-owner': 'acme-images-0123abcd' });
  });

  it('pins the azure plugin to a line whose skip_create_image needs no destination (>= 2.6.0)', () => {
    expect(PLUGINS.azure.version).toMatch(/^~> 2\.6\.\d+$/);
    const azure = generate('azure', SOURCES.azure[0], RECIPES[0], 'verify', true).built.template;
    expect(azure.packer?.required_plugins.azure).toEqual({ source: 'github.com/hashicorp/azure', version: PLUGINS.azure.version });
  });

  it('GCP verification names no image, family or labels: googlecompute halts on an existing image_name even with skip_create_image (#2)', () => {
    const { built } = generate('gcp', SOURCES.gcp[0], RECIPES[0], 'verify', true);
    const config = built.template.source.googlecompute.image;
    expect(config).toMatchObject({ skip_create_image: true, source_image: '${var.source_image}' });
    for (const key of ['image_name', 'image_family', 'image_labels', 'source_image_family', 'source_image_project_id'])
      expect(config).not.toHaveProperty(key);
    expect(built.variables.source_image).toBe('built-image-id');
  });

  it('GCP builds name and label the image but join no family: promotion does that (#12)', () => {
    const { built } = generate('gcp', SOURCES.gcp[0], RECIPES[0], 'build', true);
    const config = built.template.source.googlecompute.image;
    expect(config).toMatchObject({
      image_name: '${var.image_name}',
      image_labels: '${var.labels}',
      source_image_family: '${var.source_image_family}',
    });
    expect(config).not.toHaveProperty('image_family');
    expect(built.variables.image_name).toBe('ib-base-debian12-0123456789abcdef');
  });

  it("GCP builds in the topology's zone, and a template made without one says the zone is chosen at build time (#1)", () => {
    expect(generate('gcp', SOURCES.gcp[0], RECIPES[0], 'build', true, { zone: 'region-1-c' }).built.variables.zone).toBe('region-1-c');
    const placeholder = generate('gcp', SOURCES.gcp[0], RECIPES[0], 'build', true).built.variables.zone;
    expect(placeholder).toBe('region-1-zone-chosen-at-build-time');
    expect(placeholder).not.toBe('region-1-a');
  });

  it.each([true, false])("Azure builds in the topology's resource group, never with location (#4); modern Packer %s", (modern) => {
    const { built } = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', modern);
    const config = built.template.source['azure-arm'].image;
    expect(config).toMatchObject({
      build_resource_group_name: '${var.resource_group}',
      ...(modern ? {} : { managed_image_resource_group_name: '${var.resource_group}' }),
    });
    expect(config).not.toHaveProperty('location');
    expect(built.variables.resource_group).toBe('rg');
  });

  it('Azure stores the version in the build region with target_region (replication_regions is deprecated, #19), kept out of "latest" (#12)', () => {
    const modern = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', true).built;
    const config = modern.template.source['azure-arm'].image;
    expect(config.shared_image_gallery_destination).toMatchObject({
      target_region: [{ name: '${var.region}' }],
      image_version: '${var.gallery_version}',
    });
    expect(config.shared_image_gallery_destination).not.toHaveProperty('replication_regions');
    expect(config.shared_gallery_image_version_exclude_from_latest).toBe(true);
    expect(modern.variables).toMatchObject({ region: 'region-1', gallery_version: '2026.1121.102030' });
    // Packer < 1.7's built-in azure-arm has no target_region.
    const legacy = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', false).built.template.source['azure-arm'].image;
    expect(legacy.shared_image_gallery_destination).toMatchObject({ replication_regions: ['${var.region}'] });
    expect(legacy.shared_image_gallery_destination).not.toHaveProperty('target_region');
  });

  it("Azure verification boots the gallery version by its name, from the build result's version id (#3)", () => {
    const id =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/image_builder/images/base-debian12/versions/2026.1121.102030';
    const { built } = generate('azure', SOURCES.azure[0], RECIPES[0], 'verify', true, { verifyImage: id });
    const config = built.template.source['azure-arm'].image;
    expect(config).toMatchObject({ skip_create_image: true, build_resource_group_name: '${var.resource_group}' });
    expect(config.shared_image_gallery).toMatchObject({ image_name: '${var.image_definition}', image_version: '${var.source_version}' });
    for (const key of ['location', 'managed_image_name', 'shared_image_gallery_destination']) expect(config).not.toHaveProperty(key);
    expect(built.variables.source_version).toBe('2026.1121.102030');
    const managed =
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/images/ib-base-debian12-0123456789abcdef';
    expect(() => generate('azure', SOURCES.azure[0], RECIPES[0], 'verify', true, { verifyImage: managed })).toThrow(
      /names the managed image .* not a gallery image version: .* build the image again/,
    );
  });

  it("Azure's Packer signs in with GitHub OIDC when the job can request a token, through sensitive variables (#9)", () => {
    Object.assign(process.env, {
      [AZURE_OIDC_ENV.url]: 'https://token.actions.example/request?api-version=2.0',
      [AZURE_OIDC_ENV.token]: 'oidc-request-token-5e1f',
      [AZURE_OIDC_ENV.clientId]: '11111111-1111-1111-1111-111111111111',
      [AZURE_OIDC_ENV.tenantId]: '22222222-2222-2222-2222-222222222222',
    });
    for (const mode of ['build', 'verify'] as const) {
      const { built } = generate('azure', SOURCES.azure[0], RECIPES[0], mode, true);
      const config = built.template.source['azure-arm'].image;
      expect(config).toMatchObject({
        use_azure_cli_auth: false,
        subscription_id: '${var.subscription}',
        client_id: '${var.client_id}',
        tenant_id: '${var.tenant_id}',
        oidc_request_url: '${var.oidc_request_url}',
        oidc_request_token: '${var.oidc_request_token}',
      });
      expect(built.template.variable.oidc_request_token).toEqual({ type: 'string', sensitive: true });
      expect(built.template.variable.oidc_request_url).toEqual({ type: 'string', sensitive: true });
      expect(built.variables).toMatchObject({
        oidc_request_token: 'oidc-request-token-5e1f',
        client_id: '11111111-1111-1111-1111-111111111111',
      });
      expect(JSON.stringify(built.template)).not.toContain('oidc-request-token-5e1f');
    }
    // Packer < 1.7 has no OIDC: the Azure CLI login, as outside GitHub.
    const legacy = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', false).built.template.source['azure-arm'].image;
    expect(legacy).toMatchObject({ use_azure_cli_auth: true });
    expect(legacy).not.toHaveProperty('oidc_request_token');
  });

  it('Azure falls back to the Azure CLI login outside GitHub (no OIDC request variables, or no client id)', () => {
    const cli = generate('azure', SOURCES.azure[0], RECIPES[0], 'build', true).built.template.source['azure-arm'].image;
    expect(cli).toMatchObject({ use_azure_cli_auth: true });
    expect(cli).not.toHaveProperty('client_id');
    Object.assign(process.env, { [AZURE_OIDC_ENV.url]: 'https://token.actions.example/request', [AZURE_OIDC_ENV.token]: 't' });
    expect(generate('azure', SOURCES.azure[0], RECIPES[0], 'build', true).built.template.source['azure-arm'].image).toMatchObject({
      use_azure_cli_auth: true,
    });
  });
});

describe('AWS encryption with a customer-managed key', () => {
  const kmsOf = (built: { template: unknown; variables: Record<string, unknown> }) => {
    const source = Object.values(
      (built.template as { source: Record<string, Record<string, Record<string, unknown>>> }).source['amazon-ebs'],
    )[0];
    return { encrypt: source.encrypt_boot, key: source.kms_key_id, value: built.variables.kms_key_id };
  };

  it("builds on the build region's key from kms_key_ids, else kms_key_id, through the variables file", () => {
    const perRegion = generate('aws', SOURCES.aws[0], RECIPES[0], 'build', true, {
      kms: { kms_key_id: 'alias/images', kms_key_ids: { 'region-1': 'arn:aws:kms:region-1:111122223333:key/k1' } },
    }).built;
    expect(kmsOf(perRegion)).toEqual({ encrypt: true, key: '${var.kms_key_id}', value: 'arn:aws:kms:region-1:111122223333:key/k1' });
    expect(kmsOf(generate('aws', SOURCES.aws[0], RECIPES[0], 'build', true, { kms: { kms_key_id: 'alias/images' } }).built).value).toBe(
      'alias/images',
    );
  });

  it('leaves encryption to the account without a key, and verification creates nothing to encrypt', () => {
    expect(kmsOf(generate('aws', SOURCES.aws[0], RECIPES[0], 'build', true).built).encrypt).toBeUndefined();
    expect(
      kmsOf(generate('aws', SOURCES.aws[0], RECIPES[0], 'verify', true, { kms: { kms_key_id: 'alias/images' } }).built).encrypt,
    ).toBeUndefined();
  });
});

describe('AWS root disk resize (cloud audit #16)', () => {
  it("names the source AMI's root device in the mapping, /dev/xvda when nothing says otherwise", () => {
    const rhel = generate('aws', { ...SOURCES.aws[0], root_device_name: '/dev/sda1' }, RECIPES[1], 'build', true).built;
    expect(rhel.variables.root_device_name).toBe('/dev/sda1');
    expect(JSON.stringify(rhel.template)).toContain('"device_name":"${var.root_device_name}"');
    expect(generate('aws', SOURCES.aws[0], RECIPES[1], 'build', true).built.variables.root_device_name).toBe('/dev/xvda');
  });
});
