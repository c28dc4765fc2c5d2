/**
 * Cold start of the bundle: `node dist/index.js` planning (a) the local
 * example (no cloud SDK) and (b) one AWS cloud against the EC2 fake, N runs
 * each (median, min-max, peak RSS), next to `node -e 0`; which SDK chunks each
 * run loads; and the size of dist/.
 *
 *   npm run build && npx tsc -p tsconfig.test.json --outDir lib && node bench/cold-start.js [runs]
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, compiled } from './lib/compiled.js';
import { classifyChunks, distSize, loadHook, loadedChunks } from './lib/chunks.js';
import { runTimed } from './lib/spawn.js';
import { mib, ms, ratio, spread, table } from './lib/stats.js';

const DIST = path.join(ROOT, 'dist');
const BUNDLE = path.join(DIST, 'index.js');

function localScenario() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-cold-local-'));
  mkdirSync(path.join(dir, 'examples/local'), { recursive: true });
  writeFileSync(path.join(dir, 'examples/local/topology.yml'), readFileSync(path.join(ROOT, 'examples/local/topology.yml')));
  // Playbooks must lie inside the topology's repository, symlinks resolved: a copy.
  cpSync(path.join(ROOT, 'playbooks'), path.join(dir, 'playbooks'), { recursive: true });
  return { dir, env: { INPUT_TOPOLOGY: 'examples/local/topology.yml' } };
}

function awsScenario(fakeUrl) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-cold-aws-'));
  mkdirSync(path.join(dir, 'playbooks'));
  writeFileSync(path.join(dir, 'playbooks/provision.yml'), '- name: Provision\n  hosts: all\n  tasks: []\n');
  writeFileSync(
    path.join(dir, 'topology.yml'),
    [
      'version: 1',
      'images:',
      '  base: { playbooks: [playbooks/provision.yml] }',
      'sources:',
      '  debian12: { aws: { owner: "136693071363", name: "debian-12-amd64-*" } }',
      'clouds:',
      '  - name: aws-prod',
      '    provider: aws',
      '    account: "123456789012"',
      '    regions:',
      ...['eu-west-1', 'us-east-1', 'ap-southeast-2'].map((r) => `      ${r}: { instances: [ { name: n, image: base, os: debian12 } ] }`),
      '',
    ].join('\n'),
  );
  return {
    dir,
    env: {
      INPUT_TOPOLOGY: 'topology.yml',
      AWS_ENDPOINT_URL_EC2: fakeUrl,
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1',
    },
  };
}

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

async function measure(scenario, runs, hook) {
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const r = await runTimed(process.execPath, [BUNDLE], { cwd: scenario.dir, env: actionEnv(scenario.dir, scenario.env) });
    if (r.code !== 0) throw new Error(`node dist/index.js failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    samples.push(r);
  }
  const log = path.join(scenario.dir, 'loads');
  writeFileSync(log, '');
  const traced = await runTimed(process.execPath, ['--import', hook, BUNDLE], {
    cwd: scenario.dir,
    env: { ...actionEnv(scenario.dir, scenario.env), IB_LOAD_LOG: log },
  });
  if (traced.code !== 0) throw new Error(`traced run failed:\n${traced.stdout}\n${traced.stderr}`);
  return {
    wall: spread(samples.map((s) => s.wallMs)),
    rssMiB: samples[0].rssKiB === undefined ? undefined : spread(samples.map((s) => s.rssKiB / 1024)),
    chunks: loadedChunks(log, DIST),
  };
}

export async function run({ runs = 9 } = {}) {
  const { startEc2Fake } = await compiled('__tests__/fakes/aws/server.js');
  const fake = await startEc2Fake({ account: '123456789012' });
  try {
    const hook = loadHook();
    const baseline = [];
    for (let i = 0; i < runs; i += 1)
      baseline.push((await runTimed(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH ?? '' } })).wallMs);
    const local = await measure(localScenario(), runs, hook);
    const aws = await measure(awsScenario(fake.url), runs, hook);
    const result = { runs, nodeBaseline: spread(baseline), local, aws, chunkKinds: classifyChunks(DIST), dist: distSize(DIST) };
    return { ...result, text: format(result) };
  } finally {
    await fake.close();
  }
}

/** The report as text. */
export function format(result) {
  const out = [];
  const say = (line) => void out.push(line);
  const kinds = (chunks) =>
    chunks.map((c) => `${c}${result.chunkKinds[c]?.kinds.length ? `(${result.chunkKinds[c].kinds.join('+')})` : ''}`).join(' ') || '-';
  const row = (name, r) => [
    name,
    ms(r.wall.median),
    `${ms(r.wall.min)} - ${ms(r.wall.max)}`,
    r.rssMiB ? `${r.rssMiB.median.toFixed(0)} MiB` : '?',
    ratio(r.wall.median, result.nodeBaseline.median),
    kinds(r.chunks),
  ];
  say(`\n== Cold start of node dist/index.js (${result.runs} runs each)`);
  say(
    table(
      ['scenario', 'median', 'min - max', 'peak RSS', 'vs node -e 0', 'chunks loaded (SDK)'],
      [
        ['node -e 0', ms(result.nodeBaseline.median), `${ms(result.nodeBaseline.min)} - ${ms(result.nodeBaseline.max)}`, '', '1.00x', ''],
        row('plan, local only', result.local),
        row('plan, AWS fake only', result.aws),
      ],
    ),
  );
  say(`aws plan / local plan: ${ratio(result.aws.wall.median, result.local.wall.median)}`);
  const sdk = Object.entries(result.chunkKinds)
    .filter(([, v]) => v.kinds.length > 0)
    .map(([file, v]) => `${file} ${v.kinds.join('+')} ${mib(v.bytes)}`);
  say(`SDK chunks in dist/: ${sdk.join('; ')}`);
  say(
    `dist/ size: index.js ${mib(result.dist.index)}, all files ${mib(result.dist.total)} (without source maps ${mib(result.dist.withoutMaps)})`,
  );
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await run({ runs: Number(process.argv[2] ?? 9) })).text);
}
