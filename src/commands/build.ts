/**
 * build: one matrix cell -> Packer template + variables -> packer init/build
 * -> the image, its result file, and the image where its provider keeps it
 * (local: the store). A failed build names the image, shows Packer's last
 * lines, and leaves the store as it was.
 */
import { providerContext } from './clouds.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadTopology, playbookPath } from '../topology/index.js';
import type { FingerprintedImage } from '../plan/types.js';
import { sourceText } from '../plan/inputs.js';
import { createBuildHooks, createProvider } from '../providers/index.js';
import { imageTags } from '../images/index.js';
import { buildCommit } from '../util/git.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { productVersion } from '../io/paths.js';
import { imageForCell, parseCell } from './cell.js';
import { writeResult, type BuildResult } from './results.js';
import { artifactId } from '../packer/manifest.js';
import { preparePackerJob, runPackerJob, type PackerJob } from '../packer/job.js';
import type { BuildHooks, Provider, ResolvedSource } from '../providers/provider.js';
import { imageName } from '../plan/naming.js';
import { zoneAtBuildTime } from '../packer/sources/gcp.js';
import { AZURE_OIDC_ENV } from '../packer/sources/azure.js';

export interface BuildOutcome {
  template: string;
  varFile: string;
  result?: BuildResult;
}

export async function runBuild(inputs: Inputs, reporter: Reporter): Promise<BuildOutcome> {
  const cell = parseCell(inputs.cell);
  const topology = await loadTopology(inputs.topology);
  const planned = imageForCell(topology, cell);
  const started = new Date();
  const context = providerContext(topology.dir, inputs, reporter);
  const hooks = await createBuildHooks(planned.target, context);
  // A real build asks the cloud what the template needs (GCP: the zone) before writing it; a dry run needs no login.
  const provider = inputs.dryRun ? undefined : await createProvider(planned.target, context);
  // Every build names its image anew (the planned name and the start time), so a rebuild never meets an image of that name.
  const image = await forThisRun(
    { ...planned, name: imageName(planned.provider, planned.image, planned.os, planned.fingerprint, started) },
    provider,
    reporter,
    cell.resolved,
  );
  const job = await preparePackerJob(
    {
      image,
      topologyDir: topology.dir,
      mode: 'build',
      startedAt: started,
      hooks,
      // The upstream image the plan resolved: Packer boots exactly it, never a filter or family.
      resolved: cell.resolved,
      playbooks: image.recipe.playbooks.map((p) => playbookPath(p, topology.dir)),
    },
    inputs,
    reporter,
  );
  if (!provider) {
    reporter.info(`${image.name}: dry run, template ${job.template} and variables ${job.varFile} written, nothing built`);
    return { template: job.template, varFile: job.varFile };
  }
  const line = { image: image.image, os: image.os, region: image.buildRegion, source: image.source, resolved: cell.resolved };
  await provider.prepareBuild?.(line);
  await runPackerJob(job, inputs, reporter);

  const imageId = await keep({ ...image, resolved: cell.resolved }, job, hooks, started, topology.dir);
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

/**
 * The image as this run builds or verifies it, with what the cloud told the
 * provider (GCP: the zone, unless the topology names one; AWS: the root
 * device of the source AMI, the resolved one when the plan resolved it). A
 * dry run asks no cloud: a GCP template without a zone in the topology gets a
 * placeholder.
 * On GitHub, Azure's Packer signs in with the job's OIDC request token: it
 * is masked before Packer runs.
 */
export async function forThisRun(
  image: FingerprintedImage,
  provider: Provider | undefined,
  reporter: Reporter,
  resolved?: ResolvedSource,
): Promise<FingerprintedImage> {
  const line = { image: image.image, os: image.os, region: image.buildRegion, source: image.source, resolved };
  const settings = (await provider?.buildSettings?.(line)) ?? {};
  const zone = settings.zone ?? image.target.zone;
  if (image.provider === 'gcp' && !zone) {
    if (provider)
      throw new Error(`${image.cloud}/${image.name}: no zone to build in: set zone: in the topology (a zone of ${image.buildRegion})`);
    reporter.warning(
      `${image.cloud}/${image.name}: the topology names no zone, so the dry run's template has the placeholder ` +
        `${zoneAtBuildTime(image.buildRegion)}; a real build picks a zone of ${image.buildRegion} that is up (or set zone: in the topology)`,
    );
  }
  const token = process.env[AZURE_OIDC_ENV.token];
  if (image.provider === 'azure' && token) reporter.mask(token);
  const source = settings.source ? ({ ...image.source, ...settings.source } as FingerprintedImage['source']) : image.source;
  return { ...image, source, target: zone ? { ...image.target, zone } : image.target };
}

/** The built image's id: Packer's artifact id, or where the provider's store hook put it. */
async function keep(image: FingerprintedImage, job: PackerJob, hooks: BuildHooks, started: Date, topologyDir: string): Promise<string> {
  const artifact = artifactId(JSON.parse(await fs.readFile(job.manifestFile, 'utf8')), image, started);
  if (!hooks.store) return artifact;
  const source = sourceText(image.source);
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
      // The store keeps what it was built from in full (a later plan names changed files and variables from it).
      ...(image.inputs ? { inputs: { ...image.inputs, ...(image.resolved ? { base: image.resolved } : {}) } } : {}),
      tags: imageTags({
        fingerprint: image.fingerprint,
        image: image.image,
        os: image.os,
        cloud: image.cloud,
        owner: image.owner,
        source,
        builtAt,
        version: productVersion(),
        gitSha: buildCommit(topologyDir),
        inputs: image.inputs && { ...image.inputs, base: image.resolved },
      }),
    },
  });
}
