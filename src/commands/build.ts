/**
 * build: one matrix cell -> Packer template + variables -> packer init/build
 * -> the image, its result file, and (local) the image in the store.
 * A failed build names the image, shows Packer's last lines, and leaves the
 * store as it was.
 */
import { closeSync, existsSync, openSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../topology/index.js';
import type { FingerprintedImage } from '../plan/types.js';
import { imageTemplate, extraVars, describeSource } from '../packer/image-template.js';
import { packerInfo, runProcess, type PackerInfo } from '../packer/runner.js';
import { pluginCache, restorePlugins, savePlugins } from '../packer/plugins.js';
import { ensureBaseImage, type BaseImage } from '../local/base-image.js';
import { debianMirror } from '../local/mirror.js';
import { LocalProvider } from '../providers/local.js';
import { imageTags, type ImageRecord } from '../providers/provider.js';
import type { LocalSource } from '../topology/model.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { bundledPlaybooks, productVersion } from '../io/paths.js';
import { imageForCell, parseCell } from './cell.js';
import { writeResult, type BuildResult } from './results.js';
import { artifactId } from './manifest.js';

export interface BuildOutcome {
  template: string;
  varFile: string;
  result?: BuildResult;
}

export async function runBuild(inputs: Inputs, reporter: Reporter): Promise<BuildOutcome> {
  const cell = parseCell(inputs.cell);
  const topology = await loadTopology(inputs.topology);
  const image = imageForCell(topology, cell);
  const started = new Date();
  const work = path.resolve(inputs.workDir, `${image.cloud}--${image.name}`);
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(work, { recursive: true });
  const packer = await packerInfo();
  if (!packer && !inputs.dryRun) throw new Error(`${image.name}: packer is not installed (on GitHub: hashicorp/setup-packer; on Debian: apt-get install packer)`);

  const local = image.provider === 'local' ? await localFiles(image, topology.dir, work, inputs.dryRun, reporter) : undefined;
  const facts = { buildTime: started, gitSha: process.env.GITHUB_SHA, version: productVersion() };
  const extraVarsFile = path.join(work, 'extra-vars.json');
  await fs.writeFile(extraVarsFile, JSON.stringify({ ...extraVars(image, facts), image_builder_deprovision: false }, null, 2) + '\n', { mode: 0o600 });
  const outputDir = path.join(work, 'output');
  const manifestFile = path.join(work, 'packer-manifest.json');
  const built = imageTemplate({
    image, mode: 'build', extraVarsFile, outputDir, manifestFile, ...facts,
    playbooks: image.recipe.playbooks.map((p) => path.resolve(topology.dir, p)),
    deprovision: path.join(bundledPlaybooks(), 'deprovision.yml'),
    modernPacker: packer?.modern ?? true,
    local: local && { ...local.files, sshPassword: local.base.password },
  });
  const template = path.join(work, 'image.pkr.json');
  const varFile = path.join(work, 'image.pkrvars.json');
  await fs.writeFile(template, JSON.stringify(built.template, null, 2) + '\n');
  await fs.writeFile(varFile, JSON.stringify(built.variables, null, 2) + '\n', { mode: 0o600 });
  if (local) reporter.mask(local.base.password);
  reporter.setOutput(Outputs.template, template);
  reporter.setOutput(Outputs.varFile, varFile);

  if (packer) await packerStep(image, packer, ['validate', `-var-file=${varFile}`, template], work, reporter, 'validate');
  else reporter.warning(`${image.name}: packer is not installed, the template was written but not validated`);
  if (inputs.dryRun) {
    reporter.info(`${image.name}: dry run, template ${template} and variables ${varFile} written, nothing built`);
    return { template, varFile };
  }
  const info = packer as PackerInfo;

  const cache = pluginCache(built.template);
  const env = { ...process.env, ...(cache ? { PACKER_PLUGIN_PATH: cache.dir } : {}), ...(inputs.token ? { PACKER_GITHUB_API_TOKEN: inputs.token } : {}) };
  if (cache) {
    const exact = await restorePlugins(cache, (m) => reporter.info(m));
    await packerStep(image, info, ['init', template], work, reporter, 'init', env);
    if (!exact) await savePlugins(cache, (m) => reporter.info(m));
  }
  await reporter.group(`packer build ${image.cloud}/${image.name}`, () =>
    packerStep(image, info, ['build', '-color=false', '-timestamp-ui', `-var-file=${varFile}`, template], work, reporter, 'build', env,
      inputs.buildTimeoutMinutes * 60_000));

  const id = artifactId(JSON.parse(await fs.readFile(manifestFile, 'utf8')), image);
  const finished = new Date();
  let imageId = id;
  if (local) imageId = (await storeLocal(image, topology.dir, outputDir, local.base, started)).id;
  const result: BuildResult = {
    version: 1, cloud: image.cloud, provider: image.provider, image: image.image, os: image.os,
    fingerprint: image.fingerprint, name: image.name, region: image.buildRegion, regions: image.regions,
    imageId, builtAt: started.toISOString(), durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
    packerVersion: info.version, verified: 'unverified',
  };
  const file = await writeResult(path.resolve(inputs.results), result);
  reporter.setOutput(Outputs.imageId, imageId);
  reporter.setOutput(Outputs.region, image.buildRegion);
  reporter.setOutput(Outputs.fingerprint, image.fingerprint);
  reporter.setOutput(Outputs.resultFile, file);
  reporter.info(`${image.cloud}/${image.name}: built ${imageId} in ${image.buildRegion} in ${result.durationSeconds} s`);
  await fs.rm(outputDir, { recursive: true, force: true });
  return { template, varFile, result };
}

async function packerStep(
  image: FingerprintedImage, packer: PackerInfo, args: string[], cwd: string, reporter: Reporter, what: string,
  env: NodeJS.ProcessEnv = process.env, timeoutMs?: number,
): Promise<void> {
  const log = path.join(cwd, `packer-${what}.log`);
  const lines: string[] = [];
  const result = await runProcess('packer', args, { cwd, env, timeoutMs, onLine: (l) => { lines.push(l); if (what === 'build') reporter.info(l); } });
  await fs.writeFile(log, lines.join('\n') + '\n');
  if (result.code === 0) return;
  const why = result.timedOut ? `ran longer than its time limit and was stopped (its machine was torn down)` : `failed (exit ${result.code})`;
  throw new Error(`${image.cloud}/${image.name}: packer ${what} ${why} [Packer ${packer.version}]; last lines:\n` +
    result.tail.slice(-25).join('\n') + `\nfull log: ${log}`);
}

interface LocalFiles {
  base: BaseImage;
  files: { baseImage: string; kernel: string; initrd: string; accelerator: string; memoryMb: number; cpus: number; serialLog: string };
}

async function localFiles(image: FingerprintedImage, baseDir: string, work: string, dryRun: boolean, reporter: Reporter): Promise<LocalFiles> {
  const source = image.source as LocalSource;
  const store = new LocalProvider(image.target, { baseDir });
  let base: BaseImage;
  if (source.image) {
    const disk = path.resolve(baseDir, source.image);
    base = { dir: path.dirname(disk), disk, kernel: path.join(path.dirname(disk), 'vmlinuz'), initrd: path.join(path.dirname(disk), 'initrd.img'), user: 'root', password: process.env.IMAGE_BUILDER_LOCAL_PASSWORD ?? '' };
    for (const f of [base.disk, base.kernel, base.initrd]) if (!existsSync(f)) throw new Error(`${image.name}: the local source image needs ${f}`);
  } else if (dryRun) {
    const dir = path.join(work, 'dry-run-base');
    await fs.mkdir(dir, { recursive: true });
    for (const f of ['base.qcow2', 'vmlinuz', 'initrd.img']) await fs.writeFile(path.join(dir, f), '');
    base = { dir, disk: path.join(dir, 'base.qcow2'), kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.img'), user: 'root', password: 'dry-run' };
  } else {
    const mirror = debianMirror(source.mirror);
    base = await reporter.group(`base image ${source.suite}`, () =>
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

async function storeLocal(image: FingerprintedImage, baseDir: string, outputDir: string, base: BaseImage, started: Date): Promise<ImageRecord> {
  const store = new LocalProvider(image.target, { baseDir });
  return store.add({
    name: image.name, cloud: image.cloud, region: image.buildRegion, fingerprint: image.fingerprint, image: image.image, os: image.os,
    state: 'available', channel: 'candidate', verified: 'unverified', createdAt: started.toISOString(), source: describeSource(image),
    tags: imageTags({ fingerprint: image.fingerprint, image: image.image, os: image.os, cloud: image.cloud, source: describeSource(image), builtAt: started.toISOString(), version: productVersion(), gitSha: process.env.GITHUB_SHA }),
  }, { 'image.qcow2': path.join(outputDir, 'image.qcow2'), vmlinuz: base.kernel, 'initrd.img': base.initrd });
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
