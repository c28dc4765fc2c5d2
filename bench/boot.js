/**
 * Boot benchmark: how long a fresh machine of the base image and of our
 * built image take to boot on the local provider (QEMU, KVM where usable,
 * else TCG emulation), booted alternately from throwaway overlays:
 *   ssh:   from spawning QEMU to the guest's sshd sending its banner;
 *   ready: from spawning QEMU to /run/image-builder/ready existing (our image
 *          only: the first-boot service has run on this instance).
 * From each guest, once systemd reports the boot finished, it collects
 * `systemd-analyze time`, `systemd-analyze blame | head -15` and
 * `systemd-analyze critical-chain`, and its identity (/etc/machine-id and
 * the SSH host key fingerprints), to check that every boot of our image gets
 * its own. The image is the deploy benchmark's recipe
 * (bench/fixtures/deploy/topology.yml), built first with the CLI (untimed)
 * when the store lacks it.
 *
 *   node bench/boot.js [rounds]     (default 3: 3 boots of each image)
 * Takes ~1 min a boot on 2 shared TCG cores, plus ~10 min once when the
 * image must be built.
 */
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, artifactBytes, startArtifactServer } from './lib/deploy-artifacts.js';
import { ROOT, builtImage, ensureCompiled, lib, requireTools as needTools } from './lib/deploy-cli.js';
import { bootVm, waitForSsh } from './lib/deploy-vm.js';
import { describe, ratio, seconds, summarize } from './lib/deploy-stats.js';

const TOPOLOGY = path.join(ROOT, 'bench/fixtures/deploy/topology.yml');
const WORK = path.join(ROOT, 'image-builder-work/bench-boot');
const READY = '/run/image-builder/ready';
// The recipe's artifacts come from the deploy benchmark's server (10.0.2.2:47231 in the guest) while it builds.
const ARTIFACT_PORT = 47231;
const MIN = 60_000;

const requireTools = (tools) => needTools(tools, 'boot', 'qemu-system-x86 qemu-utils sshpass packer');

function rounds(argv) {
  const raw = argv[0] ?? process.env.BENCH_BOOT_ROUNDS ?? '3';
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 20) throw new Error(`rounds ${raw}: write a whole number from 1 to 20`);
  return value;
}

/** The recipe's image, its base image (the store's cached one, else made) and the store. */
async function images() {
  const { loadTopology } = await lib('src/topology/index.js');
  const { fingerprinted } = await lib('src/plan/images.js');
  const { LocalProvider } = await lib('src/providers/local/store.js');
  const { ensureBaseImage } = await lib('src/providers/local/base-image.js');
  const { debianMirror } = await lib('src/providers/local/mirror.js');
  const topology = await loadTopology(TOPOLOGY);
  const [image] = fingerprinted(topology, { clouds: [], images: [] });
  const store = new LocalProvider(image.target, { baseDir: topology.dir });
  const spec = { suite: image.source.suite ?? 'bookworm', mirror: debianMirror(image.source.mirror) };
  const base = (await cachedBase(store.root, spec.suite)) ?? (await ensureBaseImage({ ...spec, storeRoot: store.root, log: () => {} }));
  return { image, store, base };
}

/**
 * The newest base image of `suite` the store holds (the one its builds start
 * from: the CLI keys it by the resolved release too), or undefined.
 */
async function cachedBase(storeRoot, suite) {
  const dir = path.join(storeRoot, '.base');
  const found = [];
  for (const name of existsSync(dir) ? await fs.readdir(dir) : []) {
    const credentials = path.join(dir, name, 'credentials.json');
    if (!name.startsWith(`${suite}-`) || name.includes('.staging') || !existsSync(credentials)) continue;
    found.push({ name, mtimeMs: (await fs.stat(credentials)).mtimeMs });
  }
  const newest = found.sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
  if (!newest) return undefined;
  const at = path.join(dir, newest.name);
  const { user, password } = JSON.parse(await fs.readFile(path.join(at, 'credentials.json'), 'utf8'));
  return { disk: path.join(at, 'base.qcow2'), kernel: path.join(at, 'vmlinuz'), initrd: path.join(at, 'initrd.img'), user, password };
}

/** Our image from the store; built with the CLI first (untimed) when missing, with the artifact server its recipe downloads from. */
async function ourImage(image, store) {
  const files = new Map(ARTIFACTS.map((a) => [a.name, artifactBytes(a.name, a.size)]));
  const around = async (build) => {
    const server = await startArtifactServer({ files, port: ARTIFACT_PORT, megabitsPerSecond: 10_000 });
    try {
      await build();
    } finally {
      await server.close();
    }
  };
  const built = await builtImage({ image, store, topology: TOPOLOGY, work: WORK, need: requireTools, around });
  return { name: built.record.name, disk: built.disk, kernel: built.kernel, initrd: built.initrd, buildMs: built.buildMs };
}

