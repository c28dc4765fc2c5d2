/**
 * Pipeline benchmark: the whole local pipeline with the CLI a user runs
 * (plan -> build -> verify -> distribute to 3 more store regions ->
 * lifecycle --delete -> plan again), one process per stage, timed per stage,
 * and each stage's time split into the tools it ran (Packer, and through it
 * QEMU and Ansible; qemu-img; debootstrap/mkfs/chroot if the base image had
 * to be made) and the rest: our own code (Node start, topology, fingerprints,
 * store I/O such as the local copies, reports). The tools are timed by
 * wrapper scripts first on PATH (bench/lib/deploy-shim.js); nested or
 * overlapping tool runs count once.
 *
 * Before each run the store is emptied but for its base image (copied from
 * another bench or example store when one holds the identical base), and
 * three older generations of the line (tiny disks) are put in every region,
 * so that lifecycle has a gold to replace and images to remove.
 *
 *   node bench/pipeline.js     (BENCH_PIPELINE_RUNS=2; ~8 min a run on 2 shared TCG cores)
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, cli, ensureCompiled, lib, spawnLogged } from './lib/deploy-cli.js';
import { createShims, readToolLog } from './lib/deploy-shim.js';
import { coveredWithin, describe, seconds, summarize } from './lib/deploy-stats.js';

const TOPOLOGY = path.join(ROOT, 'bench/fixtures/pipeline/topology.yml');
const WORK = path.join(ROOT, 'image-builder-work/bench-pipeline');
const TOOLS = ['packer', 'qemu-img', 'debootstrap', 'mkfs.ext4', 'chroot'];
const STAGES = ['plan', 'build', 'verify', 'distribute', 'lifecycle', 'plan again'];
const SEED_STORES = ['bench/fixtures/deploy/.images', 'examples/local/.images'];
const GENERATIONS = 3;

function runsSetting() {
  const raw = process.env.BENCH_PIPELINE_RUNS ?? '2';
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1 || runs > 10) throw new Error(`BENCH_PIPELINE_RUNS=${raw}: write a whole number from 1 to 10`);
  return runs;
}

/** Empties the store but for .base; copies an identical base image in when the store has none. */
async function resetStore(image, topology) {
  const { LocalProvider } = await lib('src/providers/local/store.js');
  const { baseImageDir } = await lib('src/providers/local/base-image.js');
  const { debianMirror } = await lib('src/providers/local/mirror.js');
  const store = new LocalProvider(image.target, { baseDir: topology.dir });
  await fs.mkdir(store.root, { recursive: true });
  for (const entry of await fs.readdir(store.root)) {
    if (entry !== '.base') await fs.rm(path.join(store.root, entry), { recursive: true, force: true });
  }
  const spec = { suite: image.source.suite ?? 'bookworm', mirror: debianMirror(image.source.mirror) };
  const dir = baseImageDir({ ...spec, storeRoot: store.root });
  if (!existsSync(path.join(dir, 'credentials.json'))) {
    const seed = SEED_STORES.map((s) => baseImageDir({ ...spec, storeRoot: path.join(ROOT, s) })).find((d) =>
      existsSync(path.join(d, 'credentials.json')),
    );
    if (seed) {
      console.log(`   base image: copying the identical one from ${path.relative(ROOT, seed)}`);
      await fs.cp(seed, `${dir}.copy-${process.pid}`, { recursive: true });
      await fs.rename(`${dir}.copy-${process.pid}`, dir);
    } else {
      console.log('   no base image to copy: the build stage will debootstrap one (its tools are timed as tools)');
    }
  }
  return store;
}

