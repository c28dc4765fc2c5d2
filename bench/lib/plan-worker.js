/**
 * Runs plans in a fresh process (forked by the benchmark), so what one
 * measurement leaves in memory does not slow the next. Over IPC:
 *   { type: 'plan', values, env, runs, phases } -> { type: 'planned', samples: [...], phases? }
 *   (a sample: wall and CPU time of one runPlan, what it planned, its inventory calls)
 * `values` are the action's inputs by name; `env` is set before the first
 * plan (endpoints, credentials); `phases` also times each step on its own
 * (the first local cloud; `phases: 'online'`: every cloud, wall and CPU time).
 */
import { performance } from 'node:perf_hooks';
import { compiled } from './compiled.js';
import { quietReporter } from './reporter.js';
import { timed } from './stats.js';

async function planOnce(values) {
  const [{ runPlan }, { createProvider }, { parseInputs }] = await Promise.all([
    compiled('src/commands/plan.js'), compiled('src/providers/index.js'), compiled('src/io/inputs.js'),
  ]);
  const inventoryCalls = {};
  const spans = [];
  const providerFor = async (cloud, context) => {
    const provider = await createProvider(cloud, context);
    const inventory = provider.inventory.bind(provider);
    provider.inventory = async (region) => {
      inventoryCalls[cloud.provider] = (inventoryCalls[cloud.provider] ?? 0) + 1;
      const start = performance.now();
      try {
        return await inventory(region);
      } finally {
        spans.push([start, performance.now()]);
      }
    };
    return provider;
  };
  const inputs = parseInputs((name) => values[name] ?? '');
  const cpuBefore = process.cpuUsage();
  const [result, wallMs] = await timed(() => runPlan(inputs, quietReporter(), { providerFor }));
  const cpu = process.cpuUsage(cpuBefore);
  // Inventory: from the first call's start to the last call's end, and the sum of every call's duration.
  const inventory = spans.length === 0 ? undefined : {
    spanMs: Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0])),
    sumMs: spans.reduce((n, s) => n + s[1] - s[0], 0),
  };
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, builds: result.plan.builds.length, copies: result.plan.copies.length, images: result.plan.images.length, inventoryCalls, inventory };
}

/** Each step of a plan of the first (local) cloud on its own. */
async function phases(values) {
  const [{ fingerprinted }, { loadTopology }, { plan }, { planMarkdown, planText }, { LocalProvider }] = await Promise.all([
    compiled('src/plan/images.js'), compiled('src/topology/index.js'), compiled('src/plan/planner.js'),
    compiled('src/report/plan-summary.js'), compiled('src/providers/local/store.js'),
  ]);
  const [topology, loadMs] = await timed(() => loadTopology(values.topology));
  const [images, fingerprintMs] = await timed(async () => fingerprinted(topology, { clouds: [], images: [] }));
  const cloud = topology.clouds[0];
  const lab = new LocalProvider(cloud, { baseDir: topology.dir });
  const [regions, inventoryMs] = await timed(async () => Object.fromEntries(
    await Promise.all(Object.keys(cloud.regions).map(async (r) => [r, await lab.inventory(r)])),
  ));
  const inventory = { [cloud.name]: { provider: 'local', scope: 'region', regions } };
  const [result, plannerMs] = await timed(async () => plan({ topology: values.topology, images, inventory, retired: [] }));
  const [, reportMs] = await timed(async () => [planMarkdown(result), planText(result)]);
  return { loadMs, fingerprintMs, inventoryMs, plannerMs, reportMs };
}

/** Wall and CPU milliseconds of `fn`. */
async function both(fn) {
  const cpu = process.cpuUsage();
  const [result, wallMs] = await timed(fn);
  const used = process.cpuUsage(cpu);
  return [result, { wallMs, cpuMs: (used.user + used.system) / 1000 }];
}

/** Each step of a plan on its own, against the clouds the environment names (every cloud of the topology). */
async function onlinePhases(values) {
  const [{ fingerprinted }, { loadTopology }, { plan }, { planMarkdown, planText }, { openClouds }, { parseInputs }] = await Promise.all([
    compiled('src/plan/images.js'), compiled('src/topology/index.js'), compiled('src/plan/planner.js'),
    compiled('src/report/plan-summary.js'), compiled('src/commands/clouds.js'), compiled('src/io/inputs.js'),
  ]);
  const inputs = parseInputs((name) => values[name] ?? '');
  const [topology, load] = await both(() => loadTopology(values.topology));
  const [images, fingerprint] = await both(async () => fingerprinted(topology, inputs));
  const [open, inventory] = await both(() => openClouds(topology, inputs, quietReporter(), {}, { onFailure: 'throw' }));
  for (const provider of open.providers.values()) provider.destroy?.();
  const [result, planner] = await both(async () => plan({ topology: values.topology, images, inventory: open.inventory, retired: topology.lifecycle.retired }));
  const [, report] = await both(async () => [planMarkdown(result), planText(result)]);
  return { load, fingerprint, inventory, planner, report };
}

process.on('message', async (message) => {
  try {
    if (message.type === 'plan') {
      Object.assign(process.env, message.env ?? {});
      const samples = [];
      for (let i = 0; i < message.runs; i += 1) samples.push(await planOnce(message.values));
      const phase = message.phases === 'online' ? await onlinePhases(message.values) : message.phases ? await phases(message.values) : undefined;
      process.send({ type: 'planned', samples, phases: phase });
    } else if (message.type === 'close') {
      process.disconnect();
    }
  } catch (error) {
    process.send({ type: 'error', message: error.stack ?? String(error) });
  }
});