/** Runs `script` in the guest as root over SSH (password from the base image's credentials, through SSHPASS). */
function guest(vm, credentials, script, timeoutMs) {
  return new Promise((resolve, reject) => {
    const args = [
      '-e', 'ssh', '-p', String(vm.port),
      '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
      '-o', 'ConnectTimeout=20', `${credentials.user}@127.0.0.1`, script,
    ]; // prettier-ignore
    const child = spawn('sshpass', args, { env: { ...process.env, SSHPASS: credentials.password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`ssh into the VM (${script.split('\n')[0]}) failed (exit ${code}): ${err.trim()}`));
    });
  });
}

/** The guest's report once boot has finished: identity first, then systemd-analyze, split by markers. */
const REPORT = [
  'systemctl is-system-running --wait >/dev/null 2>&1 || true',
  'echo "@@machine-id"; cat /etc/machine-id',
  'echo "@@hostkeys"; for k in /etc/ssh/ssh_host_*_key.pub; do [ -e "$k" ] && ssh-keygen -lf "$k"; done',
  'echo "@@time"; systemd-analyze time',
  'echo "@@blame"; systemd-analyze blame --no-pager | head -15',
  'echo "@@chain"; systemd-analyze critical-chain --no-pager',
].join('\n');

function sections(text) {
  const out = {};
  let key;
  for (const line of text.split('\n')) {
    const m = /^@@(\S+)$/.exec(line);
    if (m) out[(key = m[1])] = [];
    else if (key) out[key].push(line);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.join('\n').trim()]));
}

/** Seconds of "Startup finished in 1.2s (kernel) + 3.4s (userspace) = 4.6s" by part, plus total. */
export function startupParts(time) {
  const line = time.split('\n').find((l) => l.startsWith('Startup finished')) ?? '';
  const toS = (v) => {
    let s = 0;
    for (const [, n, u] of v.matchAll(/([\d.]+)(min|ms|s)/g)) s += Number(n) * (u === 'min' ? 60 : u === 'ms' ? 0.001 : 1);
    return s;
  };
  const parts = {};
  for (const [, v, what] of line.matchAll(/((?:[\d.]+(?:min|ms|s)\s*)+)\((\w+)\)/g)) parts[what] = toS(v);
  const total = /=\s*((?:[\d.]+(?:min|ms|s)\s*)+)/.exec(line);
  if (total) parts.total = toS(total[1]);
  return parts;
}

/** One boot: SSH banner, then (ours) the ready marker, then systemd's report; the VM is always killed. */
async function measure(kind, machine, ctx, index) {
  const dir = path.join(WORK, 'runs', `${index + 1}-${kind}`);
  const vm = await bootVm({ disk: machine.disk, kernel: machine.kernel, initrd: machine.initrd, dir, accelerator: ctx.accelerator });
  try {
    const sshAt = await waitForSsh(vm, vm.startedAt + ctx.timeoutMs);
    let readyMs;
    if (kind === 'ours') {
      await guest(
        vm,
        ctx.credentials,
        `i=0; while [ ! -e ${READY} ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 1; sleep 0.1; done`,
        ctx.timeoutMs,
      );
      readyMs = Date.now() - vm.startedAt;
    }
    const report = sections(await guest(vm, ctx.credentials, REPORT, ctx.timeoutMs));
    const sample = { kind, run: index + 1, sshMs: sshAt - vm.startedAt, readyMs, startup: startupParts(report.time ?? ''), report };
    await fs.writeFile(path.join(dir, 'sample.json'), JSON.stringify(sample, null, 2) + '\n');
    return sample;
  } finally {
    await vm.stop();
  }
}

