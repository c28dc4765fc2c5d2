/**
 * verify: boot the built image and run the recipe's verify playbook (the
 * bundled verify.yml when the recipe names none), always tearing the machine
 * down. One way on every provider: a Packer build whose source is the new
 * image and which creates no image (local: a qemu boot on a throwaway
 * overlay of the stored disk). The verdict goes on the image (tag/metadata)
 * and into the result file; a failed verification fails the job, and
 * lifecycle never promotes that image. A verification that reaches no
 * verdict (no boot, no SSH, a Packer or cloud error) fails the job too, and
 * leaves the image unverified: the result file names the error, and
 * distribute and lifecycle hold the image back. A recipe with
 * `verify: false` is not verified: its image is skipped, left unverified.
 */
import { providerContext } from './clouds.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadTopology, playbookPath } from '../topology/index.js';
import type { FingerprintedImage } from '../plan/types.js';
import { createBuildHooks, createProvider } from '../providers/index.js';
import type { Provider, VerifySource } from '../providers/provider.js';
import { forThisRun } from './build.js';
import { TAGS, type Verdict } from '../images/index.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { bundledPlaybooks } from '../io/paths.js';
import { imageForCell, parseCell } from './cell.js';
import { readResults, writeResult, type BuildResult } from './results.js';
import { preparePackerJob, runPackerJob } from '../packer/job.js';

export interface VerifyOutcome {
  verdict: Verdict;
  result: BuildResult;
}

export async function runVerify(inputs: Inputs, reporter: Reporter): Promise<VerifyOutcome> {
  const cell = parseCell(inputs.cell);
  const topology = await loadTopology(inputs.topology);
  const planned = imageForCell(topology, cell);
  const resultsDir = path.resolve(inputs.results);
  // The newest build of this fingerprint (a forced rebuild leaves two results, each naming its own image).
  const result = (await readResults(resultsDir))
    .filter((r) => r.cloud === planned.cloud && r.fingerprint === planned.fingerprint)
    .sort((a, b) => b.builtAt.localeCompare(a.builtAt))[0];
  if (!result)
    throw new Error(
      `${planned.cloud}/${planned.name}: no build result in ${resultsDir}: run build for this cell first (in a workflow: download its artifact)`,
    );
  if (planned.recipe.verify === false) {
    reporter.info(
      `${planned.cloud}/${result.name}: not verified: recipe "${planned.image}" says verify: false, so the image stays ` +
        `${TAGS.verified}=${result.verified} and is distributed and promoted as it is`,
    );
    return { verdict: result.verified, result };
  }

  const playbook = planned.recipe.verify ? playbookPath(planned.recipe.verify, topology.dir) : path.join(bundledPlaybooks(), 'verify.yml');
  const context = providerContext(topology.dir, inputs, reporter);
  const hooks = await createBuildHooks(planned.target, context);
  // A real verification asks the cloud what the template needs (GCP: the zone) before writing it.
  const provider = inputs.dryRun ? undefined : await createProvider(planned.target, context);
  // The image the build made, by the name it got (the build stamps the planned name with its start time).
  const image = await forThisRun({ ...planned, name: result.name }, provider, reporter);
  // The provider's verification source (local: an overlay, so the stored disk is never written to); a dry run boots nothing.
  const booted: VerifySource =
    !inputs.dryRun && hooks.verifySource
      ? await hooks.verifySource({ region: result.region, name: result.name, imageId: result.imageId }, inputs.workDir)
      : { source: result.imageId, release: async () => {} };
  let job;
  try {
    job = await preparePackerJob(
      {
        image,
        topologyDir: topology.dir,
        mode: 'verify',
        playbooks: [playbook],
        verifyImage: booted.source,
        startedAt: new Date(result.builtAt),
        // The base image the build started from (local: its cached base image and login, keyed by the resolved Release).
        resolved: cell.resolved,
        hooks,
      },
      inputs,
      reporter,
    );
  } catch (error) {
    await booted.release();
    throw error;
  }
  if (!provider) {
    reporter.info(`${image.name}: dry run, verification template ${job.template} written, nothing booted`);
    return { verdict: result.verified, result };
  }

  let verdict: Verdict = 'passed';
  let failure: Error | undefined;
  try {
    await runPackerJob(job, inputs, reporter);
  } catch (error) {
    // Only a verify playbook that ran and failed is a verdict on the image;
    // a machine that never booted or never answered is a failure of the run.
    if (!(await playbookFailed(job.work))) throw await noVerdict(resultsDir, result, image, error as Error);
    verdict = 'failed';
    failure = error as Error;
  } finally {
    // The verification machine's disk and the provider's verification source are never kept.
    await fs.rm(job.outputDir, { recursive: true, force: true });
    await booted.release();
  }
  const { verifyError: _stale, ...verified } = result;
  const updated: BuildResult = { ...verified, verified: verdict, verifiedAt: new Date().toISOString() };
  await writeResult(resultsDir, updated);
  await markImage(provider, image, result, verdict);
  if (failure)
    throw new Error(
      `${image.cloud}/${image.name} failed verification with ${path.basename(playbook)}; it is marked ${TAGS.verified}=failed and will never be promoted.\n${failure.message}`,
    );
  reporter.info(`${image.cloud}/${image.name}: verification passed (${path.basename(playbook)})`);
  return { verdict, result: updated };
}

/**
 * Records the verdict on the image itself, so lifecycle sees it whatever
 * happens to the result files: the image of the result's id (ids compared
 * without case: Azure's are case-insensitive), else the one image of this
 * fingerprint, never a guess between several.
 */
async function markImage(provider: Provider, image: FingerprintedImage, result: BuildResult, verdict: Verdict): Promise<void> {
  const records = await provider.inventory(result.region);
  const sameFingerprint = records.filter((r) => r.fingerprint === image.fingerprint);
  const record =
    records.find((r) => r.id.toLowerCase() === result.imageId.toLowerCase()) ??
    (sameFingerprint.length === 1 ? sameFingerprint[0] : undefined);
  if (!record)
    throw new Error(
      `${image.cloud}/${image.name}: the image ${result.imageId} is not in ${result.region} any more, cannot record its verdict`,
    );
  await provider.tag(record, { [TAGS.verified]: verdict });
}

/**
 * Verification ran but reached no verdict: the verdict stays as it was
 * (unverified after a build) and the result file names why, so whoever reads
 * it (distribute's summary, the kept result artifact) sees the cause.
 */
async function noVerdict(resultsDir: string, result: BuildResult, image: FingerprintedImage, error: Error): Promise<Error> {
  const first = error.message.split('\n').find((l) => l.trim() !== '') ?? 'verification failed';
  await writeResult(resultsDir, { ...result, verifyError: first.trim().slice(0, 500) });
  const held = result.verified === 'unverified' ? ': distribute and lifecycle hold it back until a verification passes' : '';
  return new Error(
    `${image.cloud}/${image.name}: verification reached no verdict (the machine did not boot or answer, or Packer or the cloud failed); ` +
      `the image stays ${TAGS.verified}=${result.verified}${held}. Fix the cause and run verify again.\n${error.message}`,
  );
}

/** True when Packer's log shows the Ansible provisioner ran and the playbook failed. */
async function playbookFailed(work: string): Promise<boolean> {
  const log = await fs.readFile(path.join(work, 'packer-verify.log'), 'utf8').catch(() => '');
  return /Error executing Ansible|ansible-playbook.*exit status|Non-zero exit status/i.test(log);
}
