/**
 * How plan time grows with the number of images: N recipes, each needed in
 * all 20 regions of one AWS cloud, against an EC2 fake answering after
 * `latencyMs` a request whose every region holds N AMIs of this topology
 * (N existing images per region), compared at a small and a large N.
 *
 * Per region the fake holds one AMI per recipe, tagged as a build tags it
 * (images/tags.ts: ~20 tags): the current fingerprint's, except that every
 * 10th recipe has only an older fingerprint's (a build and 19 copies) and
 * every 7th has an older one in the last region (a copy). The upstream AMI
 * the source names is published in the build region.
 *
 * Each size has its fakes (one process) and its planner (another process);
 * both planners are warmed by one plan (SDK loading, connections), then
 * timed in turns, small then large, so load on the machine falls on both
 * alike. The plan is the real runPlan with the action's default inputs
 * (concurrency 8, summary rendered). Each sample has the plan's wall and CPU
 * time and the fakes' CPU time answering it; then one more plan of each size
 * is timed step by step (load, fingerprint, inventory, planner, report).
 *
 * The topology writes every instance out (20 regions x N lines), as a
 * generated topology would; YAML anchors would make it N lines.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiled } from './compiled.js';
import { forkHelper } from './ipc.js';
import { DEBIAN, recipeName, writeTopology } from './topology.js';
import { AWS_REGIONS } from './multicloud.js';
import { spread } from './stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ACCOUNT = '123456789012';
/** 20 regions: the 16 of the multicloud benchmark and 4 more. */
export const SCALE_REGIONS = [...AWS_REGIONS, 'ap-northeast-3', 'ap-southeast-3', 'eu-south-1', 'me-central-1'];
const UPSTREAM = { ownerId: DEBIAN, name: 'debian-12-amd64-20250101-1980', creationDate: '2025-01-01T00:00:00.000Z' };
const DAY = 86_400_000;

/** Writes the topology and starts its fakes; answers what the planner needs. */
export async function scene(images, latencyMs) {
  const [{ fingerprinted }, { loadTopology }, { imageTags }, { imageName }, { sourceText }] = await Promise.all([
    compiled('src/plan/images.js'), compiled('src/topology/index.js'), compiled('src/images/index.js'),
    compiled('src/plan/naming.js'), compiled('src/plan/inputs.js'),
  ]);
  const recipes = Array.from({ length: images }, (_, k) => recipeName(k));
  const { dir, file } = writeTopology({
    recipes: images,
    clouds: [{ name: 'aws-prod', provider: 'aws', fields: { account: ACCOUNT }, regions: Object.fromEntries(SCALE_REGIONS.map((r) => [r, recipes])) }],
  });
  const topology = await loadTopology(file);
  const fakes = forkHelper(path.join(HERE, 'fake-server.js'));
  const ready = await fakes.ask({
    type: 'start', account: ACCOUNT, latencyMs, aws: [], gcp: [], awsUpstream: [{ ...UPSTREAM, region: topology.clouds[0].build_region }],
  }, 'ready');
  const base = { id: ready.awsUpstream[0], name: UPSTREAM.name, created: UPSTREAM.creationDate };
  const now = Date.now();
  const seeds = [];
  const last = SCALE_REGIONS.at(-1);
  for (const [k, image] of fingerprinted(topology, { clouds: [], images: [] }).entries()) {
    const built = (fingerprint, inputs, at) => ({
      name: imageName('aws', image.image, image.os, fingerprint, new Date(at)),
      creationDate: new Date(at).toISOString(),
      tags: imageTags({
        fingerprint, image: image.image, os: image.os, cloud: image.cloud, owner: image.owner, channel: 'gold', verified: 'passed',
        source: sourceText(image.source), gitSha: 'f'.repeat(40), builtAt: new Date(at).toISOString(), version: '0.1.0',
        inputs: { ...inputs, base },
      }),
    });
    const current = built(image.fingerprint, image.inputs, now - DAY);
    // An older fingerprint: another package list (the variables' digest differs).
    const oldFp = createHash('sha256').update(`old ${image.fingerprint}`).digest('hex');
    const older = built(oldFp, { ...image.inputs, digests: { ...image.inputs.digests, variables: oldFp.slice(0, 12) } }, now - 30 * DAY);
    if (k % 10 === 0) seeds.push({ ...older, regions: SCALE_REGIONS });
    else if (k % 7 === 0) seeds.push({ ...current, regions: SCALE_REGIONS.slice(0, -1) }, { ...older, regions: [last] });
    else seeds.push({ ...current, regions: SCALE_REGIONS });
  }
  await fakes.ask({ type: 'seed', aws: seeds }, 'seeded');
  const env = {
    AWS_ENDPOINT_URL_EC2: ready.ec2Url, AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_EC2_METADATA_DISABLED: 'true',
    HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost',
  };
  // The action's defaults otherwise (concurrency 8, the summary rendered).
  const values = { topology: file, 'plan-file': path.join(dir, 'plan.json') };
  return { fakes, env, values, perRegion: seeds.reduce((n, s) => n + s.regions.length, 0) / SCALE_REGIONS.length };
}

/** One size: its fakes, a warmed planner, and a `plan()` that times one plan and counts its calls. */
async function start(images, latencyMs, workerArgv) {
  const { fakes, env, values, perRegion } = await scene(images, latencyMs);
  const worker = forkHelper(path.join(HERE, 'plan-worker.js'), [], workerArgv);
  const plan = async () => {
    const { samples } = await worker.ask({ type: 'plan', values, env, runs: 1 }, 'planned');
    const calls = await fakes.ask({ type: 'counts', reset: true }, 'counts');
    return { ...samples[0], describeImages: calls.awsDescribeImages, otherCalls: calls.awsOther, fakeCpuMs: calls.cpuMs };
  };
  const first = await plan();
  const phases = async () => (await worker.ask({ type: 'plan', values, env, runs: 0, phases: 'online' }, 'planned')).phases;
  return { images, perRegion, first, plan, phases, close: () => Promise.all([worker.close(), fakes.close()]) };
}

/**
 * `sizes` (e.g. [10, 1000]) planned `runs` times each, in turns; answers per size the samples and their spread.
 * `workerArgv`: node options of the planners (e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] to profile them).
 */
export async function runPlanScale({ sizes = [10, 1000], latencyMs = 50, runs = 5, workerArgv = process.execArgv } = {}) {
  const started = [];
  try {
    for (const images of sizes) started.push(await start(images, latencyMs, workerArgv));
    const samples = started.map(() => []);
    for (let i = 0; i < runs; i += 1) for (const [k, s] of started.entries()) samples[k].push(await s.plan());
    // Then each step of one more plan on its own (wall and CPU), to show where the time goes.
    const phases = [];
    for (const s of started) phases.push(await s.phases());
    return {
      latencyMs, regions: SCALE_REGIONS.length, runs,
      sizes: started.map((s, k) => ({
        images: s.images, perRegion: s.perRegion, firstMs: s.first.wallMs, samples: samples[k], phases: phases[k],
        wall: spread(samples[k].map((x) => x.wallMs)),
        cpu: spread(samples[k].map((x) => x.cpuMs)),
        fakeCpu: spread(samples[k].map((x) => x.fakeCpuMs)),
        inventorySpan: spread(samples[k].map((x) => x.inventory?.spanMs ?? 0)),
      })),
    };
  } finally {
    await Promise.all(started.map((s) => s.close()));
  }
}