export async function run(argv = []) {
  const started = Date.now();
  const n = rounds(argv);
  requireTools(['qemu-system-x86_64', 'qemu-img', 'sshpass', 'ssh']);
  await ensureCompiled();
  const { kvmUsable } = await lib('src/providers/local/build.js');
  const accelerator = process.env.IMAGE_BUILDER_ACCELERATOR ?? (kvmUsable() ? 'kvm' : 'tcg');
  await fs.mkdir(WORK, { recursive: true });
  const { image, store, base } = await images();
  const ours = await ourImage(image, store);
  await fs.rm(path.join(WORK, 'runs'), { recursive: true, force: true });
  const ctx = { accelerator, credentials: { user: base.user, password: base.password }, timeoutMs: 10 * MIN };
  const machines = { base, ours };
  const samples = [];
  for (let i = 0; i < n; i += 1) {
    for (const kind of i % 2 === 0 ? ['base', 'ours'] : ['ours', 'base']) {
      const sample = await measure(kind, machines[kind], ctx, i);
      const total = sample.startup.total;
      console.log(
        `   round ${i + 1}/${n} ${kind}: ssh ${seconds(sample.sshMs)}` +
          `${sample.readyMs ? `, ready ${seconds(sample.readyMs)}` : ''}` +
          `${total ? `, systemd startup ${total.toFixed(1)} s (userspace ${(sample.startup.userspace ?? 0).toFixed(1)} s)` : ''}`,
      );
      samples.push(sample);
    }
  }
  const result = { image: ours.name, accelerator, rounds: n, buildMs: ours.buildMs, samples, durationMs: Date.now() - started };
  return { ...result, text: format(result) };
}

function identity(samples) {
  const ids = samples.map((s) => s.report['machine-id'] ?? '');
  const keys = samples.map((s) => s.report.hostkeys ?? '');
  const types = keys.map((k) =>
    k
      .split('\n')
      .map((l) => /\((\w+)\)\s*$/.exec(l)?.[1])
      .filter(Boolean)
      .join('+'),
  );
  return {
    machineIds: `${new Set(ids).size} distinct of ${ids.length}${ids.some((x) => !/^[0-9a-f]{32}$/.test(x)) ? ' (SOME EMPTY OR INVALID)' : ''}`,
    hostKeys: `${new Set(keys).size} distinct sets of ${keys.length}; types at boot end: ${[...new Set(types)].join(' | ') || 'none'}`,
  };
}

/** The report as text; its last line is the headline figure. */
export function format(r) {
  const out = [];
  const say = (line) => void out.push(line);
  const of = (kind, pick) =>
    r.samples
      .filter((s) => s.kind === kind)
      .map(pick)
      .filter((v) => typeof v === 'number');
  say(
    `\n== Boot: base image vs our image ${r.image} (local provider, QEMU ${r.accelerator.toUpperCase()}, 2 vCPU, 1.5 GiB, fresh overlay each boot)`,
  );
  say('   ssh = QEMU spawned -> sshd banner; ready = QEMU spawned -> /run/image-builder/ready (ours)');
  say(`   ${r.rounds} round(s), alternating` + (r.buildMs ? `; our image was built first in ${seconds(r.buildMs)} (not measured)` : ''));
  const summary = {};
  for (const kind of ['base', 'ours']) {
    const ssh = summarize(of(kind, (s) => s.sshMs));
    summary[kind] = ssh;
    say(
      `   ${kind.padEnd(4)} ssh   ${describe(ssh)}; each: ${of(kind, (s) => s.sshMs)
        .map(seconds)
        .join(', ')}`,
    );
    if (kind === 'ours') say(`   ours ready ${describe(summarize(of(kind, (s) => s.readyMs)))}`);
    const totals = of(kind, (s) => (s.startup.total ? s.startup.total * 1000 : undefined));
    const user = of(kind, (s) => (s.startup.userspace ? s.startup.userspace * 1000 : undefined));
    if (totals.length)
      say(`   ${kind.padEnd(4)} systemd-analyze total ${describe(summarize(totals))}; userspace ${describe(summarize(user))}`);
    const ids = identity(r.samples.filter((s) => s.kind === kind));
    say(`   ${kind.padEnd(4)} identity: machine-id ${ids.machineIds}; host keys ${ids.hostKeys}`);
  }
  for (const kind of ['base', 'ours']) {
    const last = r.samples.filter((s) => s.kind === kind).at(-1);
    if (!last) continue;
    say(`   -- ${kind}, round ${last.run}: systemd-analyze time / blame | head -15 / critical-chain`);
    for (const key of ['time', 'blame', 'chain']) for (const line of (last.report[key] ?? '').split('\n')) say(`      ${line}`);
  }
  say(`   (this benchmark took ${seconds(r.durationMs)} in all)`);
  say(
    `boot to SSH, ours / base (ratio of medians ${seconds(summary.ours.median)} / ${seconds(summary.base.median)}): ` +
      `${ratio(summary.ours.median, summary.base.median).toFixed(2)}x`,
  );
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run(process.argv.slice(2)).then(
    (r) => console.log(r.text),
    (error) => {
      console.error(`boot benchmark failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
