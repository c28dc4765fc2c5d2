/**
 * status (terminal only): every image line of the selected clouds, per cloud
 * and region: the gold image and its age, candidates, outdated and failed
 * images, copies under way, drift against the topology, storage used (local
 * stores), and what the next plan and lifecycle would do there. It changes
 * nothing. The inventory is read once for the view; the next plan is the
 * real planner's (runPlan, silent, its plan file thrown away), so status
 * never disagrees with plan.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openClouds, type PlanDeps } from './clouds.js';
import { runPlan } from './plan.js';
import { readResults } from './results.js';
import { checkSelection } from './selection.js';
import { silent } from './run-output.js';
import { loadTopology } from '../topology/index.js';
import { fingerprinted } from '../plan/images.js';
import { matcher } from '../plan/filter.js';
import type { Plan } from '../plan/types.js';
import type { ImageRecord } from '../images/index.js';
import { decide } from '../lifecycle/decide.js';
import { retiredWindow } from '../topology/duration.js';
import { verdictKey, withVerdicts } from '../lifecycle/lines.js';
import { LocalProvider } from '../providers/local/store.js';
import type { Provider } from '../providers/provider.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';
import { productVersion } from '../io/paths.js';
import { statusText, type Status, type StatusImage, type StatusLine } from '../report/status.js';

export interface StatusDeps extends PlanDeps {
  /** The time ages are counted to (default now). */
  now?: () => Date;
}

const newestFirst = (a: ImageRecord, b: ImageRecord) => b.createdAt.localeCompare(a.createdAt);
const brief = (r: ImageRecord, now: Date): StatusImage => {
  const ms = now.getTime() - Date.parse(r.createdAt);
  return {
    name: r.name,
    id: r.id,
    fingerprint: r.fingerprint,
    verified: r.verified,
    state: r.state,
    createdAt: r.createdAt,
    ageDays: Number.isFinite(ms) ? Math.round(ms / 8_640_000) / 10 : null,
  };
};

export async function runStatus(inputs: Inputs, reporter: Reporter, deps: StatusDeps = {}): Promise<Status> {
  await checkSelection(inputs, false);
  const now = (deps.now ?? (() => new Date()))();
  const topology = await loadTopology(inputs.topology);
  const images = fingerprinted(topology, inputs);
  const verdicts = new Map((await readResults(path.resolve(inputs.results))).map((r) => [verdictKey(r.cloud, r.imageId), r.verified]));
  const open = await openClouds(topology, inputs, reporter, deps, { onFailure: 'record' });
  const failures = open.failures.map((f) => `inventory of cloud "${f.cloud}" in ${f.region} failed: ${f.message}`);
  const plan = failures.length === 0 ? await nextPlan(inputs, deps) : undefined;
  const recipeOk = matcher(inputs.images);
  const retired = new Set(topology.lifecycle.retired);

  const clouds = [];
  for (const cloud of open.clouds) {
    const held = open.inventory[cloud.name]?.regions ?? {};
    const regions = [...new Set([...Object.keys(cloud.regions), ...Object.keys(held)])].sort();
    const out = [];
    for (const region of regions) {
      if (open.unreachable.has(`${cloud.name}|${region}`)) {
        out.push({ region, lines: [], error: 'the inventory of this region failed (see failures)' });
        continue;
      }
      const records = withVerdicts(held[region] ?? [], verdicts).filter((r) => recipeOk(r.image));
      const wanted = images.filter((i) => i.cloud === cloud.name && i.regions.includes(region));
      const keys = new Set([...wanted.map((i) => `${i.image}|${i.os}`), ...records.map((r) => `${r.image}|${r.os}`)]);
      const lines: StatusLine[] = [];
      for (const key of [...keys].sort()) {
        const [image, osName] = key.split('|');
        const config = wanted.find((i) => i.image === image && i.os === osName);
        const mine = records.filter((r) => r.image === image && r.os === osName).sort(newestFirst);
        const gold = mine.find((r) => r.channel === 'gold');
        const decision = decide({
          records: mine,
          keep: topology.lifecycle.keep,
          retired: retired.has(image),
          currentFingerprint: config?.fingerprint,
          allowUnverified: config !== undefined && config.recipe.verify === false,
          inUse: new Set(),
          delete: false,
          deactivation: open.providers.get(cloud.name)?.deactivate
            ? { now: now.getTime(), afterMs: retiredWindow(topology.lifecycle) }
            : undefined,
        });
        const next = [
          ...planSteps(plan, cloud.name, region, image, osName),
          ...(decision.promote ? [`lifecycle promotes ${decision.promote.name}`] : []),
          ...(decision.outdated.length ? [`lifecycle marks ${decision.outdated.length} outdated`] : []),
          ...(decision.wouldRemove.length ? [`lifecycle --delete removes ${decision.wouldRemove.length}`] : []),
          ...(decision.wouldDeactivate.length ? [`lifecycle --delete deactivates ${decision.wouldDeactivate.length} (retired)`] : []),
          ...(!config && !retired.has(image) ? [`kept: add "${image}" to lifecycle.retired to remove its images`] : []),
        ];
        lines.push({
          image,
          os: osName,
          wanted: config?.fingerprint ?? null,
          images: mine.length,
          gold: gold ? brief(gold, now) : null,
          candidates: mine.filter((r) => r.channel === 'candidate').map((r) => brief(r, now)),
          outdated: mine.filter((r) => r.channel === 'outdated').length,
          failed: mine.filter((r) => r.verified === 'failed' || r.state === 'failed').length,
          pending: mine.filter((r) => r.state === 'pending').length,
          drift: !config ? 'not in topology' : !gold ? 'missing' : gold.fingerprint === config.fingerprint ? 'up to date' : 'outdated',
          storageBytes: await storage(open.providers.get(cloud.name), mine),
          next: plan ? (next.length ? next : ['nothing']) : ['unknown: an inventory failed'],
        });
      }
      out.push({ region, lines });
    }
    clouds.push({ cloud: cloud.name, provider: cloud.provider, regions: out });
  }
  const status: Status = {
    version: 1,
    tool: productVersion(),
    topology: path.resolve(inputs.topology),
    generatedAt: now.toISOString(),
    clouds,
    plan: plan
      ? { builds: plan.builds.length, copies: plan.copies.length, retirements: plan.retirements.length, images: plan.images.length }
      : null,
    failures,
  };
  reporter.info(statusText(status));
  return status;
}

