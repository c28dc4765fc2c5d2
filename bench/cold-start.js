/**
 * Cold start of the bundle, per provider: `node <dist>/index.js` planning a
 * small topology of one cloud (local, AWS, GCP, Azure; bench/lib/cold-scenarios.js)
 * against its fake, the wait a user has before a plan appears, next to
 * `node -e 0`. One untimed round first (page cache), then `runs` rounds; each
 * round runs every command once, in an order rotated per round, so load on
 * the machine falls on all alike. Reported: median, min-max, peak RSS, the
 * ratio to `node -e 0` and to the local plan, and which chunks of the bundle
 * (and how many bytes of them) the run loaded. Several bundles can be given:
 * they run in the same rounds, for before / after figures measured together.
 *
 *   npx tsc -p tsconfig.test.json --outDir lib && npm run build && node bench/cold-start.js [runs] [dist-dir ...]
 *   (dist-dir: default dist/; another build, e.g. `npx ncc build src/index.ts -o /tmp/x/dist --license licenses.txt`,
 *   gets the product's action.yml and playbooks/ copied beside it, where the bundle looks for its built-in playbooks)
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './lib/compiled.js';
import { classifyChunks, distSize, loadHook, loadedChunks } from './lib/chunks.js';
import { startScenarios } from './lib/cold-scenarios.js';
import { runTimed } from './lib/spawn.js';
import { mib, ms, ratio, spread, table } from './lib/stats.js';

function actionEnv(dir, extra) {
  const out = path.join(dir, 'github-output');
  writeFileSync(out, '');
  return {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_OUTPUT: out,
    'INPUT_PLAN-FILE': path.join(dir, 'plan.json'),
    INPUT_SUMMARY: 'false',
    ...extra,
  };
}

async function plan(dist, scenario, preArgs = [], extraEnv = {}) {
  const r = await runTimed(process.execPath, [...preArgs, path.join(dist, 'index.js')], {
    cwd: scenario.dir,
    env: { ...actionEnv(scenario.dir, scenario.env), ...extraEnv },
  });
  if (r.code !== 0) throw new Error(`${scenario.name}: node ${dist}/index.js failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

const baseline = () => runTimed(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH ?? '' } });

/** Which chunks of `dist` one plan of `scenario` loads. */
async function traceChunks(dist, scenario, hook) {
  const log = path.join(scenario.dir, 'loads');
  writeFileSync(log, '');
  await plan(dist, scenario, ['--import', hook], { IB_LOAD_LOG: log });
  return loadedChunks(log, dist);
}

/** The bundle finds its built-in playbooks in the nearest folder above it holding action.yml and playbooks/ (src/topology/builtin.ts). */
function productFolder(dist) {
  for (let dir = path.dirname(dist); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'action.yml')) && existsSync(path.join(dir, 'playbooks'))) return;
    if (path.dirname(dir) === dir) break;
  }
  const parent = path.dirname(dist);
  cpSync(path.join(ROOT, 'action.yml'), path.join(parent, 'action.yml'));
  cpSync(path.join(ROOT, 'playbooks'), path.join(parent, 'playbooks'), { recursive: true });
}

