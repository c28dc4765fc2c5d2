/**
 * Fan-out benchmark: wall time of `distribute` copying one image to R regions
 * when every copy takes d ms, against the EC2 fake (real @aws-sdk/client-ec2
 * on 127.0.0.1; a copy stays pending for d ms, the provider polls every 20 ms).
 * Copies run at once, so the wall time should stay near d, not R x d.
 *
 *   npx tsc --outDir lib          # compiles src/ and __tests__/ (the fake) to lib/
 *   node bench/fanout.js          # R = 1, 5, 20; d = 300 ms
 *   node bench/fanout.js --regions 1,5,20,40 --delay 300
 *
 * Columns: R x d is what copying one region after another would take; wall
 * is the measured run; wall, d=0 is the same run with instant copies (the
 * per-region API and SDK work, which grows with R but not with d), so
 * wall - wall(d=0) is the copy phase, which should stay near d for every R.
 *
 * bench/run.js: `await fanout()` (alias `run`) answers { name, rows, text };
 * `format(result)` is the text.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const lib = new URL('../lib/', import.meta.url);
const load = (rel) =>
  import(new URL(rel, lib).href).catch((error) => {
    throw new Error(`bench/fanout.js needs the compiled sources: run "npx tsc --outDir lib" first (${error.message})`);
  });

/** AWS region names: the first is the build region, the rest receive copies. */
const REGIONS = [
  'eu-central-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-east-1',
  'af-south-1',
  'me-south-1',
  'me-central-1',
  'il-central-1',
  'ca-west-1',
  'mx-central-1',
  'ap-southeast-4',
  'ap-southeast-5',
  'eu-central-2',
  'eu-south-2',
  'us-gov-west-1',
  'us-gov-east-1',
  'cn-north-1',
  'cn-northwest-1',
  'ap-southeast-7',
  'eu-west-4',
  'us-west-3',
  'ap-south-3',
  'ap-northeast-4',
  'sa-west-1',
];

const silent = {
  info() {},
  warning() {},
  error() {},
  group: (_n, fn) => fn(),
  setOutput() {},
  async summary() {},
  mask() {},
};

function topology(dir, regions) {
  mkdirSync(path.join(dir, 'playbooks'), { recursive: true });
  writeFileSync(path.join(dir, 'playbooks', 'provision.yml'), '- name: Provision\n  hosts: all\n  tasks: []\n');
  const lines = regions.map((r) => `      ${r}: { instances: [ { name: node, image: base, os: debian12 } ] }`);
  writeFileSync(
    path.join(dir, 'topology.yml'),
    `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12:
    aws: { owner: "136693071363", name: "debian-12-amd64-*" }
clouds:
  - name: aws-bench
    provider: aws
    account: "123456789012"
    build_region: ${regions[0]}
    regions:
${lines.join('\n')}
`,
  );
  return path.join(dir, 'topology.yml');
}

/** One measurement: distribute one image from the build region to `r` other regions. */
async function once(r, delayMs, modules) {
  const { startEc2Fake, loadTopology, fingerprinted, imageTags, createAwsProvider, runDistribute, parseInputs } = modules;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-bench-fanout-'));
  const fake = await startEc2Fake({ account: '123456789012', copyPendingMs: delayMs, copyPendingPolls: 0 });
  let provider;
  try {
    const file = topology(dir, REGIONS.slice(0, r + 1));
    const [image] = fingerprinted(await loadTopology(file), { clouds: [], images: [] });
    fake.state.seedImage({
      region: image.buildRegion,
      name: image.name,
      tags: imageTags({ fingerprint: image.fingerprint, image: image.image, os: image.os, cloud: image.cloud, owner: image.owner }),
    });
    const inputs = parseInputs(
      (name) => ({ command: 'distribute', topology: file, results: path.join(dir, 'results'), summary: 'false' })[name] ?? '',
    );
    const providerFor = async (cloud, context) =>
      (provider = await createAwsProvider(
        cloud,
        {
          ...context,
          env: { AWS_ENDPOINT_URL_EC2: fake.url, AWS_ACCESS_KEY_ID: 'AKIDBENCH', AWS_SECRET_ACCESS_KEY: 'bench' },
        },
        { pollIntervalMs: 20 },
      ));
    const started = performance.now();
    const result = await runDistribute(inputs, silent, { providerFor });
    const wallMs = performance.now() - started;
    if (result.copied !== r) throw new Error(`expected ${r} copies, made ${result.copied}`);
    return { wallMs, copyCalls: fake.count('CopyImage') };
  } finally {
    provider?.destroy();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Measures each R in `regionCounts` (median of `repeat` runs) with copy delay
 * `delayMs`. Returns the rows and a printable table.
 */
export async function fanout({ regionCounts = [1, 5, 20], delayMs = 300, repeat = 5 } = {}) {
  const modules = {
    ...(await load('__tests__/fakes/aws/server.js')),
    ...(await load('src/topology/index.js')),
    ...(await load('src/plan/images.js')),
    ...(await load('src/images/index.js')),
    ...(await load('src/providers/aws/index.js')),
    ...(await load('src/commands/distribute.js')),
    ...(await load('src/io/inputs.js')),
  };
  if (Math.max(...regionCounts) >= REGIONS.length) throw new Error(`at most ${REGIONS.length - 1} regions`);
  await once(1, 10, modules); // warm-up: SDK loading and first connections are not part of the measure
  const median = async (r, d) => {
    const walls = [];
    for (let i = 0; i < repeat; i++) walls.push((await once(r, d, modules)).wallMs);
    return walls.sort((a, b) => a - b)[Math.floor(walls.length / 2)];
  };
  const rows = [];
  for (const r of regionCounts) {
    const wallMs = await median(r, delayMs);
    // The same run with instant copies: inventory, API calls and SDK work, which grow with R but not with d.
    const baseMs = await median(r, 0);
    const serialMs = r * delayMs;
    rows.push({
      regions: r,
      delayMs,
      serialMs,
      wallMs: Math.round(wallMs),
      baseMs: Math.round(baseMs),
      copyPhaseMs: Math.round(wallMs - baseMs),
      wallOverSerial: wallMs / serialMs,
    });
  }
  const header = ['R', 'd (ms)', 'R x d (ms)', 'wall (ms)', 'wall, d=0 (ms)', 'wall - wall(d=0)', 'wall / (R x d)'];
  const cells = rows.map((row) =>
    [row.regions, row.delayMs, row.serialMs, row.wallMs, row.baseMs, row.copyPhaseMs, row.wallOverSerial.toFixed(3)].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((v, i) => v.padStart(widths[i])).join('  ');
  const text = [
    `fan-out: one image copied to R regions, each copy pending d ms (EC2 fake, real SDK, median of ${repeat})`,
    line(header),
    ...cells.map(line),
  ].join('\n');
  return { name: 'fanout', rows, text };
}

export const run = fanout;
export const format = (result) => result.text;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (flag, fallback) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { text } = await fanout({
    regionCounts: arg('--regions', '1,5,20').split(',').map(Number),
    delayMs: Number(arg('--delay', '300')),
    repeat: Number(arg('--repeat', '5')),
  });
  process.stdout.write(text + '\n');
}
