/**
 * build: one matrix cell -> Packer template + variables -> packer init/build
 * -> the image, its result file, and (local) the image in the store.
 * A failed build names the image, shows Packer's last lines, and leaves the
 * store as it was.
 */
import { providerContext } from './provider-context.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../topology/index.js';
import type { FingerprintedImage } from '../plan/types.js';
import { describeSource } from '../packer/image-template.js';
import type { BaseImage } from '../providers/local/base-image.js';
import { createProvider } from '../providers/index.js';
import { LocalProvider } from '../providers/local/store.js';
import { imageTags, type ImageRecord } from '../images/index.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { productVersion } from '../io/paths.js';
import { imageForCell, parseCell } from './cell.js';
import { writeResult, type BuildResult } from './results.js';
import { artifactId } from '../packer/manifest.js';
import { preparePackerJob, runPackerJob } from '../packer/job.js';

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
  const job = await preparePackerJob({
    image, topologyDir: topology.dir, mode: 'build', startedAt: started,
    playbooks: image.recipe.playbooks.map((p) => path.resolve(topology.dir, p)),
  }, inputs, reporter);
  if (inputs.dryRun) {
    reporter.info(`${image.name}: dry run, template ${job.template} and variables ${job.varFile} written, nothing built`);
    return { template: job.template, varFile: job.varFile };
  }
  const provider = await createProvider(image.target, providerContext(topology.dir, inputs, reporter));
  await provider.prepareBuild?.({ image: image.image, os: image.os, region: image.buildRegion });
  await runPackerJob(job, inputs, reporter);

  let imageId = artifactId(JSON.parse(await fs.readFile(job.manifestFile, 'utf8')), image);
  if (job.base) imageId = (await storeLocal(image, topology.dir, job.outputDir, job.base, started)).id;
  const result: BuildResult = {
    version: 1, cloud: image.cloud, provider: image.provider, image: image.image, os: image.os,
    fingerprint: image.fingerprint, name: image.name, region: image.buildRegion, regions: image.regions,
    imageId, builtAt: started.toISOString(), durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    packerVersion: job.packer?.version ?? '', verified: 'unverified',
  };
  const file = await writeResult(path.resolve(inputs.results), result);
  reporter.setOutput(Outputs.imageId, imageId);
  reporter.setOutput(Outputs.region, image.buildRegion);
  reporter.setOutput(Outputs.fingerprint, image.fingerprint);
  reporter.setOutput(Outputs.resultFile, file);
  reporter.info(`${image.cloud}/${image.name}: built ${imageId} in ${image.buildRegion} in ${result.durationSeconds} s`);
  await fs.rm(job.outputDir, { recursive: true, force: true });
  return { template: job.template, varFile: job.varFile, result };
}

async function storeLocal(image: FingerprintedImage, baseDir: string, outputDir: string, base: BaseImage, started: Date): Promise<ImageRecord> {
  const store = new LocalProvider(image.target, { baseDir });
  const source = describeSource(image);
  const builtAt = started.toISOString();
  return store.add({
    name: image.name, cloud: image.cloud, region: image.buildRegion, fingerprint: image.fingerprint, image: image.image, os: image.os,
    state: 'available', channel: 'candidate', verified: 'unverified', createdAt: builtAt, source,
    tags: imageTags({
      fingerprint: image.fingerprint, image: image.image, os: image.os, cloud: image.cloud, source, builtAt,
      version: productVersion(), gitSha: process.env.GITHUB_SHA,
    }),
  }, { 'image.qcow2': path.join(outputDir, 'image.qcow2'), vmlinuz: base.kernel, 'initrd.img': base.initrd });
}