export async function run({ runs = 9, dists = [path.join(ROOT, 'dist')] } = {}) {
  dists.forEach(productFolder);
  const { scenarios, close } = await startScenarios();
  try {
    const jobs = [{ key: 'node', go: baseline }];
    for (const [d, dist] of dists.entries()) for (const s of scenarios) jobs.push({ key: `${d}:${s.name}`, go: () => plan(dist, s) });
    const samples = Object.fromEntries(jobs.map((j) => [j.key, []]));
    for (const job of jobs) await job.go(); // warm-up round, untimed
    for (let round = 0; round < runs; round += 1) {
      for (let k = 0; k < jobs.length; k += 1) {
        const job = jobs[(k + round) % jobs.length];
        samples[job.key].push(await job.go());
      }
    }
    const summary = (list) => ({
      wall: spread(list.map((s) => s.wallMs)),
      rssMiB: list[0].rssKiB === undefined ? undefined : spread(list.map((s) => s.rssKiB / 1024)),
    });
    const hook = loadHook();
    const bundles = [];
    for (const [d, dist] of dists.entries()) {
      const chunkKinds = classifyChunks(dist);
      const byScenario = {};
      for (const s of scenarios) {
        const chunks = await traceChunks(dist, s, hook);
        byScenario[s.name] = {
          ...summary(samples[`${d}:${s.name}`]),
          chunks,
          chunkBytes: chunks.reduce((n, c) => n + chunkKinds[c].bytes, 0),
        };
      }
      bundles.push({ dist, scenarios: byScenario, chunkKinds, size: distSize(dist) });
    }
    const result = { runs, nodeBaseline: summary(samples.node).wall, nodeRssMiB: summary(samples.node).rssMiB, bundles };
    return { ...result, text: format(result) };
  } finally {
    await close();
  }
}

/** A bundle's name in the table: its folder, or the folder holding it when that is called dist. */
const label = (dist) => (path.basename(dist) === 'dist' ? path.basename(path.dirname(dist)) : path.basename(dist));

/** The report as text. */
export function format(result) {
  const out = [];
  const say = (line) => void out.push(line);
  const node = result.nodeBaseline;
  const rows = [
    [
      'node -e 0',
      '',
      ms(node.median),
      `${ms(node.min)} - ${ms(node.max)}`,
      result.nodeRssMiB ? `${result.nodeRssMiB.median.toFixed(0)} MiB` : '?',
      '1.00x',
      '',
      '',
      '',
    ],
  ];
  for (const b of result.bundles) {
    const kinds = (chunks) =>
      chunks
        .filter((c) => b.chunkKinds[c]?.kinds.length)
        .map((c) => `${c}(${b.chunkKinds[c].kinds.join('+')})`)
        .join(' ') || '-';
    const local = b.scenarios.local.wall.median;
    for (const [name, r] of Object.entries(b.scenarios)) {
      rows.push([
        `plan, ${name}`,
        result.bundles.length > 1 ? label(b.dist) : '',
        ms(r.wall.median),
        `${ms(r.wall.min)} - ${ms(r.wall.max)}`,
        r.rssMiB ? `${r.rssMiB.median.toFixed(0)} MiB` : '?',
        ratio(r.wall.median, node.median),
        ratio(r.wall.median, local),
        mib(r.chunkBytes),
        kinds(r.chunks),
      ]);
    }
  }
  say(`\n== Cold start of node <dist>/index.js, one plan per provider against its fake (${result.runs} rounds, commands alternating)`);
  say(
    table(['command', 'bundle', 'median', 'min - max', 'peak RSS', 'vs node -e 0', 'vs local', 'chunks read', 'SDK chunks loaded'], rows),
  );
  const [first, ...others] = result.bundles;
  for (const b of others) {
    const each = Object.keys(first.scenarios).map((n) => `${n} ${ratio(b.scenarios[n].wall.median, first.scenarios[n].wall.median)}`);
    say(`medians, ${label(b.dist)} / ${label(first.dist)}: ${each.join(', ')}`);
  }
  for (const b of result.bundles) {
    const sdk = Object.entries(b.chunkKinds)
      .filter(([, v]) => v.kinds.length > 0)
      .sort(([, x], [, y]) => y.bytes - x.bytes)
      .map(([file, v]) => `${file} ${v.kinds.join('+')} ${mib(v.bytes)}`);
    say(`${b.dist}: SDK chunks ${sdk.join('; ')}`);
    say(`  index.js ${mib(b.size.index)}, all files ${mib(b.size.total)} (without source maps ${mib(b.size.withoutMaps)})`);
  }
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [runs, ...dists] = process.argv.slice(2);
  const options = { runs: Number(runs ?? 9), ...(dists.length ? { dists: dists.map((d) => path.resolve(d)) } : {}) };
  console.log((await run(options)).text);
}
