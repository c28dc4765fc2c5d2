/**
 * distribute: copy every image of the topology from its source region to each
 * region that lacks it, all regions at once with at most `copy-limit` copies
 * in flight per destination region; wait for each copy, tag it (image and
 * snapshots) and share it. Idempotent: what a region holds (pending included)
 * is never copied again, so a re-run after a crash finishes only the rest.
 * One failed region does not stop the others; every failure is reported and
 * the command fails at the end. Orchestration only: the decisions are in
 * distribute/rules.ts.
 */
import { openClouds, type CommandDeps } from './clouds.js';
import { readResults } from './results.js';
import { loadTopology } from '../topology/index.js';
import { fingerprinted } from '../plan/images.js';
import type { Provider } from '../providers/provider.js';
import { lockAll } from '../providers/locks.js';
import { isCopyPending, type CopyProgress } from '../providers/copy-wait.js';
import { realSleep, withRetry } from '../util/retry.js';
import { mapLimit } from '../util/pool.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import {
  planDistribution,
  shares,
  type CopyJob,
  type CopyOutcome,
  type Distribution,
  type ImageDistribution,
  type StepFailure,
} from '../distribute/rules.js';
import { distributeMarkdown, distributeText, formatTags } from '../report/distribute-summary.js';

export interface DistributeResult {
  distribution: Distribution;
  outcomes: CopyOutcome[];
  failures: StepFailure[];
  copied: number;
}

/** Errors that mean "too many copies into this region right now": worth waiting for. */
const COPY_LIMIT = /ResourceLimitExceeded|concurrent (AMI )?cop(y|ies)/i;

export async function runDistribute(inputs: Inputs, reporter: Reporter, deps: CommandDeps = {}): Promise<DistributeResult> {
  const topology = await loadTopology(inputs.topology);
  const images = fingerprinted(topology, inputs);
  const results = await readResults(inputs.results);
  const open = await openClouds(topology, inputs, reporter, deps, { onFailure: 'record' });
  const failures = [...open.failures];
  const distribution = planDistribution({ images, inventory: open.inventory, results });
  reportSkipped(distribution, reporter);

  const jobs = distribution.images.flatMap((image) =>
    image.copies.filter((job) => {
      if (!open.unreachable.has(`${job.cloud}|${job.to}`)) return true;
      failures.push({
        cloud: job.cloud,
        region: job.to,
        name: job.name,
        step: 'copy',
        message: 'not copied: the inventory of this region failed (see above)',
      });
      return false;
    }),
  );
  let outcomes: CopyOutcome[] = [];
  if (inputs.dryRun) {
    describeDryRun(distribution.images, jobs, reporter);
  } else {
    const provider = (cloud: string) => open.providers.get(cloud) as Provider;
    // One run at a time changes a store (the local one): the next waits, or stops naming this one.
    const unlock = await lockAll(open.providers.values(), 'distribute', {
      log: (m) => reporter.info(m),
      env: deps.context?.env,
      sleep: deps.sleep,
    });
    try {
      await retagSources(distribution.images, provider, failures, reporter);
      outcomes = await copyAll(jobs, distribution.images, provider, inputs, reporter, deps);
      for (const o of outcomes)
        if (!o.ok) failures.push({ cloud: o.job.cloud, region: o.job.to, name: o.job.name, step: 'copy', message: o.error ?? 'failed' });
      await shareExisting(distribution.images, provider, inputs.concurrency, failures, reporter);
    } finally {
      await unlock();
    }
  }

  const copied = outcomes.filter((o) => o.ok).length;
  reporter.setOutput(Outputs.copiedCount, String(copied));
  reporter.setOutput(Outputs.failedCount, String(failures.length));
  const report = { dryRun: inputs.dryRun, distribution, outcomes, failures, plannedCopies: jobs };
  if (inputs.summary) await reporter.summary(distributeMarkdown(report), distributeText(report));
  if (failures.length > 0) {
    const lines = failures.map((f) => `  ${f.cloud} ${f.region}${f.name ? ` ${f.name}` : ''} (${f.step}): ${f.message}`);
    throw new Error(
      `distribute: ${failures.length} step${failures.length === 1 ? '' : 's'} failed, the rest completed; ` +
        `fix the cause and run distribute again (it redoes only what is missing):\n${lines.join('\n')}`,
    );
  }
  return { distribution, outcomes, failures, copied };
}

function reportSkipped(distribution: Distribution, reporter: Reporter): void {
  for (const image of distribution.images) {
    if (image.status === 'distribute') continue;
    const text = `${image.cloud}/${image.name}: ${image.reason}`;
    if (image.status === 'not-built' && !image.built) reporter.info(text);
    else reporter.warning(text);
  }
  for (const r of distribution.unmatched) {
    reporter.warning(
      `result ${r.cloud} ${r.imageId} (fingerprint ${r.fingerprint}) matches no image of the topology ` +
        '(changed since the build?): not distributed',
    );
  }
}

function describeDryRun(images: ImageDistribution[], jobs: CopyJob[], reporter: Reporter): void {
  const say = (m: string) => reporter.info(`dry-run: ${m}`);
  for (const image of images) {
    if (image.status !== 'distribute' || !image.source) continue;
    if (image.retag) say(`would tag ${image.cloud} ${image.source.region} ${image.source.id} with ${formatTags(image.retag)}`);
  }
  for (const job of jobs) {
    say(
      job.resume
        ? `would wait for the copy of ${job.name} already under way into ${job.to} (${job.cloud})`
        : `would copy ${job.name} (${job.source.id}) of ${job.cloud} from ${job.from} to ${job.to}`,
    );
    say(`would tag the copy in ${job.to} (and its snapshots, where it has any) with ${formatTags(job.tags)}`);
    const image = images.find((i) => i.copies.includes(job));
    if (image && shares(image.sharing)) say(`would share the copy in ${job.to} with ${sharingText(image)}`);
  }
  for (const image of images) {
    for (const record of image.share) say(`would share ${image.cloud} ${record.region} ${record.id} with ${sharingText(image)}`);
  }
  if (jobs.length === 0) say('nothing to copy');
}

