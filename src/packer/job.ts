/**
 * What build and verify share: a work folder per image, the extra-vars file,
 * the Packer template and variables file, `packer validate`, then
 * `packer init` (modern Packer, plugins cached) and `packer build` with a
 * time limit, its log kept and its last lines in the error.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FingerprintedImage } from '../plan/types.js';
import { imageTemplate, extraVars } from './image-template.js';
import type { BuiltTemplate } from './template.js';
import { packerInfo, type PackerInfo } from './runner.js';
import { runProcess } from '../util/process.js';
import { buildCommit } from '../util/git.js';
import { pluginCache, restorePlugins, savePlugins } from './plugins.js';
import type { BuildHooks, MachineSetup, ResolvedSource } from '../providers/provider.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { bundledPlaybooks, productVersion } from '../io/paths.js';
import { rolesPath } from '../topology/index.js';

export interface PackerJob {
  image: FingerprintedImage;
  mode: 'build' | 'verify';
  work: string;
  template: string;
  varFile: string;
  outputDir: string;
  manifestFile: string;
  built: BuiltTemplate;
  packer?: PackerInfo;
  /** The machine the provider prepared (local: QEMU files), kept for storing the result. */
  machine?: MachineSetup;
  env: NodeJS.ProcessEnv;
}

export interface JobSpec {
  image: FingerprintedImage;
  topologyDir: string;
  mode: 'build' | 'verify';
  /** Absolute playbook paths: the recipe's (build) or its verify playbook (verify); see playbookPath. */
  playbooks: string[];
  verifyImage?: string;
  /** The source image the plan resolved (the cell's): the build boots exactly it. */
  resolved?: ResolvedSource;
  startedAt: Date;
  /** The provider's build hooks (local: the QEMU machine). */
  hooks: BuildHooks;
}

export async function preparePackerJob(spec: JobSpec, inputs: Inputs, reporter: Reporter): Promise<PackerJob> {
  const { image } = spec;
  const work = path.resolve(inputs.workDir, `${image.cloud}--${image.name}${spec.mode === 'verify' ? '--verify' : ''}`);
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(work, { recursive: true });
  const packer = await packerInfo();
  if (!packer && !inputs.dryRun)
    throw new Error(`${image.name}: packer is not installed (on GitHub: hashicorp/setup-packer; on Debian: apt-get install packer)`);

  const machine = await spec.hooks.machine?.({
    name: image.name,
    source: image.source as unknown as Record<string, unknown>,
    work,
    resolved: spec.resolved,
    dryRun: inputs.dryRun,
    log: (l) => reporter.info(l),
    group: (title, fn) => reporter.group(title, fn),
  });
  for (const secret of machine?.secrets ?? []) reporter.mask(secret);
  // The build commit (GITHUB_SHA, else the checkout's HEAD) lets a later plan name the files changed since.
  const facts = { buildTime: spec.startedAt, gitSha: buildCommit(spec.topologyDir), version: productVersion() };
  const extraVarsFile = path.join(work, 'extra-vars.json');
  // The template runs deprovision.yml itself, last: the provisioning playbook skips its own copy.
  await fs.writeFile(
    extraVarsFile,
    JSON.stringify({ ...extraVars(image, { ...facts, resolved: spec.resolved }), image_builder_deprovision: false }, null, 2) + '\n',
    {
      mode: 0o600,
    },
  );
  const outputDir = path.join(work, 'output');
  const manifestFile = path.join(work, 'packer-manifest.json');
  const built = imageTemplate({
    image,
    mode: spec.mode,
    verifyImage: spec.verifyImage,
    resolved: spec.resolved,
    extraVarsFile,
    outputDir,
    manifestFile,
    ...facts,
    playbooks: spec.playbooks,
    deprovision: path.join(bundledPlaybooks(), 'deprovision.yml'),
    // The same folders the fingerprint searched: the topology's roles/, then the bundled roles.
    rolesPath: rolesPath(spec.topologyDir),
    modernPacker: packer?.modern ?? true,
    local: machine && { ...machine.files, baseImage: spec.verifyImage ?? machine.files.baseImage },
  });
  const template = path.join(work, 'image.pkr.json');
  const varFile = path.join(work, 'image.pkrvars.json');
  await fs.writeFile(template, JSON.stringify(built.template, null, 2) + '\n');
  await fs.writeFile(varFile, JSON.stringify(built.variables, null, 2) + '\n', { mode: 0o600 });
  reporter.setOutput(Outputs.template, template);
  reporter.setOutput(Outputs.varFile, varFile);
  const job: PackerJob = {
    image,
    mode: spec.mode,
    work,
    template,
    varFile,
    outputDir,
    manifestFile,
    built,
    packer,
    machine,
    env: packerEnv(built, inputs),
  };
  if (packer) {
    await initPlugins(job, reporter);
    await packerStep(job, ['validate', `-var-file=${varFile}`, template], reporter, 'validate', job.env);
  } else {
    reporter.warning(`${image.name}: packer is not installed, the template was written but not validated`);
  }
  return job;
}

/** Plugins on PACKER_PLUGIN_PATH (cached on GitHub) and the workflow token against GitHub's rate limit. */
function packerEnv(built: BuiltTemplate, inputs: Inputs): NodeJS.ProcessEnv {
  const cache = pluginCache(built.template);
  return {
    ...process.env,
    ...(cache ? { PACKER_PLUGIN_PATH: cache.dir } : {}),
    ...(inputs.token ? { PACKER_GITHUB_API_TOKEN: inputs.token } : {}),
  };
}

/** Modern Packer validates and builds only with its plugins installed: `packer init` first. */
async function initPlugins(job: PackerJob, reporter: Reporter): Promise<void> {
  const cache = pluginCache(job.built.template);
  if (!cache) return;
  const exact = await restorePlugins(cache, (m) => reporter.info(m));
  await packerStep(job, ['init', job.template], reporter, 'init', job.env);
  if (!exact) await savePlugins(cache, (m) => reporter.info(m));
}

/** `packer build` within the time limit (plugins were installed by preparePackerJob). */
export async function runPackerJob(job: PackerJob, inputs: Inputs, reporter: Reporter): Promise<void> {
  const env = job.env;
  await reporter.group(`packer ${job.mode} ${job.image.cloud}/${job.image.name}`, () =>
    packerStep(
      job,
      ['build', '-color=false', '-timestamp-ui', `-var-file=${job.varFile}`, job.template],
      reporter,
      job.mode,
      env,
      inputs.buildTimeoutMinutes * 60_000,
    ),
  );
}

async function packerStep(
  job: PackerJob,
  args: string[],
  reporter: Reporter,
  what: string,
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs?: number,
): Promise<void> {
  const log = path.join(job.work, `packer-${what}.log`);
  const lines: string[] = [];
  const live = what === 'build' || what === 'verify';
  const result = await runProcess('packer', args, {
    cwd: job.work,
    env,
    timeoutMs,
    onLine: (l) => {
      lines.push(l);
      if (live) reporter.info(l);
    },
  });
  await fs.writeFile(log, lines.join('\n') + '\n');
  if (result.code === 0) return;
  const why = result.timedOut
    ? 'ran longer than its time limit and was stopped (its machine was torn down)'
    : `failed (exit ${result.code})`;
  throw new Error(
    `${job.image.cloud}/${job.image.name}: packer ${what} ${why} [Packer ${job.packer?.version ?? '?'}]; last lines:\n` +
      result.tail.slice(-25).join('\n') +
      `\nfull log: ${log}`,
  );
}
