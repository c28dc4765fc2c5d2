/**
 * lifecycle: per image line (cloud, recipe, os) and region, promote the
 * newest verified image of the current fingerprint to gold (an unverified one
 * only when its recipe says `verify: false`), mark the previous
 * gold outdated with the cloud's own deprecation (naming the replacement),
 * keep the newest `lifecycle.keep`, and remove the rest and retired lines,
 * only with delete: true and never what is gold, newest or in use. Where the
 * cloud can deactivate (OpenStack), a retired line's images are deactivated
 * first and deleted after `lifecycle.delete_retired_after`. dry-run changes
 * nothing. Orchestration only: the rules are in lifecycle/decide.ts.
 */
import { readResults } from './results.js';
import { openClouds, type CommandDeps } from './clouds.js';
import { loadTopology } from '../topology/index.js';
import { fingerprinted } from '../plan/images.js';
import { matcher } from '../plan/filter.js';
import { TAGS, type ImageRecord, type Verdict } from '../images/index.js';
import { type Provider } from '../providers/provider.js';
import { lockAll } from '../providers/locks.js';
import { mapLimit } from '../util/pool.js';
import { Outputs } from '../io/constants.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { HELD_BECAUSE, decide, removalCandidates } from '../lifecycle/decide.js';
import type { StepFailure } from '../distribute/rules.js';
import { lineId, lineLocations, verdictKey, withVerdicts, type LineDecision, type LineLocation } from '../lifecycle/lines.js';
import { driftRows, type DriftRow } from '../lifecycle/drift.js';
import { doneKey, lifecycleMarkdown, lifecycleText } from '../report/lifecycle-summary.js';
import { DELETE_RETIRED_AFTER, retiredWindow } from '../topology/duration.js';

/** Seams for tests: the time retired images are deactivated at and their window is counted to (default now). */
export interface LifecycleDeps extends CommandDeps {
  now?: () => Date;
}

export interface LifecycleResult {
  lines: LineDecision[];
  drift: DriftRow[];
  failures: StepFailure[];
  promoted: number;
  outdated: number;
  removed: number;
  /** Retired images deactivated (deleted after lifecycle.delete_retired_after). */
  deactivated: number;
  /** Images without an owner, of a cloud the topology adopts, tagged with its owner. */
  adopted: number;
}

/** What was done for real (all zero in a dry run). */
interface Applied {
  promoted: number;
  outdated: number;
  removed: number;
  deactivated: number;
  adopted: number;
  /** The planned steps that completed (doneKey): the summary lists what happened, not what was planned. */
  done: Set<string>;
}

