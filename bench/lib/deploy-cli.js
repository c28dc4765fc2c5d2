/**
 * The product as the deploy and pipeline benchmarks use it: compiled modules
 * from lib/ (`npx tsc --outDir lib -p tsconfig.json`, recompiled here when
 * lib/ is missing or older than src/), and the CLI a user runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIB = path.join(ROOT, 'lib');

/** The newest mtime (ms) of the files ending in `ext` under `dir`, 0 when none. */
export function newest(dir, ext) {
  let latest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full, ext));
    else if (entry.name.endsWith(ext)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

/**
 * Whether dist/index.js is the bundle of the current src/. In a git checkout
 * where neither src/ nor dist/ differs from the commit, it is (CI rebuilds
 * dist/ and fails when it differs), whatever order the checkout wrote files
 * in; elsewhere dist/ must be at least as new as every source file.
 */
export function bundleCurrent() {
  const bundle = path.join(ROOT, 'dist', 'index.js');
  if (!existsSync(bundle)) return false;
  const git = spawnSync('git', ['status', '--porcelain', '--', 'src', 'dist'], { cwd: ROOT, encoding: 'utf8' });
  if (git.status === 0 && git.stdout.trim() === '') return true;
  return statSync(bundle).mtimeMs >= newest(path.join(ROOT, 'src'), '.ts');
}

/** Runs a command, output passed through with a prefix; answers its exit code. */
export function spawnLogged(command, args, { cwd = ROOT, env = process.env, prefix = '   | ', quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        lines.push(line);
        if (lines.length > 60) lines.shift();
        if (!quiet) console.log(prefix + line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, tail: lines }));
  });
}

/**
 * Compiles src/ (and with `tests`, __tests__/ too: the fakes other benchmarks
 * start) into lib/ when lib/ is missing or older. Type errors elsewhere in
 * the tree only warn: tsc still writes lib/.
 */
export async function ensureCompiled({ tests = false } = {}) {
  const dirs = tests ? ['src', '__tests__'] : ['src'];
  const stale = dirs.some((d) => newest(path.join(LIB, d), '.js') < newest(path.join(ROOT, d), '.ts'));
  if (!stale) return { compiled: false };
  const project = tests ? 'tsconfig.test.json' : 'tsconfig.json';
  console.log(`lib/ is missing or older than ${dirs.join(' and ')}: npx tsc --outDir lib -p ${project}`);
  const started = Date.now();
  const { code, tail } = await spawnLogged('npx', ['tsc', '--outDir', 'lib', '-p', project], { quiet: true });
  if (!existsSync(path.join(LIB, 'src', 'index.js'))) throw new Error(`tsc produced no lib/src/index.js:\n${tail.join('\n')}`);
  if (code !== 0) console.log(`warning: tsc reported errors (lib/ was still written):\n${tail.slice(0, 10).join('\n')}`);
  return { compiled: true, ms: Date.now() - started };
}

/** Imports `rel` (e.g. 'src/commands/plan.js') from lib/. */
export function lib(rel) {
  const file = path.join(LIB, rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx tsc --outDir lib -p tsconfig.json\` in ${ROOT}`);
  return import(pathToFileURL(file).href);
}

/**
 * The CLI: the bundle (node bin/image-builder.js) when it is the bundle of
 * src/ (bundleCurrent), else the same entry compiled into lib/ (so the numbers are of
 * the current code). `which` says which one, for the output.
 */
export function cli() {
  if (bundleCurrent()) {
    return { command: process.execPath, args: [path.join(ROOT, 'bin', 'image-builder.js')], which: 'bundle: node bin/image-builder.js', env: {} };
  }
  return {
    command: process.execPath, args: [path.join(LIB, 'src', 'index.js')],
    which: 'dist/ is not the bundle of src/, so the compiled lib/src/index.js (CLI mode)', env: { IMAGE_BUILDER_CLI: '1' },
  };
}

/**
 * The topology's image from the local `store`: built with the CLI first
 * (plan, then build of its cell; untimed by callers) when the store lacks
 * it. `around(build)` runs the build inside what it needs (e.g. the artifact
 * server); `work` holds the plan, results and build files; `need(tools)`
 * is the benchmark's requireTools.
 */
export async function builtImage({ image, store, topology, work, need, around = (build) => build() }) {
  const find = async () => (await store.inventory(image.buildRegion)).find((r) => r.fingerprint === image.fingerprint);
  let record = await find();
  let buildMs;
  if (!record) {
    need(['packer']);
    const { command, args, which, env } = cli();
    const planFile = path.join(work, 'plan.json');
    const common = ['--topology', topology, '--results', path.join(work, 'results'), '--work-dir', path.join(work, 'build')];
    const options = { env: { ...process.env, ...env }, quiet: true };
    console.log(`   ${image.name} is not in the store: building it with the CLI (${which}); not part of any measurement`);
    const started = Date.now();
    await around(async () => {
      const plan = await spawnLogged(command, [...args, 'plan', '--plan-file', planFile, ...common], options);
      if (plan.code !== 0) throw new Error(`plan failed:\n${plan.tail.join('\n')}`);
      const cell = JSON.parse(await fs.readFile(planFile, 'utf8')).builds.find((b) => b.fingerprint === image.fingerprint);
      const build = await spawnLogged(command, [...args, 'build', '--cell', JSON.stringify(cell), ...common], options);
      if (build.code !== 0) throw new Error(`build of ${image.name} failed:\n${build.tail.join('\n')}`);
    });
    buildMs = Date.now() - started;
    record = await find();
    if (!record) throw new Error(`build of ${image.name} succeeded but the store has no image of fingerprint ${image.fingerprint}`);
  }
  const dir = store.imageDir(record.region, record.name);
  return { record, disk: path.join(dir, 'image.qcow2'), kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'initrd.img'), buildMs };
}

/** Fails naming the missing tools and the Debian packages (`packages`) that hold the benchmark's tools. */
export function requireTools(tools, bench, packages) {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) throw new Error(`the ${bench} benchmark needs ${missing.join(', ')}: on Debian, apt-get install ${packages}`);
}
