/**
 * Deploy benchmark: time-to-ready of one machine, two ways, on the local
 * provider (QEMU, KVM where usable, else TCG emulation):
 *   classic: boot the debootstrapped BASE image, then provision it at boot over
 *            SSH with the recipe's playbooks (same extra-vars as the build),
 *            start its first-boot service, then the ready check;
 *   image:   boot the image we built from that recipe, then the ready check.
 * Ready (both): the guest's sshd answers AND the recipe's verify playbook
 * passes (manifest fingerprint, every package installed, every artifact there
 * with its checksum, first-boot unit enabled, /run/image-builder/ready).
 * The clock starts right before QEMU is spawned and stops when verify passes.
 * Artifacts come from a throttled HTTP server on 127.0.0.1 (the guest sees
 * it as 10.0.2.2); packages from the machine's Debian mirror, unthrottled.
 * Runs alternate classic/image; the image is built first (untimed) if the
 * store lacks it.
 *
 *   node bench/deploy.js     (BENCH_RUNS=3, BENCH_BANDWIDTH_MBIT=50)
 * Takes ~20 min on 2 shared TCG cores at BENCH_RUNS=3 (classic ~5 min a run,
 * image ~2 min), plus ~10 min once when the image must be built.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, artifactBytes, sha256Hex, startArtifactServer } from './lib/deploy-artifacts.js';
import { ROOT, builtImage, ensureCompiled, lib, requireTools as needTools } from './lib/deploy-cli.js';
import { bootVm, waitForSsh } from './lib/deploy-vm.js';
import { runAnsible, writeInventory } from './lib/deploy-ansible.js';
import { describe, ratio, seconds, summarize } from './lib/deploy-stats.js';

const TOPOLOGY = path.join(ROOT, 'bench/fixtures/deploy/topology.yml');
const ARTIFACT_PORT = 47231;
const WORK = path.join(ROOT, 'image-builder-work/bench-deploy');
const MIN = 60_000;

function intEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name}=${raw}: write a whole number from ${min} to ${max}`);
  return value;
}

function settings() {
  return {
    runs: intEnv('BENCH_RUNS', 3, 1, 20),
    megabits: intEnv('BENCH_BANDWIDTH_MBIT', 50, 1, 10_000),
    bootTimeoutMs: intEnv('BENCH_BOOT_TIMEOUT_MIN', 10, 1, 60) * MIN,
    provisionTimeoutMs: intEnv('BENCH_PROVISION_TIMEOUT_MIN', 30, 1, 120) * MIN,
    verifyTimeoutMs: 15 * MIN,
  };
}

const requireTools = (tools) => needTools(tools, 'deploy', 'qemu-system-x86 qemu-utils ansible sshpass packer');

/** The topology's image, its artifacts checked against the bytes the server will serve. */
async function loadImage() {
  const { loadTopology } = await lib('src/topology/index.js');
  const { fingerprinted } = await lib('src/plan/images.js');
  const topology = await loadTopology(TOPOLOGY);
  const [image] = fingerprinted(topology, { clouds: [], images: [] });
  const files = new Map(ARTIFACTS.map((a) => [a.name, artifactBytes(a.name, a.size)]));
  for (const artifact of image.recipe.variables.artifacts ?? []) {
    const name = path.basename(new URL(artifact.url).pathname);
    const bytes = files.get(name);
    if (!bytes || artifact.checksum !== `sha256:${sha256Hex(bytes)}`) {
      throw new Error(
        `${TOPOLOGY}: artifact ${artifact.url} does not match what bench/lib/deploy-artifacts.js serves: update its checksum`,
      );
    }
  }
  return { topology, image, files };
}

/** The base image (seeded from the example store when it holds the same one, else debootstrapped). */
async function baseImage(image, topology) {
  const { LocalProvider } = await lib('src/providers/local/store.js');
  const { baseImageDir, ensureBaseImage } = await lib('src/providers/local/base-image.js');
  const { debianMirror } = await lib('src/providers/local/mirror.js');
  const store = new LocalProvider(image.target, { baseDir: topology.dir });
  const spec = { suite: image.source.suite ?? 'bookworm', mirror: debianMirror(image.source.mirror) };
  const dir = baseImageDir({ ...spec, storeRoot: store.root });
  const seed = baseImageDir({ ...spec, storeRoot: path.join(ROOT, 'examples/local/.images') });
  if (!existsSync(path.join(dir, 'credentials.json')) && existsSync(path.join(seed, 'credentials.json'))) {
    console.log(`   base image: copying the identical one from ${path.relative(ROOT, seed)}`);
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await fs.cp(seed, `${dir}.copy-${process.pid}`, { recursive: true });
    await fs.rename(`${dir}.copy-${process.pid}`, dir);
  }
  const base = await ensureBaseImage({ ...spec, storeRoot: store.root, log: () => {} });
  return { base, store };
}

