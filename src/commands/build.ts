/**
 * build: one matrix cell -> Packer template + variables -> packer init/build
 * -> the image, its result file, and the image where its provider keeps it
 * (local: the store). A failed build names the image, shows Packer's last
 * lines, and leaves the store as it was.
 */
import { providerContext } from './clouds.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadTopology } from '../topology/index.js';
import type { FingerprintedImage } from '../plan/types.js';
import { describeSource } from '../packer/image-template.js';
import { createBuildHooks, createProvider } from '../providers/index.js';
import { imageTags } from '../images/index.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { productVersion } from '../io/paths.js';
import { imageForCell, parseCell } from './cell.js';
import { writeResult, type BuildResult } from './results.js';
import { artifactId } from '../packer/manifest.js';
import { preparePackerJob, runPackerJob, type PackerJob } from '../packer/job.js';
import type { BuildHooks } from '../providers/provider.js';

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
  const context = providerContext(topology.dir, inputs, reporter);
  const hooks = await createBuildHooks(image.target, context);
  const job = await preparePackerJob(
    {
      image,
      topologyDir: topology.dir,
      mode: 'build',
      startedAt: started,
      hooks,
      playbooks: image.recipe.playbooks.map((p) => path.resolve(topology.dir, p)),
    },
    inputs,
    reporter,
  );
  if (inputs.dryRun) {
    reporter.info(`${image.name}: dry run, template ${job.template} and variables ${job.varFile} written, nothing built`);
    return { template: job.template, varFile: job.varFile };
  }
  const provider = await createProvider(image.target, context);
  await provider.prepareBuild?.({ image: image.image, os: image.os, region: image.buildRegion });
  await runPackerJob(job, inputs, reporter);

  const imageId = await keep(image, job, hooks, started);
  const result: BuildResult = {
    version: 1,
    cloud: image.cloud,
    provider: image.provider,
    image: image.image,
    os: image.os,
    fingerprint: image.fingerprint,
    name: image.name,
    region: image.buildRegion,
    regions: image.regions,
    imageId,
    builtAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    packerVersion: job.packer?.version ?? '',
    verified: 'unverified',
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

/** The built image's id: Packer's artifact id, or where the provider's store hook put it. */
async function keep(image: FingerprintedImage, job: PackerJob, hooks: BuildHooks, started: Date): Promise<string> {
  const artifact = artifactId(JSON.parse(await fs.readFile(job.manifestFile, 'utf8')), image);
  if (!hooks.store) return artifact;
  const source = describeSource(image);
  const builtAt = started.toISOString();
  return hooks.store({
    artifactId: artifact,
    outputDir: job.outputDir,
    machine: job.machine,
    record: {
      name: image.name,
      cloud: image.cloud,
      region: image.buildRegion,
      fingerprint: image.fingerprint,
      image: image.image,
      os: image.os,
      state: 'available',
      channel: 'candidate',
      verified: 'unverified',
      createdAt: builtAt,
      source,
      tags: imageTags({
        fingerprint: image.fingerprint,
        image: image.image,
        os: image.os,
        cloud: image.cloud,
        source,
        builtAt,
        version: productVersion(),
        gitSha: process.env.GITHUB_SHA,
      }),
    },
  });
}
