/**
 * The program behind the Packer stand-in (fake-packer.ts writes the `packer`
 * shim that runs it): `node fake-packer-bin.mjs CONFIG.json SUBCOMMAND ARGS...`.
 *
 * It reads the HCL2-JSON template and its variables file as Packer would and
 * holds the rules of the pinned plugins that the real clouds enforce and
 * that our generated templates once broke. Each rule names its source (the
 * plugin repository, file and line at the tag named):
 *
 * validate (and build, which validates first):
 *  - azure-arm: `location` xor `build_resource_group_name`
 *    (packer-plugin-azure builder/azure/arm/config.go v2.6.3:1340-1342).
 *  - azure-arm: a capture, managed-image or gallery destination, unless
 *    `skip_create_image` and the plugin is >= 2.6.0 (config.go v2.1.9:1142-1144
 *    checks regardless; v2.6.3:1200 skips it; commit 6748e283, first in v2.6.0).
 *  - azure-arm: one sign-in: `use_azure_cli_auth`, or subscription_id,
 *    client_id, oidc_request_url and oidc_request_token together
 *    (builder/azure/common/client/config.go v2.6.3:212-226).
 *  - azure-arm: `target_region` and `replication_regions` not both (config.go v2.6.3:1408-1410).
 *  - googlecompute: a zone (config.go v1.1.9:581-584); a source image or
 *    family (:576-579); `image_name` defaults to packer-<timestamp>
 *    (:441-449) and must match [a-z]([-a-z0-9]{0,61}[a-z0-9])? (:28, :453-459).
 *  - qemu: `output_directory` must not exist (packer-plugin-qemu builder/qemu/config.go v1.1.4:876-881).
 * build, before any machine starts:
 *  - googlecompute: StepCheckExistingImage runs first on every build, verify
 *    too, and halts when `image_name` exists (builder.go v1.1.9:72,
 *    step_check_existing_image.go:26-33; skip_create_image is read only in
 *    step_create_image.go:31). Then the zone is looked up (lib/common/
 *    driver_gce.go:557 Zones.Get) and a missing one fails instance creation
 *    (step_create_instance.go:221).
 *  - amazon-ebs: StepPreValidate halts when `ami_name` is taken, unless
 *    `skip_create_ami` (packer-plugin-amazon builder/common/step_pre_validate.go v1.3.10:93-96, :124-129).
 *  - azure-arm: an existing managed image or gallery version halts the build
 *    (builder.go v2.6.3:172-183, :282-296). With `location` Packer creates a
 *    resource group: an identity with rights on one resource group only gets
 *    AuthorizationFailed (plugin docs, "Resource Group Usage").
 * A passing build writes what the builder makes (qemu: the disk in
 * output_directory) and the manifest post-processor's file, with the
 * builder's artifact id: amazon "region:ami-..." (builder/common/artifact.go
 * v1.3.10:44-52), googlecompute the image name, azure-arm the managed image
 * id before the gallery version (builder/azure/arm/artifact.go v2.6.3:91-105),
 * qemu "VM" (builder/qemu/artifact.go v1.1.4:27-29).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [configFile, command, ...args] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configFile, 'utf8'));
if (config.log) {
  appendFileSync(
    config.log,
    `${command} token=${process.env.PACKER_GITHUB_API_TOKEN ?? ''} plugins=${process.env.PACKER_PLUGIN_PATH ?? ''}\n`,
  );
}

const OUTCOMES = {
  pass: { lines: ['==> image: Provisioning with Ansible...', 'ok: [default]'], code: 0 },
  fail: {
    lines: [
      '==> image: Provisioning with Ansible...',
      'fatal: [default]: FAILED! => assertion failed: task failed on purpose',
      'Error executing Ansible: Non-zero exit status: exit status 2',
    ],
    code: 1,
  },
  noboot: { lines: ['==> image: Waiting for SSH to become available...', 'Timeout waiting for SSH.'], code: 1 },
};

function stop(messages) {
  for (const m of messages) console.log(m);
  process.exit(1);
}

/** The template and its variables, `${var.x}` replaced, as Packer sees them. */
function load() {
  const file = args.at(-1);
  const template = JSON.parse(readFileSync(file, 'utf8'));
  const vars = {};
  for (const a of args.filter((x) => x.startsWith('-var-file='))) Object.assign(vars, JSON.parse(readFileSync(a.slice(10), 'utf8')));
  const resolve = (value) => {
    if (typeof value === 'string') {
      const whole = /^\$\{var\.(\w+)\}$/.exec(value);
      if (whole) return vars[whole[1]];
      return value.replace(/\$\{var\.(\w+)\}/g, (_m, name) => String(vars[name]));
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  const [[type, sources]] = Object.entries(template.source);
  const source = resolve(Object.values(sources)[0]);
  const postProcessors = resolve(template.build['post-processor'] ?? []);
  const plugin = { 'azure-arm': 'azure', googlecompute: 'googlecompute', 'amazon-ebs': 'amazon', qemu: 'qemu' }[type];
  const pinned = template.packer?.required_plugins?.[plugin]?.version;
  return { type, source, postProcessors, pinned };
}

/** The lowest version a constraint such as "~> 2.6.3" or ">= 1.2.0" lets `packer init` install; none for Packer's built-in builders. */
function lowest(constraint) {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(constraint ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}
const atLeast = (version, wanted) => {
  if (!version) return false;
  for (let i = 0; i < 3; i++) if (version[i] !== wanted[i]) return version[i] > wanted[i];
  return true;
};

const GCP_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

function validate({ type, source: c, pinned }) {
  const errors = [];
  if (type === 'azure-arm') {
    if (Boolean(c.location) === Boolean(c.build_resource_group_name)) {
      errors.push('Specify either a location to create the resource group in or an existing build_resource_group_name, but not both.');
    }
    const relaxed = c.skip_create_image && atLeast(lowest(pinned), [2, 6, 0]);
    if (!relaxed && !c.capture_container_name && !c.managed_image_name && !c.shared_image_gallery_destination?.gallery_name) {
      errors.push('A capture_container_name, managed_image_name or shared_image_gallery_destination must be specified');
    }
    const oidc = c.subscription_id && c.client_id && c.oidc_request_url && c.oidc_request_token;
    if (!c.use_azure_cli_auth && !oidc) {
      errors.push(
        'No valid set of authentication values specified (use_azure_cli_auth, or subscription_id, client_id, oidc_request_url and oidc_request_token)',
      );
    }
    const d = c.shared_image_gallery_destination;
    if (d?.replication_regions?.length && d?.target_region?.length) {
      errors.push(
        '`replicated_regions` can not be defined alongside `target_region`; you can define a target_region for each destination region you wish to replicate to.',
      );
    }
  }
  if (type === 'googlecompute') {
    if (!c.zone) errors.push('a zone must be specified');
    if (!c.source_image && !c.source_image_family) errors.push('a source_image or source_image_family must be specified');
    const name = c.image_name ?? `packer-${Math.floor(Date.now() / 1000)}`;
    if (!GCP_NAME.test(name)) errors.push(`Invalid image name "${name}"`);
  }
  if (type === 'qemu' && existsSync(c.output_directory)) {
    errors.push(`Output directory '${c.output_directory}' already exists. It must not exist.`);
  }
  if (errors.length > 0) stop([`Error: ${errors.length} error(s) occurred:`, '', ...errors.map((e) => `* ${e}`)]);
}

const existing = new Set(config.existing ?? []);
const hex = (n) => [...Array(n)].map(() => Math.floor(Math.random() * 16).toString(16)).join('');

/** The checks each builder makes against the cloud before it starts a machine. */
function preflight({ type, source: c }) {
  if (type === 'googlecompute') {
    const name = c.image_name ?? `packer-${Math.floor(Date.now() / 1000)}`;
    if (existing.has(name)) {
      stop([
        `==> image: Checking image does not exist...`,
        `==> image: Image ${name} already exists in project ${c.project_id}.`,
        'Use the force flag to delete it prior to building.',
      ]);
    }
    if (config.gcpZones && !config.gcpZones.includes(c.zone)) {
      stop([
        `==> image: Error creating instance: googleapi: Error 404: The resource 'projects/${c.project_id}/zones/${c.zone}' was not found, notFound`,
      ]);
    }
  }
  if (type === 'amazon-ebs' && !c.skip_create_ami && existing.has(c.ami_name)) {
    stop([`==> image: Error: AMI Name: '${c.ami_name}' is used by an existing AMI: ami-0${hex(16)}`]);
  }
  if (type === 'azure-arm') {
    if (c.location && config.azureRbac === 'resource-group') {
      stop([
        `==> image: ERROR: -> AuthorizationFailed : The client does not have authorization to perform action ` +
          `'Microsoft.Resources/subscriptions/resourcegroups/write' over scope '/subscriptions/${c.subscription_id}/resourcegroups/pkr-Resource-Group-${hex(10)}'`,
      ]);
    }
    if (!c.skip_create_image && existing.has(c.managed_image_name)) {
      stop([
        `Build 'image' errored after 1 second: the managed image named ${c.managed_image_name} already exists in the resource group ` +
          `${c.managed_image_resource_group_name}, use a different manage image name or use the -force option to automatically delete it.`,
      ]);
    }
    const d = c.shared_image_gallery_destination;
    if (!c.skip_create_image && d && existing.has(`${d.image_name}:${d.image_version}`)) {
      stop([
        `Build 'image' errored: a gallery image version for image name:version ${d.image_name}:${d.image_version} already exists in gallery ${d.gallery_name}, ` +
          'use a different gallery image version or use the -force option to automatically delete it.',
      ]);
    }
  }
}

/** What a passing build leaves: the builder's output and the manifest post-processor's file. */
function produce({ type, source: c, postProcessors }) {
  let artifactId;
  let files = [];
  if (type === 'qemu') {
    mkdirSync(c.output_directory, { recursive: true });
    const disk = path.join(c.output_directory, c.vm_name ?? 'packer-image');
    writeFileSync(disk, 'a qcow2 disk the stand-in made\n');
    files = [{ name: disk, size: 31 }];
    artifactId = 'VM';
  } else if (type === 'amazon-ebs') {
    if (c.skip_create_ami) return;
    artifactId = `${c.region}:ami-0${hex(16)}`;
  } else if (type === 'googlecompute') {
    if (c.skip_create_image) return;
    artifactId = c.image_name;
  } else if (type === 'azure-arm') {
    if (c.skip_create_image) return;
    artifactId = c.managed_image_name
      ? `/subscriptions/${c.subscription_id}/resourceGroups/${c.managed_image_resource_group_name}/providers/Microsoft.Compute/images/${c.managed_image_name}`
      : `/subscriptions/${c.shared_image_gallery_destination.subscription}/resourceGroups/${c.shared_image_gallery_destination.resource_group}/providers/Microsoft.Compute/galleries/${c.shared_image_gallery_destination.gallery_name}/images/${c.shared_image_gallery_destination.image_name}/versions/${c.shared_image_gallery_destination.image_version}`;
  }
  for (const block of postProcessors) {
    const manifest = block.manifest;
    if (!manifest) continue;
    const run = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
    const previous = existsSync(manifest.output) ? JSON.parse(readFileSync(manifest.output, 'utf8')) : { builds: [] };
    previous.builds.push({
      name: 'image',
      builder_type: type,
      build_time: Math.floor(Date.now() / 1000),
      files,
      artifact_id: artifactId,
      packer_run_uuid: run,
      custom_data: manifest.custom_data,
    });
    previous.last_run_uuid = run;
    writeFileSync(manifest.output, JSON.stringify(previous, null, 2));
  }
}

switch (command) {
  case 'version':
    console.log(`Packer v${config.version ?? '1.6.6'}`);
    break;
  case 'init':
    break;
  case 'validate':
    validate(load());
    break;
  case 'build': {
    const template = load();
    validate(template);
    preflight(template);
    const outcome = OUTCOMES[config.build ?? 'pass'];
    for (const line of outcome.lines) console.log(line);
    if (outcome.code !== 0) process.exit(outcome.code);
    produce(template);
    break;
  }
}
process.exit(0);