/** One boot of `machine`, timed from QEMU's spawn to a passing ready check; the VM is always killed. */
async function measure(method, machine, ctx, index) {
  const dir = path.join(WORK, 'runs', `${index + 1}-${method}`);
  const vm = await bootVm({ disk: machine.disk, kernel: machine.kernel, initrd: machine.initrd, dir, accelerator: ctx.accelerator });
  const bytesBefore = ctx.server.stats.bytes;
  try {
    const sshAt = await waitForSsh(vm, vm.startedAt + ctx.settings.bootTimeoutMs);
    const inventory = await writeInventory(dir, { port: vm.port, user: ctx.base.user, password: ctx.base.password });
    const vars = ['-i', inventory, '--extra-vars', `@${ctx.extraVarsFile}`];
    const timing = { bootMs: sshAt - vm.startedAt, provisionMs: 0, firstbootMs: 0 };
    if (method === 'classic') {
      for (const [i, playbook] of ctx.playbooks.entries()) {
        timing.provisionMs += await runAnsible('ansible-playbook', [...vars, playbook], {
          dir,
          log: path.join(dir, `provision-${i}.log`),
          timeoutMs: ctx.settings.provisionTimeoutMs,
        });
      }
      timing.firstbootMs = await runAnsible(
        'ansible',
        ['vm', '-i', inventory, '-m', 'ansible.builtin.systemd', '-a', 'name=image-builder-firstboot.service state=started'],
        { dir, log: path.join(dir, 'firstboot.log'), timeoutMs: ctx.settings.provisionTimeoutMs },
      );
    }
    timing.verifyMs = await runAnsible('ansible-playbook', [...vars, ctx.verifyPlaybook], {
      dir,
      log: path.join(dir, 'verify.log'),
      timeoutMs: ctx.settings.verifyTimeoutMs,
    });
    const totalMs = Date.now() - vm.startedAt;
    return { method, run: index + 1, totalMs, ...timing, downloadedBytes: ctx.server.stats.bytes - bytesBefore };
  } finally {
    await vm.stop();
    await fs.rm(path.join(dir, 'inventory.ini'), { force: true });
  }
}

