/**
 * Planning against the local store at growing sizes: N recipes, each needed
 * in rack1 and rack2; the store holds 90 % of them in rack1 and 45 % in
 * rack2. Each size is planned in a fresh process: the whole runPlan, then
 * each phase on its own, so a phase that grows faster than N shows by name.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiled } from './compiled.js';
import { forkHelper } from './ipc.js';
import { recipeName, writeTopology } from './topology.js';
import { median, timed } from './stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REGIONS = ['rack1', 'rack2'];

async function seedStore(size) {
  const [{ fingerprinted }, { loadTopology }, { LocalProvider }, { imageTags }] = await Promise.all([
    compiled('src/plan/images.js'), compiled('src/topology/index.js'), compiled('src/providers/local/store.js'), compiled('src/images/index.js'),
  ]);
  const recipes = Array.from({ length: size }, (_, k) => recipeName(k));
  const { dir, file } = writeTopology({
    recipes: size,
    clouds: [{ name: 'lab', provider: 'local', fields: { store: 'store', build_region: 'rack1' }, regions: Object.fromEntries(REGIONS.map((r) => [r, recipes])) }],
  });
  const topology = await loadTopology(file);
  const lab = new LocalProvider(topology.clouds[0], { baseDir: dir });
  const pending = [];
  let seeded = 0;
  for (const [k, image] of fingerprinted(topology, { clouds: [], images: [] }).entries()) {
    const regions = k % 10 === 0 ? [] : k % 2 === 0 ? REGIONS : ['rack1'];
    for (const region of regions) {
      seeded += 1;
      pending.push(lab.add({
        name: image.name, cloud: 'lab', region, fingerprint: image.fingerprint, image: image.image, os: image.os, state: 'available',
        channel: 'gold', verified: 'passed', createdAt: '2025-01-01T00:00:00.000Z',
        tags: imageTags({ fingerprint: image.fingerprint, image: image.image, os: image.os, cloud: 'lab', owner: image.owner }),
      }, {}));
      if (pending.length >= 64) await Promise.all(pending.splice(0));
    }
  }
  await Promise.all(pending);
  return { dir, file, seeded };
}

export async function runLocalScale({ sizes = [100, 1000, 10000], runs = 3 } = {}) {
  // The local source ({ suite: bookworm }) resolves against a Debian mirror: the fakes' process serves one on 127.0.0.1.
  const fakes = forkHelper(path.join(HERE, 'fake-server.js'));
  try {
    const { mirrorUrl } = await fakes.ask({ type: 'start', latencyMs: 0, aws: [], gcp: [] }, 'ready');
    return await scale(sizes, runs, { IMAGE_BUILDER_DEBIAN_MIRROR: mirrorUrl });
  } finally {
    await fakes.close();
  }
}

async function scale(sizes, runs, env) {
  const out = [];
  for (const size of sizes) {
    const [{ dir, file, seeded }, seedMs] = await timed(() => seedStore(size));
    const worker = forkHelper(path.join(HERE, 'plan-worker.js'));
    try {
      // chunk 0: above 256 builds the plan needs a chunk (the error says so); the matrix is not what is measured.
      const values = { topology: file, 'plan-file': path.join(dir, 'plan.json'), chunk: '0' };
      const n = size >= 10000 ? Math.min(runs, 2) : runs;
      const { samples, phases } = await worker.ask({ type: 'plan', values, env, runs: n + 1, phases: true }, 'planned');
      const warm = samples.slice(1);
      const planMs = median(warm.map((s) => s.wallMs));
      out.push({
        images: size, records: seeded, seedMs, firstMs: samples[0].wallMs, planMs, runs: warm.length, perImageMs: planMs / size,
        builds: warm[0].builds, copies: warm[0].copies, phases,
      });
    } finally {
      await worker.close();
    }
  }
  return out;
}