const sharingText = (image: ImageDistribution) => [...image.sharing.accounts, ...(image.sharing.public ? ['public'] : [])].join(', ');

async function retagSources(
  images: ImageDistribution[],
  provider: (cloud: string) => Provider,
  failures: StepFailure[],
  reporter: Reporter,
): Promise<void> {
  await Promise.all(
    images.map(async (image) => {
      if (!image.retag || !image.source || image.status !== 'distribute') return;
      try {
        await provider(image.cloud).tag(image.source, image.retag);
        reporter.info(`${image.cloud}/${image.name}: tagged ${image.source.id} with ${formatTags(image.retag)}`);
      } catch (error) {
        failures.push({
          cloud: image.cloud,
          region: image.source.region,
          name: image.name,
          step: 'tag',
          message: (error as Error).message,
        });
      }
    }),
  );
}

/** A pending copy is reported at least this often (providers look every 15 s at most). */
const PROGRESS_EVERY_MS = 30_000;

/** "45 s", "2 min 30 s". */
function waited(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

/**
 * Every job at once: one queue per destination (cloud, region), each with
 * `copy-limit` copies in flight; each copy waited for up to `copy-timeout`,
 * with a progress line every 30 s while it is pending.
 */
async function copyAll(
  jobs: CopyJob[],
  images: ImageDistribution[],
  provider: (cloud: string) => Provider,
  inputs: Pick<Inputs, 'copyLimit' | 'copyTimeoutMinutes'>,
  reporter: Reporter,
  deps: CommandDeps,
): Promise<CopyOutcome[]> {
  const timeoutMs = inputs.copyTimeoutMinutes * 60_000;
  const clock = deps.clock ?? (() => performance.now());
  const sleep = deps.sleep ?? realSleep;
  const queues = new Map<string, CopyJob[]>();
  for (const job of jobs) queues.set(`${job.cloud}|${job.to}`, [...(queues.get(`${job.cloud}|${job.to}`) ?? []), job]);
  const sharingOf = new Map(images.flatMap((i) => i.copies.map((job) => [job, i.sharing] as const)));

  const one = async (job: CopyJob): Promise<CopyOutcome> => {
    const started = clock();
    const p = provider(job.cloud);
    const seconds = () => Math.round(clock() - started) / 1000;
    let step: StepFailure['step'] = 'copy';
    try {
      reporter.info(`${job.cloud}/${job.name}: ${job.resume ? 'waiting for the copy under way' : 'copying'} ${job.from} -> ${job.to}`);
      let reported = 0;
      const onProgress = ({ state, elapsedMs }: CopyProgress) => {
        if (elapsedMs - reported < PROGRESS_EVERY_MS) return;
        reported = elapsedMs;
        reporter.info(
          `${job.cloud}/${job.name}: copy into ${job.to} still ${state} after ${waited(elapsedMs)} ` +
            `(copy-timeout ${inputs.copyTimeoutMinutes} min)`,
        );
      };
      const copy = await withRetry(() => p.copy(job.source, job.to, { wait: true, timeoutMs, onProgress }), {
        attempts: 6,
        baseMs: 5_000,
        maxMs: 60_000,
        sleep,
        retryable: (error) => COPY_LIMIT.test((error as Error)?.message ?? ''),
        onRetry: (_e, attempt, delay) =>
          reporter.info(`${job.cloud}/${job.name}: copy limit reached in ${job.to}, retry ${attempt} in ${Math.round(delay / 1000)} s`),
      });
      step = 'tag';
      if (copy.id !== job.source.id) await p.tag(copy, job.tags);
      const sharing = sharingOf.get(job);
      step = 'share';
      if (sharing && shares(sharing)) await p.share(copy, sharing);
      reporter.info(`${job.cloud}/${job.name}: ${job.to} ready as ${copy.id} after ${seconds()} s`);
      return { job, ok: true, seconds: seconds(), copy };
    } catch (error) {
      // Still pending at copy-timeout: not a failure of the copy, which goes on in the cloud.
      const message = isCopyPending(error) ? `${job.cloud}: ${error.message}` : `${step} failed: ${(error as Error).message}`;
      reporter.error(`${job.cloud}/${job.name} -> ${job.to}: ${message}`);
      return { job, ok: false, seconds: seconds(), error: message };
    }
  };

  const done = await Promise.all([...queues.values()].map((queue) => mapLimit(queue, inputs.copyLimit, one)));
  return done.flat();
}

/** Shares what was already there (idempotent): a run interrupted before sharing is completed here. */
async function shareExisting(
  images: ImageDistribution[],
  provider: (cloud: string) => Provider,
  concurrency: number,
  failures: StepFailure[],
  reporter: Reporter,
): Promise<void> {
  const work = images.filter((i) => i.status === 'distribute').flatMap((i) => i.share.map((record) => ({ image: i, record })));
  await mapLimit(work, concurrency, async ({ image, record }) => {
    try {
      await provider(image.cloud).share(record, image.sharing);
    } catch (error) {
      failures.push({ cloud: image.cloud, region: record.region, name: image.name, step: 'share', message: (error as Error).message });
      reporter.error(`${image.cloud}/${image.name}: share in ${record.region} failed: ${(error as Error).message}`);
    }
  });
}
