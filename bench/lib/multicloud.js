/**
 * The multicloud planning benchmark: 1,000 images over 20 (cloud, region)
 * pairs — one AWS cloud in 16 regions, one GCP project seen from 2 regions,
 * one local store with 2 regions — against the EC2 and Compute fakes (in a
 * process of their own, a fixed latency per request), through the real
 * runPlan and createProvider (in another process), configured through the
 * environment and inputs only.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiled } from './compiled.js';
import { forkHelper } from './ipc.js';
import { DEBIAN, recipeName, writeTopology } from './topology.js';
import { median } from './stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1',
];
const GCP_REGIONS = ['europe-west1', 'us-central1'];
const LOCAL_REGIONS = ['rack1', 'rack2'];
const ACCOUNT = '123456789012';

/** What the topology's sources (bench/lib/topology.js) resolve to: a plan resolves each (cloud, source) in the cloud's build region. */
const UPSTREAM = {
  awsUpstream: [{ region: AWS_REGIONS[0], ownerId: DEBIAN, name: 'debian-12-amd64-20250101-1980', creationDate: '2025-01-01T00:00:00.000Z' }],
  gcpUpstream: [{ project: 'debian-cloud', family: 'debian-12', name: 'debian-12-bookworm-v20250101', creationTimestamp: '2025-01-01T00:00:00.000Z' }],
};

/** Recipes per cloud: AWS 60 %, GCP 20 %, local 20 % of `images`. */
function split(images) {
  const aws = Math.round(images * 0.6);
  const gcp = Math.round(images * 0.2);
  const names = Array.from({ length: images }, (_, k) => recipeName(k));
  return { aws: names.slice(0, aws), gcp: names.slice(aws, aws + gcp), local: names.slice(aws + gcp) };
}

const everywhere = (regions, recipes) => Object.fromEntries(regions.map((r) => [r, recipes]));

/** Every 10th image is missing everywhere (a build); every 7th misses its last region (a copy). */
export const presentIn = (k, regions) => (k % 10 === 0 ? [] : k % 7 === 0 ? regions.slice(0, -1) : regions);

/** Writes the topology, seeds the local store, and answers what the fakes must hold. */
async function scene(images) {
  const [{ fingerprinted }, { loadTopology }, { LocalProvider }, { imageTags }] = await Promise.all([
    compiled('src/plan/images.js'), compiled('src/topology/index.js'), compiled('src/providers/local/store.js'), compiled('src/images/index.js'),
  ]);
  const recipes = split(images);
  const { dir, file } = writeTopology({
    recipes: images,
    clouds: [
      { name: 'aws-prod', provider: 'aws', fields: { account: ACCOUNT }, regions: everywhere(AWS_REGIONS, recipes.aws) },
      { name: 'gcp-prod', provider: 'gcp', fields: { project: 'test-project' }, regions: everywhere(GCP_REGIONS, recipes.gcp) },
      { name: 'lab', provider: 'local', fields: { store: 'store' }, regions: everywhere(LOCAL_REGIONS, recipes.local) },
    ],
  });
  const topology = await loadTopology(file);
  const lab = new LocalProvider(topology.clouds[2], { baseDir: dir });
  const seeds = { aws: [], gcp: [], local: 0 };
  for (const [k, image] of fingerprinted(topology, { clouds: [], images: [] }).entries()) {
    const tags = imageTags({ fingerprint: image.fingerprint, image: image.image, os: image.os, cloud: image.cloud, owner: image.owner });
    const regions = presentIn(k, image.regions);
    if (image.provider === 'aws') for (const region of regions) seeds.aws.push({ region, name: image.name, tags });
    if (image.provider === 'gcp' && regions.length > 0) seeds.gcp.push({ name: image.name, labels: tags });
    if (image.provider !== 'local') continue;
    for (const region of regions) {
      seeds.local += 1;
      await lab.add({
        name: image.name, cloud: 'lab', region, fingerprint: image.fingerprint, image: image.image, os: image.os, state: 'available',
        channel: 'gold', verified: 'passed', createdAt: '2025-01-01T00:00:00.000Z', tags,
      }, {});
    }
  }
  return { dir, file, seeds };
}

/**
 * A first plan (loads the SDKs, opens connections), then `runs` timed plans
 * at each concurrency, and offline plans (no cloud asked: the CPU part).
 */
export async function runMulticloud({ images = 1000, latencyMs = 50, runs = 3, concurrencies = [8, 1] } = {}) {
  const { dir, file, seeds } = await scene(images);
  const fakes = forkHelper(path.join(HERE, 'fake-server.js'));
  const worker = forkHelper(path.join(HERE, 'plan-worker.js'));
  try {
    const { ec2Url, gcpUrl, mirrorUrl } = await fakes.ask({ type: 'start', account: ACCOUNT, latencyMs, aws: seeds.aws, gcp: seeds.gcp, ...UPSTREAM }, 'ready');
    const env = {
      IMAGE_BUILDER_DEBIAN_MIRROR: mirrorUrl,
      AWS_ENDPOINT_URL_EC2: ec2Url, AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret', AWS_EC2_METADATA_DISABLED: 'true',
      IMAGE_BUILDER_GCP_ENDPOINT: gcpUrl, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost',
    };
    // chunk 0: offline, all 1,000 images are builds, more than one matrix holds; the matrix is not what is measured.
    const values = (extra) => ({ topology: file, 'plan-file': path.join(dir, 'plan.json'), 'gcp-access-token': 'fake-token', chunk: '0', ...extra });
    const plan = async (extra, n) => {
      const { samples } = await worker.ask({ type: 'plan', values: values(extra), env, runs: n }, 'planned');
      const calls = await fakes.ask({ type: 'counts', reset: true }, 'counts');
      return { medianMs: median(samples.map((s) => s.wallMs)), samples, calls: perRun(calls, n) };
    };
    const first = await plan({ concurrency: String(concurrencies[0]) }, 1);
    const byConcurrency = [];
    for (const concurrency of concurrencies) byConcurrency.push({ concurrency, ...(await plan({ concurrency: String(concurrency) }, runs)) });
    const offline = await plan({ offline: 'true' }, runs);
    return {
      images, pairs: AWS_REGIONS.length + GCP_REGIONS.length + LOCAL_REGIONS.length, latencyMs,
      seeded: { aws: seeds.aws.length, gcp: seeds.gcp.length, local: seeds.local }, firstMs: first.medianMs, byConcurrency, offline,
    };
  } finally {
    await Promise.all([worker.close(), fakes.close()]);
  }
}

/** Calls the fakes counted over `runs` plans, per plan. */
function perRun(calls, runs) {
  const { type: _type, ...counts } = calls;
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / runs]));
}