export async function runLifecycle(inputs: Inputs, reporter: Reporter, deps: LifecycleDeps = {}): Promise<LifecycleResult> {
  const topology = await loadTopology(inputs.topology);
  const now = (deps.now ?? (() => new Date()))();
  const afterMs = retiredWindow(topology.lifecycle);
  const images = fingerprinted(topology, inputs);
  const configs = new Map(images.map((i) => [lineId(i), i]));
  const verdicts = new Map<string, Verdict>();
  for (const r of await readResults(inputs.results)) verdicts.set(verdictKey(r.cloud, r.imageId), r.verified);
  const open = await openClouds(topology, inputs, reporter, deps, { onFailure: 'record' });
  const failures = [...open.failures];
  const retired = new Set(topology.lifecycle.retired);
  const recipeOk = matcher(inputs.images);

  const locations = open.clouds.flatMap((cloud) => {
    const degraded = [...open.unreachable].some((u) => u.startsWith(`${cloud.name}|`));
    if (degraded && inputs.delete) reporter.warning(`cloud "${cloud.name}": an inventory failed, so nothing is removed there in this run`);
    const regions = open.inventory[cloud.name]?.regions ?? {};
    return lineLocations(cloud.name, regions)
      .filter((l) => recipeOk(l.image))
      .map((location) => ({
        location: { ...location, records: withVerdicts(location.records, verdicts) },
        mayDelete: inputs.delete && !degraded,
      }));
  });

  const provider = (cloud: string) => open.providers.get(cloud) as Provider;
  const applied: Applied = { promoted: 0, outdated: 0, removed: 0, deactivated: 0, adopted: 0, done: new Set() };
  // One run at a time changes a store (the local one): the next waits, or stops naming this one.
  const unlock = inputs.dryRun
    ? async () => undefined
    : await lockAll(open.providers.values(), 'lifecycle', { log: (m) => reporter.info(m), env: deps.context?.env, sleep: deps.sleep });
  const lines = await mapLimit(locations, inputs.concurrency, async ({ location, mayDelete }) => {
    const config = configs.get(lineId(location));
    const input = {
      records: location.records,
      keep: topology.lifecycle.keep,
      retired: retired.has(location.image),
      currentFingerprint: config?.fingerprint,
      // Only a recipe that opts out of verification may have an unverified gold: without `verify:`, the bundled playbook verifies it.
      allowUnverified: config !== undefined && config.recipe.verify === false,
      delete: mayDelete,
      // Where the cloud can make an image unbootable, a retired line is deactivated first and deleted after the window.
      deactivation: provider(location.cloud).deactivate ? { now: now.getTime(), afterMs } : undefined,
    };
    const usage: Record<string, string[]> = {};
    const inUse = new Set<string>();
    for (const record of removalCandidates(decide({ ...input, inUse }))) {
      try {
        const found = await provider(location.cloud).inUse(record);
        if (found.inUse) {
          inUse.add(record.id);
          usage[record.id] = found.references;
        }
      } catch (error) {
        // Unknown usage counts as in use: never remove what might be running.
        inUse.add(record.id);
        usage[record.id] = ['usage check failed'];
        const message = `usage check of ${record.name} failed, kept: ${(error as Error).message}`;
        if (mayDelete) failures.push({ cloud: location.cloud, region: record.region, name: record.name, step: 'usage', message });
        else reporter.warning(`${location.cloud}: ${message}`);
      }
    }
    const line: LineDecision = {
      location,
      retired: input.retired,
      current: config?.fingerprint,
      decision: decide({ ...input, inUse }),
      usage,
    };
    for (const { record, reason } of line.decision.held)
      reporter.warning(`${label(location)}: ${record.name} (${record.id}) is not promoted: ${HELD_BECAUSE[reason]}`);
    if (inputs.dryRun) describe(line, open.owner, reporter);
    else await apply(line, provider(location.cloud), open.owner, now, applied, failures, reporter);
    return line;
  }).finally(unlock);

  const drift = driftRows(
    images,
    lines.map((l) => ({ ...l.location, gold: l.decision.gold })),
  );
  const { done, ...counts } = applied;
  const result: LifecycleResult = { lines, drift, failures, ...counts };
  reporter.setOutput(Outputs.promotedCount, String(result.promoted));
  reporter.setOutput(Outputs.removedCount, String(result.removed));
  reporter.setOutput(Outputs.failedCount, String(failures.length));
  const report = {
    dryRun: inputs.dryRun,
    delete: inputs.delete,
    keep: topology.lifecycle.keep,
    deleteRetiredAfter: topology.lifecycle.delete_retired_after ?? DELETE_RETIRED_AFTER,
    lines,
    failures,
    drift,
    applied: { ...counts, done },
  };
  if (inputs.summary) await reporter.summary(lifecycleMarkdown(report), lifecycleText(report));
  if (failures.length > 0) {
    const text = failures.map((f) => `  ${f.cloud} ${f.region} ${f.name} (${f.step}): ${f.message}`).join('\n');
    throw new Error(
      `lifecycle: ${failures.length} step${failures.length === 1 ? '' : 's'} failed, the rest completed; ` +
        `fix the cause and run lifecycle again:\n${text}`,
    );
  }
  return result;
}

const label = (l: LineLocation) => `${l.cloud}/${l.image}/${l.os} in ${l.regions.join(', ')}`;

/**
 * The images of a line without an owner that stay: the inventory holds such
 * images only for clouds the topology adopts, and lifecycle tags them with
 * the owner, so adoption takes one run.
 */
function toAdopt(line: LineDecision): ImageRecord[] {
  const removed = new Set(line.decision.remove.map((x) => x.record.id));
  return line.location.records.filter((r) => !r.tags[TAGS.owner] && !removed.has(r.id));
}