/** Three older generations of the line in every region: the newest gold, the others outdated. */
async function seedGenerations(image, store) {
  const { imageName } = await lib('src/plan/naming.js');
  const { imageTags } = await lib('src/images/index.js');
  const dummy = path.join(WORK, 'dummy');
  await fs.mkdir(dummy, { recursive: true });
  for (const f of ['image.qcow2', 'vmlinuz', 'initrd.img']) await fs.writeFile(path.join(dummy, f), Buffer.alloc(64 * 1024));
  const files = Object.fromEntries(['image.qcow2', 'vmlinuz', 'initrd.img'].map((f) => [f, path.join(dummy, f)]));
  for (const region of image.regions) {
    for (let g = 0; g < GENERATIONS; g += 1) {
      const fingerprint = `0ld${g}`.padEnd(32, '0');
      const createdAt = new Date(Date.now() - (g + 1) * 86_400_000).toISOString();
      const channel = g === 0 ? 'gold' : 'outdated';
      await store.add(
        {
          name: imageName('local', image.image, image.os, fingerprint),
          cloud: image.cloud,
          region,
          fingerprint,
          image: image.image,
          os: image.os,
          state: g === 0 ? 'available' : 'deprecated',
          channel,
          verified: 'passed',
          createdAt,
          source: 'debian:bookworm',
          tags: imageTags({
            fingerprint,
            image: image.image,
            os: image.os,
            cloud: image.cloud,
            owner: image.owner,
            channel,
            verified: 'passed',
            builtAt: createdAt,
          }),
        },
        files,
      );
    }
  }
}

async function onePipeline(index, image, topology) {
  const work = path.join(WORK, `run-${index + 1}`);
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(work, { recursive: true });
  const store = await resetStore(image, topology);
  await seedGenerations(image, store);
  const shims = await createShims(path.join(work, 'tools'), TOOLS);
  const { command, args, env, which } = cli();
  const common = ['--topology', TOPOLOGY, '--results', path.join(work, 'results'), '--work-dir', path.join(work, 'work')];
  const childEnv = { ...process.env, ...env, PATH: shims.path };
  const stages = [];
  const stage = async (name, argv) => {
    const started = Date.now();
    const { code, tail } = await spawnLogged(command, [...args, ...argv, ...common], { env: childEnv, quiet: true });
    const ended = Date.now();
    if (code !== 0) throw new Error(`pipeline run ${index + 1}: ${name} failed (exit ${code}):\n${tail.slice(-25).join('\n')}`);
    console.log(`      ${name}: ${seconds(ended - started)}`);
    const entry = stages.find((s) => s.name === name) ?? stages[stages.push({ name, spans: [] }) - 1];
    entry.spans.push([started, ended]);
    return tail;
  };
  const planFile = path.join(work, 'plan.json');
  await stage('plan', ['plan', '--plan-file', planFile]);
  const plan = JSON.parse(await fs.readFile(planFile, 'utf8'));
  if (plan.builds.length !== 1) throw new Error(`pipeline run ${index + 1}: expected 1 build in the plan, got ${plan.builds.length}`);
  for (const cell of plan.builds) await stage('build', ['build', '--cell', JSON.stringify(cell)]);
  for (const cell of plan.builds) await stage('verify', ['verify', '--cell', JSON.stringify(cell)]);
  await stage('distribute', ['distribute']);
  await stage('lifecycle', ['lifecycle', '--delete']);
  const after = path.join(work, 'plan-after.json');
  await stage('plan again', ['plan', '--plan-file', after]);
  const again = JSON.parse(await fs.readFile(after, 'utf8'));
  if (again.builds.length + again.copies.length !== 0)
    throw new Error(
      `pipeline run ${index + 1}: the plan after the pipeline still has work: ${again.builds.length} builds, ${again.copies.length} copies`,
    );

  const tools = await readToolLog(shims.log);
  const intervals = tools.map((t) => [t.start, t.end]);
  const measured = stages.map(({ name, spans }) => {
    const wallMs = spans.reduce((sum, [s, e]) => sum + (e - s), 0);
    const toolMs = spans.reduce((sum, [s, e]) => sum + coveredWithin(intervals, s, e), 0);
    return { name, wallMs, toolMs, ownMs: wallMs - toolMs };
  });
  const regions = Object.fromEntries(
    await Promise.all(
      image.regions.map(async (r) => [
        r,
        (await store.inventory(r)).map((x) => `${x.channel}${x.fingerprint === image.fingerprint ? '*' : ''}`),
      ]),
    ),
  );
  let copiedBytes = 0;
  for (const region of image.regions.filter((r) => r !== image.buildRegion)) {
    const dir = store.imageDir(region, image.name);
    for (const f of await fs.readdir(dir)) copiedBytes += (await fs.stat(path.join(dir, f))).size;
  }
  const packerRuns = tools.filter((t) => t.tool === 'packer').map((t) => `${t.arg} ${seconds(t.end - t.start)}`);
  return { stages: measured, regions, packerRuns, wrapped: shims.wrapped, copiedBytes, cli: which };
}

