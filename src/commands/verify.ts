/**
 * verify: boot the built image and run the recipe's verify playbook (the
 * bundled verify.yml when the recipe names none), always tearing the machine
 * down. One way on every provider: a Packer build whose source is the new
 * image and which creates no image (local: a qemu boot on a throwaway
 * overlay of the stored disk). The verdict goes on the image (tag/metadata)
 * and into the result file; a failed verification fails the job, and
 * lifecycle never promotes that image.
 */
import { providerContext } from './provider-context.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../packer/runner.js';
import { loadTopology } from '../topology/index.js';
import type { FingerprintedImage } from '../plan/types.js';
import { createProvider } from '../providers/index.js';
import { LocalProvider } from '../providers/local/store.js';
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
  const image = imageForCell(topology, cell);
  const resultsDir = path.resolve(inputs.results);
  const result = (await readResults(resultsDir)).find((r) => r.cloud === image.cloud && r.fingerprint === image.fingerprint);
  if (!result) throw new Error(`${image.cloud}/${image.name}: no build result in ${resultsDir}: run build for this cell first (in a workflow: download its artifact)`);

  const playbook = image.recipe.verify ? path.resolve(topology.dir, image.recipe.verify) : path.join(bundledPlaybooks(), 'verify.yml');
  const verifyImage = image.provider === 'local' && !inputs.dryRun
    ? await localOverlay(new LocalProvider(image.target, { baseDir: topology.dir }).imageDir(result.region, image.name), inputs, image.name)
    : result.imageId;
  const job = await preparePackerJob({
    image, topologyDir: topology.dir, mode: 'verify', playbooks: [playbook], verifyImage, startedAt: new Date(result.builtAt),
  }, inputs, reporter);
  if (inputs.dryRun) {
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
    if (!(await playbookFailed(job.work))) throw error;
    verdict = 'failed';
    failure = error as Error;
  } finally {
    await discard(job.outputDir, verifyImage, image.provider);
  }
  const updated: BuildResult = { ...result, verified: verdict, verifiedAt: new Date().toISOString() };
  await writeResult(resultsDir, updated);
  await markImage(image, result, verdict, topology.dir, inputs, reporter);
  if (failure) throw new Error(`${image.cloud}/${image.name} failed verification with ${path.basename(playbook)}; it is marked ${TAGS.verified}=failed and will never be promoted.\n${failure.message}`);
  reporter.info(`${image.cloud}/${image.name}: verification passed (${path.basename(playbook)})`);
  return { verdict, result: updated };
}

/** Records the verdict on the image itself, so lifecycle sees it whatever happens to the result files. */
async function markImage(
  image: FingerprintedImage, result: BuildResult, verdict: Verdict, baseDir: string, inputs: Inputs, reporter: Reporter,
): Promise<void> {
  const provider = await createProvider(image.target, providerContext(baseDir, inputs, reporter));
  const record = (await provider.inventory(result.region)).find((r) => r.id === result.imageId || r.fingerprint === image.fingerprint);
  if (!record) throw new Error(`${image.cloud}/${image.name}: the image ${result.imageId} is not in ${result.region} any more, cannot record its verdict`);
  await provider.tag(record, { [TAGS.verified]: verdict });
}

/** True when Packer's log shows the Ansible provisioner ran and the playbook failed. */
async function playbookFailed(work: string): Promise<boolean> {
  const log = await fs.readFile(path.join(work, 'packer-verify.log'), 'utf8').catch(() => '');
  return /Error executing Ansible|ansible-playbook.*exit status|Non-zero exit status/i.test(log);
}

/**
 * A throwaway qcow2 overlay on the stored disk: the verification boot writes
 * to it, never to the image itself.
 */
async function localOverlay(imageDir: string, inputs: Inputs, name: string): Promise<string> {
  // The folder name is built at run time: a literal path pattern here would be
  // taken by the bundler for an asset to ship when such folders exist at build time.
  const dir = path.join(path.resolve(inputs.workDir), ['overlay', name].join('--'));
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const overlay = path.join(dir, 'overlay.qcow2');
  const result = await runProcess('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', path.join(imageDir, 'image.qcow2'), overlay]);
  if (result.code !== 0) throw new Error(`${name}: could not create the verification overlay: ${result.tail.join(' ')}`);
  return overlay;
}

/** The verification machine's disk and the overlay are never kept. */
async function discard(outputDir: string, verifyImage: string, provider: string): Promise<void> {
  await fs.rm(outputDir, { recursive: true, force: true });
  if (provider === 'local') await fs.rm(path.dirname(verifyImage), { recursive: true, force: true });
}