export async function run() {
  const started = Date.now();
  const s = settings();
  requireTools(['qemu-system-x86_64', 'qemu-img', 'ansible-playbook', 'sshpass']);
  await ensureCompiled();
  const { kvmUsable } = await lib('src/providers/local/build.js');
  const { extraVars } = await lib('src/packer/image-template.js');
  const { productVersion, bundledPlaybooks } = await lib('src/io/paths.js');
  const accelerator = process.env.IMAGE_BUILDER_ACCELERATOR ?? (kvmUsable() ? 'kvm' : 'tcg');
  const { topology, image, files } = await loadImage();
  await fs.rm(path.join(WORK, 'runs'), { recursive: true, force: true });
  await fs.mkdir(WORK, { recursive: true });
  const server = await startArtifactServer({ files, port: ARTIFACT_PORT, megabitsPerSecond: s.megabits });
  try {
    const { base, store } = await baseImage(image, topology);
    const built = await builtImage({ image, store, topology: TOPOLOGY, work: WORK, need: requireTools });
    const extraVarsFile = path.join(WORK, 'extra-vars.json');
    const vars = {
      ...extraVars(image, { buildTime: new Date(), gitSha: process.env.GITHUB_SHA, version: productVersion() }),
      image_builder_deprovision: false,
    };
    await fs.writeFile(extraVarsFile, JSON.stringify(vars, null, 2) + '\n');
    const ctx = {
      settings: s,
      accelerator,
      server,
      base,
      extraVarsFile,
      playbooks: image.recipe.playbooks.map((p) => path.resolve(topology.dir, p)),
      verifyPlaybook: image.recipe.verify ? path.resolve(topology.dir, image.recipe.verify) : path.join(bundledPlaybooks(), 'verify.yml'),
    };
    const machines = { classic: base, image: built };
    const samples = [];
    for (let i = 0; i < s.runs; i += 1) {
      for (const method of i % 2 === 0 ? ['classic', 'image'] : ['image', 'classic']) {
        console.log(`   run ${i + 1}/${s.runs} ${method}: booting ${path.relative(ROOT, machines[method].disk)} (overlay)...`);
        const sample = await measure(method, machines[method], ctx, i);
        console.log(
          `   run ${i + 1}/${s.runs} ${method}: ready in ${seconds(sample.totalMs)} (ssh ${seconds(sample.bootMs)}` +
            `${method === 'classic' ? `, provision ${seconds(sample.provisionMs)}, first boot ${seconds(sample.firstbootMs)}` : ''}, verify ${seconds(sample.verifyMs)})`,
        );
        samples.push(sample);
      }
    }
    const of = (method, key) => samples.filter((x) => x.method === method).map((x) => x[key]);
    const summary = Object.fromEntries(
      ['classic', 'image'].map((m) => [
        m,
        Object.fromEntries(
          ['totalMs', 'bootMs', 'provisionMs', 'firstbootMs', 'verifyMs', 'downloadedBytes'].map((k) => [k, summarize(of(m, k))]),
        ),
      ]),
    );
    const result = {
      image: image.name,
      accelerator,
      megabits: s.megabits,
      runs: s.runs,
      buildMs: built.buildMs,
      artifacts: ARTIFACTS,
      packages: image.recipe.variables.packages ?? [],
      mirror: (await lib('src/providers/local/mirror.js')).debianMirror(image.source.mirror),
      samples,
      summary,
      ratio: ratio(summary.classic.totalMs.median, summary.image.totalMs.median),
      durationMs: Date.now() - started,
    };
    return { ...result, text: format(result) };
  } finally {
    await server.close();
  }
}

/** The report as text; its last line is the headline figure. */
export function format(r) {
  const out = [];
  const say = (line) => void out.push(line);
  const mib = (b) => (b / 1048576).toFixed(1);
  say(
    `\n== Deploy: time-to-ready of one machine of recipe ${r.image} (local provider, QEMU ${r.accelerator.toUpperCase()}, 2 vCPU, 1.5 GiB)`,
  );
  say(`   packages ${r.packages.join(', ')} from ${r.mirror} (real network, not throttled);`);
  say(
    `   artifacts ${r.artifacts.map((a) => `${a.name} ${mib(a.size)} MiB`).join(', ')} from a Node HTTP server on 127.0.0.1:${ARTIFACT_PORT},` +
      ` throttled to ${r.megabits} Mbit/s (one shared link); first-boot script: per-instance config`,
  );
  say(
    '   ready = sshd answers AND verify.yml passes (fingerprint, packages, artifacts + checksums, first-boot unit, /run/image-builder/ready)',
  );
  say(
    '   clock: from spawning QEMU to verify passing; runs alternate classic/image' +
      (r.buildMs ? `; the image was built first in ${seconds(r.buildMs)} (not measured)` : '; the image was already in the store'),
  );
  for (const m of ['classic', 'image']) {
    const s = r.summary[m];
    say(
      `   ${m === 'classic' ? 'classic (base image + provisioning at boot)' : 'image (our pre-built image)          '}: ${describe(s.totalMs)}`,
    );
    say(
      `      ssh up ${describe(s.bootMs)}; ${m === 'classic' ? `provisioning ${describe(s.provisionMs)}; first boot ${describe(s.firstbootMs)}; ` : ''}` +
        `verify ${describe(s.verifyMs)}; downloaded ${mib(s.downloadedBytes.median)} MiB of artifacts (median)`,
    );
    say(
      `      each run, in order: ${r.samples
        .filter((x) => x.method === m)
        .map((x) => seconds(x.totalMs))
        .join(', ')}`,
    );
  }
  say(`   (this benchmark took ${seconds(r.durationMs)} in all)`);
  say(
    `deploy time-to-ready, classic / image (ratio of medians ${seconds(r.summary.classic.totalMs.median)} / ${seconds(r.summary.image.totalMs.median)}): ${r.ratio.toFixed(2)}x`,
  );
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run().then(
    (r) => console.log(r.text),
    (error) => {
      console.error(`deploy benchmark failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
