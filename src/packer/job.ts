/**
 * What build and verify share: a work folder per image, the extra-vars file,
 * the Packer template and variables file, `packer validate`, then
 * `packer init` (modern Packer, plugins cached) and `packer build` with a
 * time limit, its log kept and its last lines in the error.
 */
import { closeSync, existsSync, openSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FingerprintedImage } from '../plan/types.js';
import { imageTemplate, extraVars } from './image-template.js';
import type { BuiltTemplate } from './template.js';
import { packerInfo, runProcess, type PackerInfo } from './runner.js';
import { pluginCache, restorePlugins, savePlugins } from './plugins.js';
import { ensureBaseImage, type BaseImage } from '../providers/local/base-image.js';
import { debianMirror } from '../providers/local/mirror.js';
import { LocalProvider } from '../providers/local/store.js';
import type { LocalSource } from '../topology/model.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { bundledPlaybooks, productVersion } from '../io/paths.js';

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
  base?: BaseImage;
  env: NodeJS.ProcessEnv;
}

export interface JobSpec {
  image: FingerprintedImage;
  topologyDir: string;
  mode: 'build' | 'verify';
  /** Absolute playbook paths: the recipe's (build) or its verify playbook (verify). */
  playbooks: string[];
  verifyImage?: string;
  startedAt: Date;
}

export async function preparePackerJob(spec: JobSpec, inputs: Inputs, reporter: Reporter): Promise<PackerJob> {
  const { image } = spec;
  const work = path.resolve(inputs.workDir, `${image.cloud}--${image.name}${spec.mode === 'verify' ? '--verify' : ''}`);
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(work, { recursive: true });
  const packer = await packerInfo();
  if (!packer && !inputs.dryRun) throw new Error(`${image.name}: packer is not installed (on GitHub: hashicorp/setup-packer; on Debian: apt-get install packer)`);

  const local = image.provider === 'local' ? await localFiles(spec, work, inputs.dryRun, reporter) : undefined;
  if (local) reporter.mask(local.base.password);
  const facts = { buildTime: spec.startedAt, gitSha: process.env.GITHUB_SHA, version: productVersion() };
  const extraVarsFile = path.join(work, 'extra-vars.json');
  // The template runs deprovision.yml itself, last: the provisioning playbook skips its own copy.
  await fs.writeFile(extraVarsFile, JSON.stringify({ ...extraVars(image, facts), image_builder_deprovision: false }, null, 2) + '\n', { mode: 0o600 });
  const outputDir = path.join(work, 'output');
  const manifestFile = path.join(work, 'packer-manifest.json');
  const built = imageTemplate({
    image, mode: spec.mode, verifyImage: spec.verifyImage, extraVarsFile, outputDir, manifestFile, ...facts,
    playbooks: spec.playbooks,
    deprovision: path.join(bundledPlaybooks(), 'deprovision.yml'),
    modernPacker: packer?.modern ?? true,
    local: local && { ...local.files, sshPassword: local.base.password, baseImage: spec.verifyImage ?? local.files.baseImage },
  });
  const template = path.join(work, 'image.pkr.json');
  const varFile = path.join(work, 'image.pkrvars.json');
  await fs.writeFile(template, JSON.stringify(built.template, null, 2) + '\n');
  await fs.writeFile(varFile, JSON.stringify(built.variables, null, 2) + '\n', { mode: 0o600 });
  reporter.setOutput(Outputs.template, template);
  reporter.setOutput(Outputs.varFile, varFile);
  const job: PackerJob = { image, mode: spec.mode, work, template, varFile, outputDir, manifestFile, built, packer, base: local?.base, env: packerEnv(built, inputs) };
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
    packerStep(job, ['build', '-color=false', '-timestamp-ui', `-var-file=${job.varFile}`, job.template], reporter, job.mode, env,
      inputs.buildTimeoutMinutes * 60_000));
}

async function packerStep(
  job: PackerJob, args: string[], reporter: Reporter, what: string, env: NodeJS.ProcessEnv = process.env, timeoutMs?: number,
): Promise<void> {
  const log = path.join(job.work, `packer-${what}.log`);
  const lines: string[] = [];
  const live = what === 'build' || what === 'verify';
  const result = await runProcess('packer', args, { cwd: job.work, env, timeoutMs, onLine: (l) => { lines.push(l); if (live) reporter.info(l); } });
  await fs.writeFile(log, lines.join('\n') + '\n');
  if (result.code === 0) return;
  const why = result.timedOut ? 'ran longer than its time limit and was stopped (its machine was torn down)' : `failed (exit ${result.code})`;
  throw new Error(`${job.image.cloud}/${job.image.name}: packer ${what} ${why} [Packer ${job.packer?.version ?? '?'}]; last lines:\n` +
    result.tail.slice(-25).join('\n') + `\nfull log: ${log}`);
}

interface LocalFiles {
  base: BaseImage;
  files: { baseImage: string; kernel: string; initrd: string; accelerator: string; memoryMb: number; cpus: number; serialLog: string };
}

async function localFiles(spec: JobSpec, work: string, dryRun: boolean, reporter: Reporter): Promise<LocalFiles> {
  const { image } = spec;
  const source = image.source as LocalSource;
  const store = new LocalProvider(image.target, { baseDir: spec.topologyDir });
  let base: BaseImage;
  if (source.image) {
    const disk = path.resolve(spec.topologyDir, source.image);
    const dir = path.dirname(disk);
    base = { dir, disk, kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.img'), user: 'root', password: process.env.IMAGE_BUILDER_LOCAL_PASSWORD ?? '' };
    for (const f of [base.disk, base.kernel, base.initrd]) if (!existsSync(f)) throw new Error(`${image.name}: the local source image needs ${f}`);
  } else if (dryRun) {
    const dir = path.join(work, 'dry-run-base');
    await fs.mkdir(dir, { recursive: true });
    for (const f of ['base.qcow2', 'vmlinuz', 'initrd.img']) await fs.writeFile(path.join(dir, f), '');
    base = { dir, disk: path.join(dir, 'base.qcow2'), kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.img'), user: 'root', password: 'dry-run' };
  } else {
    const mirror = debianMirror(source.mirror);
    base = await reporter.group(`base image ${source.suite ?? 'bookworm'}`, () =>
      ensureBaseImage({ storeRoot: store.root, suite: source.suite ?? 'bookworm', mirror, log: (l) => reporter.info(l) }));
  }
  return {
    base,
    files: {
      baseImage: base.disk, kernel: base.kernel, initrd: base.initrd,
      accelerator: process.env.IMAGE_BUILDER_ACCELERATOR ?? (kvmUsable() ? 'kvm' : 'tcg'), memoryMb: 1536, cpus: 2,
      serialLog: path.join(work, 'serial.log'),
    },
  };
}

/** KVM only when the CPU offers virtualisation and /dev/kvm opens; else QEMU's TCG emulation. */
export function kvmUsable(): boolean {
  try {
    if (!/\b(vmx|svm)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))) return false;
    closeSync(openSync('/dev/kvm', 'r+'));
    return true;
  } catch {
    return false;
  }
}
