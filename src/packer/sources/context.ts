/** What every source builder receives: the image, the mode, the tags to set, the template builder. */
import type { FingerprintedImage } from '../../plan/types.js';
import type { PackerTemplateBuilder } from '../template.js';
import type { MachineFiles, ResolvedSource } from '../../providers/provider.js';

/** The QEMU machine a local build boots (prepared by the local provider). */
export type LocalBuildFiles = MachineFiles;

export interface SourceContext {
  image: FingerprintedImage;
  /** build: create an image; verify: boot `verifyImage`, run checks, create nothing. */
  mode: 'build' | 'verify';
  /** The built image to boot in verify mode (AMI id, GCP image name, Azure version, local path). */
  verifyImage?: string;
  tags: Record<string, string>;
  /**
   * The source image the plan resolved (AMI id, GCP image, Azure version):
   * a build boots exactly it. Without it (an offline plan), the source's
   * filter or family is handed to Packer, which picks the newest itself.
   */
  resolved?: ResolvedSource;
  outputDir: string;
  buildTime: Date;
  modernPacker: boolean;
  local?: LocalBuildFiles;
  builder: PackerTemplateBuilder;
  /** Where sign-in settings are read from (Azure's GitHub OIDC); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface SourceResult {
  type: string;
  name: string;
  config: Record<string, unknown>;
  /** The Ansible user Packer connects as. */
  sshUser: string;
  plugin: string;
  /** Extra SSH options for Ansible through Packer's SSH adapter, where the source needs them. */
  ansibleSshExtraArgs?: string[];
}

export const DEFAULT_SSH_USER: Record<string, string> = { aws: 'admin', gcp: 'packer', azure: 'packer', local: 'root', openstack: 'root' };

export function sshUser(context: SourceContext, fromSource?: string): string {
  return context.image.recipe.build.ssh_username ?? fromSource ?? DEFAULT_SSH_USER[context.image.provider];
}

/** Verification without creating an image needs options that Packer < 1.7's built-in builders lack. */
export function requireModern(ctx: SourceContext, option: string): true {
  if (!ctx.modernPacker) {
    throw new Error(
      `${ctx.image.name}: verifying a ${ctx.image.provider} image needs Packer 1.7 or later ` +
        `(the ${option} option); install it with hashicorp/setup-packer`,
    );
  }
  return true;
}
