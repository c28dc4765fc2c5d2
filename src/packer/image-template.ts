/**
 * One image config -> one Packer template and its variables: the provider's
 * source, the recipe's playbooks through the ansible provisioner (variables
 * from a JSON extra-vars file, roles from ANSIBLE_ROLES_PATH), the
 * deprovision playbook last, and a manifest.
 */
import type { FingerprintedImage } from '../plan/types.js';
import { sourceText } from '../plan/inputs.js';
import { imageTags, manifestInputs } from '../images/index.js';
import { ansibleLiteral } from './extra-vars.js';
import { PackerTemplateBuilder, PLUGINS, type BuiltTemplate } from './template.js';
import type { LocalBuildFiles, SourceContext, SourceResult } from './sources/context.js';
import type { ResolvedSource } from '../providers/provider.js';
import { awsSource } from './sources/aws.js';
import { gcpSource } from './sources/gcp.js';
import { azureSource } from './sources/azure.js';
import { qemuSource } from './sources/qemu.js';

export interface ImageTemplateInput {
  image: FingerprintedImage;
  mode: 'build' | 'verify';
  verifyImage?: string;
  /** The source image the plan resolved: the build boots exactly it (sources/context.ts). */
  resolved?: ResolvedSource;
  /** Absolute paths: the recipe's playbooks (build) or its verify playbook (verify). */
  playbooks: string[];
  /** Absolute path of the deprovision playbook, run last in build mode. */
  deprovision?: string;
  /**
   * Absolute role folders Ansible searches after each playbook's own roles/
   * (the topology's roles/, the bundled roles): ANSIBLE_ROLES_PATH, handed
   * over in the provisioner's environment (never through a shell).
   */
  rolesPath?: string[];
  /** Absolute path of the JSON extra-vars file handed to every playbook. */
  extraVarsFile: string;
  /** Absolute folder for Packer's output and the manifest; must not exist yet for qemu. */
  outputDir: string;
  manifestFile: string;
  buildTime: Date;
  gitSha?: string;
  version: string;
  modernPacker: boolean;
  local?: LocalBuildFiles;
}

const SOURCES: Record<FingerprintedImage['provider'], (ctx: SourceContext) => SourceResult> = {
  aws: awsSource,
  gcp: gcpSource,
  azure: azureSource,
  local: qemuSource,
  // Built on this host like a local image; the build's store hook uploads it to Glance.
  openstack: qemuSource,
};

export function imageTemplate(input: ImageTemplateInput): BuiltTemplate {
  const { image } = input;
  const builder = new PackerTemplateBuilder(image.name, input.modernPacker);
  const tags = imageTags({
    fingerprint: image.fingerprint,
    image: image.image,
    os: image.os,
    cloud: image.cloud,
    owner: image.owner,
    source: sourceText(image.source),
    gitSha: input.gitSha,
    builtAt: input.buildTime.toISOString(),
    version: input.version,
    // What it is built from, component by component, and the base image it boots (plan/inputs.ts).
    inputs: image.inputs && { ...image.inputs, base: input.resolved },
  });
  const source = SOURCES[image.provider]({
    image,
    mode: input.mode,
    verifyImage: input.verifyImage,
    resolved: input.resolved,
    tags,
    outputDir: input.outputDir,
    buildTime: input.buildTime,
    modernPacker: input.modernPacker,
    local: input.local,
    builder,
  });
  builder.requirePlugin(source.plugin, PLUGINS[source.plugin]).requirePlugin('ansible', PLUGINS.ansible);
  builder.source({ type: source.type, name: source.name, config: source.config });

  const extraVars = builder.variable('extra_vars_file', { type: 'string' }, input.extraVarsFile);
  const roles = input.rolesPath?.length ? builder.variable('roles_path', { type: 'string' }, input.rolesPath.join(':')) : undefined;
  const playbooks = [...input.playbooks, ...(input.mode === 'build' && input.deprovision ? [input.deprovision] : [])];
  playbooks.forEach((playbook, i) => {
    builder.provisioner(
      'ansible',
      ansibleProvisioner(builder.variable(`playbook_${i}`, { type: 'string' }, playbook), extraVars, roles, source),
    );
  });
  builder.postProcessor('manifest', {
    output: builder.variable('manifest_file', { type: 'string' }, input.manifestFile),
    strip_path: false,
    custom_data: { fingerprint: image.fingerprint, name: image.name, cloud: image.cloud, mode: input.mode },
  });
  return builder.build();
}

/**
 * The ansible provisioner runs ansible-playbook without a shell, its
 * environment being Packer's plus `ansible_env_vars` appended, so those win
 * (packer-plugin-ansible provisioner/ansible/provisioner.go, executeAnsible:
 * `cmd.Env = append(os.Environ(), envvars...)`). Its own `roles_path` option
 * only feeds `ansible-galaxy install -p`, hence ANSIBLE_ROLES_PATH here.
 */
function ansibleProvisioner(playbook: string, extraVars: string, roles: string | undefined, source: SourceResult): Record<string, unknown> {
  const config: Record<string, unknown> = {
    playbook_file: playbook,
    user: source.sshUser,
    extra_arguments: ['--extra-vars', `@${extraVars}`],
    ansible_env_vars: [
      'ANSIBLE_HOST_KEY_CHECKING=False',
      'ANSIBLE_SSH_TRANSFER_METHOD=piped',
      'ANSIBLE_FORCE_COLOR=0',
      ...(roles ? [`ANSIBLE_ROLES_PATH=${roles}`] : []),
    ],
  };
  if (source.ansibleSshExtraArgs) config.ansible_ssh_extra_args = source.ansibleSshExtraArgs;
  return config;
}

/**
 * The JSON extra-vars for the playbooks: the recipe's variables plus the
 * image's facts, every string marked so that Ansible takes it literally
 * (see extra-vars.ts).
 */
export function extraVars(
  image: FingerprintedImage,
  facts: { buildTime: Date; gitSha?: string; version: string; resolved?: ResolvedSource },
): Record<string, unknown> {
  return ansibleLiteral({
    ...image.recipe.variables,
    image_builder_fingerprint: image.fingerprint,
    image_builder_name: image.name,
    image_builder_recipe: image.image,
    image_builder_os: image.os,
    image_builder_cloud: image.cloud,
    image_builder_provider: image.provider,
    image_builder_build_time: facts.buildTime.toISOString(),
    image_builder_git_sha: facts.gitSha ?? '',
    image_builder_version: facts.version,
    // Recorded in the image's manifest (roles/image_builder_manifest): what it was built from.
    image_builder_inputs: image.inputs ? manifestInputs({ ...image.inputs, base: facts.resolved }) : null,
  }) as Record<string, unknown>;
}
