/**
 * The plan benchmark, all measured in one run so the ratios compare like
 * with like:
 *   0. Scale: 10 and 1,000 images, each needed in 20 AWS regions, against an
 *      EC2 fake (50 ms per request) holding as many AMIs of the topology per
 *      region as there are images; planned in turns, 5 runs each: medians,
 *      spread, and the ratio large / small (bench/lib/plan-scale.js).
 *   1. 1,000 images over 20 (cloud, region) pairs against the EC2 and Compute
 *      fakes (50 ms per request) and a local store: plan wall time with the
 *      regions queried concurrently (and one at a time, for comparison); list
 *      calls against (cloud, region) pairs.
 *   2. The local store with 100, 1,000 and 10,000 images: time per image and
 *      growth ratios, per phase.
 *   3. Cold start of node dist/index.js (local only, AWS fake only), the SDK
 *      chunks each loads, and the size of dist/.
 *
 *   npx tsc -p tsconfig.test.json --outDir lib && npm run build && node bench/plan.js
 *   (BENCH_QUICK=1: smaller sizes, for a smoke run; BENCH_SKIP_COLD=1: no bundle;
 *   BENCH_PLAN_SCALE_ONLY=1: part 0 only)
 *
 * `run()` answers every number as one object, and the report as `text`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { ROOT, staleWarning } from './lib/compiled.js';
import { runMulticloud } from './lib/multicloud.js';
import { runLocalScale } from './lib/local-scale.js';
import { runPlanScale } from './lib/plan-scale.js';
import { format as formatColdStart, run as runColdStart } from './cold-start.js';
import { ms, ratio, table } from './lib/stats.js';

export async function run(options = {}) {
  const quick = options.quick ?? process.env.BENCH_QUICK === '1';
  const load = () => os.loadavg().map((l) => Number(l.toFixed(2)));
  const loadBefore = load();
  const skipCold = options.skipCold ?? (process.env.BENCH_SKIP_COLD === '1' || !existsSync(path.join(ROOT, 'dist/index.js')));
  const scaleOnly = options.scaleOnly ?? process.env.BENCH_PLAN_SCALE_ONLY === '1';
  const scale = await runPlanScale({ sizes: [10, 1000], latencyMs: 50, runs: quick ? 3 : 5 });
  const multicloud = scaleOnly ? undefined : await runMulticloud({ images: quick ? 200 : 1000, latencyMs: 50, runs: quick ? 1 : 3 });
  const local = scaleOnly ? undefined : await runLocalScale({ sizes: quick ? [100, 1000] : [100, 1000, 10000], runs: quick ? 1 : 3 });
  const coldStart = skipCold || scaleOnly ? undefined : await runColdStart({ runs: quick ? 3 : 9 });
  const result = {
    machine: { cpus: os.cpus().length, loadBefore, loadAfter: load(), node: process.version },
    warning: staleWarning(),
    scale,
    multicloud,
    local,
    coldStart,
  };
  return { ...result, text: format(result) };
}

function printScale(s, say) {
  say(`\n== Plan at scale: N images, each needed in ${s.regions} AWS regions, EC2 fake answering after ${s.latencyMs} ms a request`);
  say('   every region holds N AMIs of the topology (every 10th recipe only an older fingerprint: a build and its copies;');
  say('   every 7th an older one in the last region: a copy); sizes planned in turns, each in its own process, after one warm-up plan;');
  say("   CPU: the planner's process during runPlan; fake CPU: the fakes' process answering (a real cloud's, not ours)");
  const spread = (x) => `${ms(x.median)} (${ms(x.min)}-${ms(x.max)})`;
  say(
    table(
      [
        'images',
        'AMIs per region',
        'first plan',
        `wall, median of ${s.runs} (min-max)`,
        'CPU',
        'fake CPU',
        'inventory span',
        'runs',
        'builds',
        'copies',
        'DescribeImages (other)',
      ],
      s.sizes.map((z) => {
        const last = z.samples.at(-1);
        return [
          z.images,
          z.perRegion,
          ms(z.firstMs),
          spread(z.wall),
          spread(z.cpu),
          ms(z.fakeCpu.median),
          spread(z.inventorySpan),
          z.samples.map((x) => ms(x.wallMs)).join(' / '),
          last.builds,
          last.copies,
          `${last.describeImages} (+${last.otherCalls})`,
        ];
      }),
    ),
  );
  const [small, large] = [s.sizes[0], s.sizes.at(-1)];
  say(
    `large / small (${large.images} / ${small.images} images), wall medians: ${ratio(large.wall.median, small.wall.median)} ` +
      `(fastest large / slowest small ${ratio(large.wall.min, small.wall.max)}, slowest large / fastest small ${ratio(large.wall.max, small.wall.min)}); ` +
      `CPU medians: ${ratio(large.cpu.median, small.cpu.median)}; target <= 2.00x (wall)`,
  );
  say('   each step of one more plan on its own, wall / CPU:');
  const steps = ['load', 'fingerprint', 'inventory', 'planner', 'report'];
  say(
    table(
      ['images', ...steps.map((p) => (p === 'load' ? 'load topology' : p))],
      s.sizes.map((z) => [z.images, ...steps.map((p) => `${ms(z.phases[p].wallMs)} / ${ms(z.phases[p].cpuMs)}`)]),
    ),
  );
}

function printMulticloud(m, say) {
  const seeded = m.seeded.aws + m.seeded.gcp + m.seeded.local;
  say(`\n== Plan: ${m.images} images over ${m.pairs} (cloud, region) pairs, fakes answering after ${m.latencyMs} ms a request`);
  say('   aws-prod: 60 % of the images in 16 regions (EC2 fake); gcp-prod: 20 %, 1 project seen from 2 regions (Compute fake);');
  say('   lab: 20 %, local store with 2 regions. Fakes, planner and this script run in three processes.');
  say(
    `   seeded: ${seeded} images (AWS ${m.seeded.aws}, GCP ${m.seeded.gcp}, local ${m.seeded.local}); every 10th image is missing (a build),`,
  );
  say('   every 7th misses one region (a copy)');
  say(`   first plan in a fresh process (loads the SDKs, opens connections): ${ms(m.firstMs)}`);
  const rows = [
    ...m.byConcurrency.map((r) => ({ ...r, label: `online, concurrency ${r.concurrency}` })),
    { ...m.offline, label: 'offline (no cloud asked)' },
  ].map((r) => {
    const s = r.samples.at(-1);
    const inv = s.inventoryCalls;
    return [
      r.label,
      ms(r.medianMs),
      r.samples.map((x) => ms(x.wallMs)).join(' / '),
      s.builds,
      s.copies,
      `${inv.aws ?? 0}/${inv.gcp ?? 0}/${inv.local ?? 0}`,
      s.inventory ? `${ms(s.inventory.spanMs)} / ${ms(s.inventory.sumMs)}` : '-',
      `${r.calls.awsDescribeImages} (+${r.calls.awsOther})`,
      `${r.calls.gcpImagesList} (+${r.calls.gcpOther})`,
    ];
  });
  say(
    table(
      [
        'plan',
        'median',
        'runs',
        'builds',
        'copies',
        'inventory() aws/gcp/local',
        'inventory span / sum',
        'DescribeImages (other)',
        'images.list (other)',
      ],
      rows,
    ),
  );
  const [concurrent, sequential] = m.byConcurrency;
  if (concurrent && sequential) {
    say(
      `concurrency ${sequential.concurrency} / concurrency ${concurrent.concurrency}: ${ratio(sequential.medianMs, concurrent.medianMs)}; ` +
        `online / offline (the cost of asking the clouds): ${ratio(concurrent.medianMs, m.offline.medianMs)}`,
    );
  }
  const c = concurrent.calls;
  const local = concurrent.samples.at(-1).inventoryCalls.local ?? 0;
  say(
    `list calls per plan: ${c.awsDescribeImages + c.gcpImagesList + local} for ${m.pairs} (cloud, region) pairs = ` +
      `DescribeImages ${c.awsDescribeImages} (16 regions, pages of 500) + images.list ${c.gcpImagesList} (one per project) + ` +
      `local directory reads ${local}; no other call`,
  );
}

function printLocal(rows, say) {
  say('\n== Plan against the local store (2 regions; 90 % of images in rack1, 45 % in rack2), each size in a fresh process');
  say('   plan = median of warm runPlan calls (first call, with module loading, in "first"); then each phase alone');
  const base = rows[0];
  say(
    table(
      [
        'images',
        'records',
        'first',
        'plan',
        'per image',
        'growth (time / size)',
        'load',
        'fingerprint',
        'inventory',
        'planner',
        'report',
        'builds',
        'copies',
      ],
      rows.map((r, i) => {
        const prev = rows[i - 1];
        const growth = prev ? `${ratio(r.planMs, prev.planMs)} / ${(r.images / prev.images).toFixed(0)}x` : '-';
        const p = r.phases;
        return [
          r.images,
          r.records,
          ms(r.firstMs),
          ms(r.planMs),
          `${(r.perImageMs * 1000).toFixed(0)} us`,
          growth,
          ms(p.loadMs),
          ms(p.fingerprintMs),
          ms(p.inventoryMs),
          ms(p.plannerMs),
          ms(p.reportMs),
          r.builds,
          r.copies,
        ];
      }),
    ),
  );
  const last = rows.at(-1);
  say(
    `per-image time, ${last.images} vs ${base.images} images: ${ratio(last.perImageMs, base.perImageMs)} (1.00x would be exactly linear)`,
  );
  for (const phase of ['loadMs', 'fingerprintMs', 'inventoryMs', 'plannerMs', 'reportMs']) {
    const growth = rows
      .slice(1)
      .map((r, i) => ratio(r.phases[phase], rows[i].phases[phase]))
      .join(', ');
    say(`  ${phase.replace('Ms', '')} growth per 10x images: ${growth}`);
  }
}

/** The report as text. */
export function format(result) {
  const out = [];
  const say = (line) => void out.push(line);
  const m = result.machine;
  say(
    `node ${m.node}, ${m.cpus} CPUs, load average before ${m.loadBefore.join(' ')}, after ${m.loadAfter.join(' ')} (other work on the machine skews times)`,
  );
  if (result.warning) say(result.warning);
  printScale(result.scale, say);
  if (result.multicloud) printMulticloud(result.multicloud, say);
  if (result.local) printLocal(result.local, say);
  if (result.coldStart) say(formatColdStart(result.coldStart));
  else say('\n(cold start skipped: no dist/index.js, BENCH_SKIP_COLD=1 or BENCH_PLAN_SCALE_ONLY=1)');
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await run()).text);
}