export async function run() {
  const started = Date.now();
  const runs = runsSetting();
  await ensureCompiled();
  const { loadTopology } = await lib('src/topology/index.js');
  const { fingerprinted } = await lib('src/plan/images.js');
  const topology = await loadTopology(TOPOLOGY);
  const [image] = fingerprinted(topology, { clouds: [], images: [] });
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    console.log(`   pipeline run ${i + 1}/${runs}...`);
    const sample = await onePipeline(i, image, topology);
    console.log(`   pipeline run ${i + 1}/${runs}: ${sample.stages.map((s) => `${s.name} ${seconds(s.wallMs)}`).join(', ')}`);
    samples.push(sample);
  }
  const byStage = STAGES.map((name) => {
    const rows = samples.map((s) => s.stages.find((x) => x.name === name));
    return {
      name,
      wall: summarize(rows.map((r) => r.wallMs)),
      tool: summarize(rows.map((r) => r.toolMs)),
      own: summarize(rows.map((r) => r.ownMs)),
      ownShare: summarize(rows.map((r) => r.ownMs / r.wallMs)),
    };
  });
  const totals = samples.map((s) => {
    const wall = s.stages.reduce((a, x) => a + x.wallMs, 0);
    const own = s.stages.reduce((a, x) => a + x.ownMs, 0);
    return { wall, own, share: own / wall };
  });
  const result = {
    runs,
    image: image.name,
    regions: image.regions,
    cli: [...new Set(samples.map((x) => x.cli))].join(' / '),
    samples,
    byStage,
    total: summarize(totals.map((t) => t.wall)),
    totalOwn: summarize(totals.map((t) => t.own)),
    ownShare: summarize(totals.map((t) => t.share)),
    durationMs: Date.now() - started,
  };
  return { ...result, text: format(result) };
}

/** The report as text; its last line is the headline figure. */
export function format(r) {
  const out = [];
  const say = (line) => void out.push(line);
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  const last = r.samples.at(-1);
  say(`\n== Pipeline: ${r.image} on the local provider, ${r.runs} run${r.runs === 1 ? '' : 's'}, CLI = ${r.cli}`);
  say(
    `   build in ${r.regions[0]}, distribute to ${r.regions.slice(1).join(', ')}; lifecycle keep 2 with --delete over ${GENERATIONS} seeded older generations per region`,
  );
  say(
    `   tools timed by PATH wrappers: ${last.wrapped.join(', ')} (Packer runs QEMU and Ansible); last run's packer calls: ${last.packerRuns.join('; ')}`,
  );
  say(
    `   store after the last run (channel, * = this build): ${Object.entries(last.regions)
      .map(([k, v]) => `${k} [${v.join(' ')}]`)
      .join('; ')}`,
  );
  say(
    `   distribute copied ${(last.copiedBytes / 2 ** 30).toFixed(2)} GiB into the other regions (the local store copies files with Node's fs.copyFile: counted as our code)`,
  );
  const w = Math.max(...r.byStage.map((s) => s.name.length));
  for (const s of r.byStage) {
    say(
      `   ${s.name.padEnd(w)}  wall ${describe(s.wall)}; tools ${seconds(s.tool.median)}; our code ${seconds(s.own.median)} = ${pct(s.ownShare.median)} of the stage` +
        (s.ownShare.n > 1 ? ` (min-max ${pct(s.ownShare.min)}-${pct(s.ownShare.max)})` : ''),
    );
  }
  say(`   whole pipeline: wall ${describe(r.total)}; our code ${describe(r.totalOwn)}`);
  say(`   (this benchmark took ${seconds(r.durationMs)} in all)`);
  say(
    `pipeline overhead, our code / wall time: ${r.ownShare.median.toFixed(3)} (${pct(r.ownShare.median)}` +
      `${r.ownShare.n > 1 ? `, min-max ${pct(r.ownShare.min)}-${pct(r.ownShare.max)}` : ''}, median of ${r.runs} run${r.runs === 1 ? '' : 's'})`,
  );
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run().then(
    (r) => console.log(r.text),
    (error) => {
      console.error(`pipeline benchmark failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
