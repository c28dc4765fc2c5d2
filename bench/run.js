/**
 * `npm run bench`: every benchmark in turn, in this process, each printed as
 * it finishes; `npm run bench -- deploy pipeline` runs only those. Compiles
 * src/ and the test fakes into lib/ first when lib/ is missing or older, and
 * rebuilds dist/ when it is not the bundle of src/ (the CLI bundle the pipeline and
 * cold-start benchmarks run; BENCH_NO_DIST_BUILD=1 skips that). Exits 1 when
 * a benchmark fails, after running the others.
 *
 * Expected duration on 2 shared cores, no KVM (BENCHMARKS.md): plan ~5 min,
 * fanout <1 min, deploy ~20 min (BENCH_RUNS=3), pipeline ~16 min
 * (BENCH_PIPELINE_RUNS=2), boot ~10 min (3 rounds; plus a build when the
 * store lacks the image): ~50 min in all.
 * BENCH_RUNS=1 BENCH_PIPELINE_RUNS=1 BENCH_QUICK=1: a smoke run of ~20 min.
 */
import { bundleCurrent, ensureCompiled, spawnLogged } from './lib/deploy-cli.js';
import { seconds } from './lib/deploy-stats.js';

const BENCHES = {
  plan: { file: './plan.js', what: 'planning at scale (fakes), cold start' },
  fanout: { file: './fanout.js', what: 'distribute fan-out to R regions (EC2 fake)' },
  deploy: { file: './deploy.js', what: 'time-to-ready: base image + provisioning vs our image (QEMU)' },
  pipeline: { file: './pipeline.js', what: 'whole local pipeline, our code vs Packer/QEMU/Ansible' },
  boot: { file: './boot.js', what: 'boot to SSH and to ready: base image vs our image (QEMU)' },
};

async function ensureBundle() {
  if (process.env.BENCH_NO_DIST_BUILD === '1' || bundleCurrent()) return;
  console.log('dist/ is missing or not the bundle of src/: npm run build');
  const started = Date.now();
  const { code, tail } = await spawnLogged('npm', ['run', 'build'], { quiet: true });
  if (code !== 0)
    console.log(`warning: npm run build failed, benchmarks that need the bundle use lib/ or skip it:\n${tail.slice(-10).join('\n')}`);
  else console.log(`   bundle rebuilt in ${seconds(Date.now() - started)}`);
}

async function runOne(name) {
  const mod = await import(new URL(BENCHES[name].file, import.meta.url).href);
  const fn = mod.run ?? mod[name];
  if (typeof fn !== 'function') throw new Error(`bench/${name}.js exports no run function`);
  const result = await fn();
  const text = result?.text ?? (typeof mod.format === 'function' ? mod.format(result) : JSON.stringify(result, null, 2));
  console.log(text);
  return text.trim().split('\n').at(-1);
}

async function main(argv) {
  const unknown = argv.filter((a) => !(a in BENCHES));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(BENCHES).join(', ')}`);
    return 2;
  }
  const selected = argv.length ? Object.keys(BENCHES).filter((b) => argv.includes(b)) : Object.keys(BENCHES);
  const started = Date.now();
  const compiled = await ensureCompiled({ tests: selected.some((b) => b === 'plan' || b === 'fanout') });
  if (compiled.compiled) console.log(`   compiled in ${seconds(compiled.ms)}`);
  if (selected.some((b) => b === 'plan' || b === 'pipeline')) await ensureBundle();
  const outcomes = [];
  for (const name of selected) {
    console.log(`\n#### ${name}: ${BENCHES[name].what}`);
    const t = Date.now();
    try {
      const headline = await runOne(name);
      outcomes.push({ name, ok: true, ms: Date.now() - t, headline });
    } catch (error) {
      console.error(`${name} failed: ${error.stack ?? error.message}`);
      outcomes.push({ name, ok: false, ms: Date.now() - t, headline: `FAILED: ${String(error.message).split('\n')[0]}` });
    }
  }
  console.log('\n#### Summary');
  for (const o of outcomes) console.log(`${o.name.padEnd(9)} ${o.ok ? 'ok    ' : 'FAILED'} ${seconds(o.ms).padStart(9)}  ${o.headline}`);
  console.log(`all benchmarks: ${seconds(Date.now() - started)}`);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