/** The plan as `plan` would make it now, without its outputs, summary or plan file. */
async function nextPlan(inputs: Inputs, deps: PlanDeps): Promise<Plan> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'image-builder-status-'));
  try {
    const inputsOfPlan = { ...inputs, command: 'plan' as const, offline: false, force: false, summary: false };
    return (await runPlan({ ...inputsOfPlan, planFile: path.join(dir, 'plan.json') }, silent, deps)).plan;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** What the plan does for this line in this region: build, copy, retire. */
function planSteps(plan: Plan | undefined, cloud: string, region: string, image: string, osName: string): string[] {
  if (!plan) return [];
  const same = (x: { cloud: string; image: string; os: string }) => x.cloud === cloud && x.image === image && x.os === osName;
  const steps: string[] = [];
  const build = plan.builds.find((b) => same(b) && b.region === region);
  if (build) steps.push(`build${build.why ? ` (${build.why})` : ''}`);
  for (const c of plan.copies.filter((c) => same(c) && c.to === region))
    steps.push(`copy from ${c.from}${c.afterBuild ? ' after the build' : ''}`);
  const retire = plan.retirements.filter((r) => same(r) && r.region === region).length;
  if (retire) steps.push(`retire ${retire}`);
  return steps;
}

/** Bytes the line's images take in a local store (their folders); null for clouds, whose storage their consoles show. */
async function storage(provider: Provider | undefined, records: ImageRecord[]): Promise<number | null> {
  if (!(provider instanceof LocalProvider)) return null;
  let total = 0;
  for (const r of records) total += await folderBytes(path.join(provider.root, r.id));
  return total;
}

async function folderBytes(dir: string): Promise<number> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  // Blocks on disk, as du counts them: the folders too, a sparse disk by what it holds.
  const paths = [dir, ...entries.filter((e) => e.isFile() || e.isDirectory()).map((e) => path.join(e.parentPath, e.name))];
  let total = 0;
  for (const p of paths) total += ((await fs.stat(p).catch(() => undefined))?.blocks ?? 0) * 512;
  return total;
}