function describe(line: LineDecision, owner: string, reporter: Reporter): void {
  const say = (m: string) => reporter.info(`dry-run: ${label(line.location)}: ${m}`);
  const { decision } = line;
  for (const record of toAdopt(line)) say(`would adopt ${record.name} (${record.id}): tag ${TAGS.owner}=${owner}`);
  if (decision.promote) say(`would promote ${decision.promote.name} (${decision.promote.id}) to gold`);
  for (const old of decision.outdated)
    say(`would mark ${old.name} (${old.id}) outdated and deprecate it, replaced by ${decision.gold?.name}`);
  for (const x of decision.remove) say(`would remove ${x.record.name} (${x.record.id}): ${x.reason}`);
  for (const x of decision.wouldRemove) say(`would remove ${x.record.name} (${x.record.id}) with delete: true: ${x.reason}`);
  for (const x of decision.deactivate) say(`would deactivate ${x.record.name} (${x.record.id}): retired, ${deletion(x.deleteAt)}`);
  for (const x of decision.wouldDeactivate)
    say(`would deactivate ${x.record.name} (${x.record.id}) with delete: true: retired, ${deletion(x.deleteAt)}`);
  for (const k of decision.kept)
    if (k.reason === 'retiring')
      say(`keeps ${k.record.name} (${k.record.id}) deactivated since ${k.record.retiredAt}, ${deletion(k.deleteAt)}`);
}

/** When a deactivated retired image goes. */
const deletion = (deleteAt: string | undefined) =>
  deleteAt ? `deleted from ${deleteAt} on` : 'never deleted (lifecycle.delete_retired_after: never)';

/**
 * Adopt first (tag the owner), promote (there is always a gold), then
 * outdated marks, then deactivations of retired images, then removals.
 * Each failure is recorded and the rest goes on, except that a failed
 * promotion stops its line: the old gold is still the current one.
 */
async function apply(
  line: LineDecision,
  provider: Provider,
  owner: string,
  now: Date,
  applied: Applied,
  failures: StepFailure[],
  reporter: Reporter,
): Promise<void> {
  const { decision, location } = line;
  const step = async (record: ImageRecord, kind: StepFailure['step'], fn: () => Promise<void>, done: string): Promise<boolean> => {
    try {
      await fn();
      reporter.info(`${label(location)}: ${done}`);
      return true;
    } catch (error) {
      failures.push({ cloud: location.cloud, region: record.region, name: record.name, step: kind, message: (error as Error).message });
      reporter.error(`${label(location)}: ${kind} of ${record.name} failed: ${(error as Error).message}`);
      return false;
    }
  };
  for (const record of toAdopt(line)) {
    const tags = { [TAGS.owner]: owner };
    if (await step(record, 'tag', () => provider.tag(record, tags), `adopted ${record.name} (${record.id}): tagged ${TAGS.owner}=${owner}`))
      applied.adopted += 1;
  }
  const gold = decision.gold;
  if (decision.promote && gold) {
    const tags = { [TAGS.channel]: 'gold', [TAGS.verified]: gold.verified };
    // Without the new gold, the old one is still current: change nothing else in this line.
    if (!(await step(gold, 'tag', () => provider.tag(gold, tags), `promoted ${gold.name} (${gold.id}) to gold`))) return;
    applied.promoted += 1;
    applied.done.add(doneKey('promote', location.cloud, gold));
  }
  // Consumers resolve the gold (GCP family, Azure versions/latest) before an old gold is deprecated; again after a failed try.
  if (gold && provider.promote && (decision.promote || decision.outdated.length > 0)) {
    if (!(await step(gold, 'tag', () => provider.promote?.(gold) ?? Promise.resolve(), `${gold.name} is what consumers resolve`))) return;
  }
  for (const old of decision.outdated) {
    const marked = await step(old, 'tag', () => provider.tag(old, { [TAGS.channel]: 'outdated' }), `marked ${old.name} outdated`);
    if (marked) {
      const deprecated = await step(
        old,
        'deprecate',
        () => provider.deprecate(old, { replacement: gold }),
        `deprecated ${old.name}, replaced by ${gold?.name}`,
      );
      if (deprecated) {
        applied.outdated += 1;
        applied.done.add(doneKey('outdated', location.cloud, old));
      }
    }
  }
  for (const { record, deleteAt } of decision.deactivate) {
    const deactivate = () =>
      provider.deactivate?.(record, now) ?? Promise.reject(new Error(`${provider.provider} cannot deactivate images`));
    if (await step(record, 'deactivate', deactivate, `deactivated ${record.name} (${record.id}, retired): ${deletion(deleteAt)}`)) {
      applied.deactivated += 1;
      applied.done.add(doneKey('deactivate', location.cloud, record));
    }
  }
  for (const { record, reason } of decision.remove) {
    if (await step(record, 'remove', () => provider.remove(record), `removed ${record.name} (${record.id}, ${reason})`)) {
      applied.removed += 1;
      applied.done.add(doneKey('remove', location.cloud, record));
    }
  }
}
