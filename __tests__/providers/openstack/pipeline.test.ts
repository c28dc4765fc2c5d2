/**
 * The whole pipeline for an NREC-style OpenStack cloud against the real
 * Keystone and Glances of scripts/openstack/harness.sh, through the commands
 * a workflow runs: plan -> build (the local QEMU path; Packer is the
 * stand-in, which writes the disk as the qemu builder would) -> upload ->
 * distribute to RegionTwo -> lifecycle (promote, "GOLD"/"Outdated" names,
 * hide, delete beyond keep) -> plan again, with nothing left to build.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPlan } from '../../../src/commands/plan.js';
import { runBuild } from '../../../src/commands/build.js';
import { runDistribute } from '../../../src/commands/distribute.js';
import { runLifecycle } from '../../../src/commands/lifecycle.js';
import { parseInputs, type Inputs } from '../../../src/io/inputs.js';
import { createOpenStackProvider, type OpenStackProvider } from '../../../src/providers/openstack/index.js';
import { TAGS } from '../../../src/images/index.js';
import { withFakePacker } from '../../helpers/fake-packer.js';
import { recorder } from '../../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../../helpers/tree.js';
import { describeWithOpenStack } from './harness.js';
import { testCloud } from './images.js';

const ROOT = process.cwd();

function topology(namespace: string, round: number): string {
  return `version: 1
namespace: ${namespace}
images:
  base:
    playbooks: [playbooks/provision.yml]
    variables: { round: ${round} }
    verify: false
sources:
  debian12:
    openstack: { image: base/base.qcow2, os_distro: debian, properties: { hw_disk_bus: scsi } }
clouds:
  - name: nrec
    provider: openstack
    cloud: harness
    naming: gold-prefix
    build_region: RegionOne
    regions:
      RegionOne: { instances: [ { name: n, image: base, os: debian12 } ] }
      RegionTwo: { instances: [ { name: n, image: base, os: debian12 } ] }
lifecycle: { keep: 2 }
`;
}

describeWithOpenStack('openstack pipeline: plan, build, upload, distribute, lifecycle, plan', (harness) => {
  const namespace = `os-e2e-${randomBytes(4).toString('hex')}`;
  const saved = process.env.OS_CLIENT_CONFIG_FILE;
  let dir: string;
  let provider: OpenStackProvider;

  beforeAll(async () => {
    const env = harness();
    dir = writeTree({ 'base/base.qcow2': 'disk', 'base/vmlinuz': 'k', 'base/initrd.img': 'i' });
    cpSync(path.join(ROOT, 'playbooks'), path.join(dir, 'playbooks'), { recursive: true });
    writeFileSync(
      path.join(dir, 'clouds.yaml'),
      `clouds:\n  harness:\n    auth:\n      auth_url: ${env.OS_AUTH_URL}\n      username: ${env.OS_USERNAME}\n      password: ${env.OS_PASSWORD}\n` +
        `      project_name: ${env.OS_PROJECT_NAME}\n      user_domain_id: default\n      project_domain_id: default\n    region_name: RegionOne\n`,
    );
    // The commands read credentials from the environment, as in a workflow.
    process.env.OS_CLIENT_CONFIG_FILE = path.join(dir, 'clouds.yaml');
    provider = await createOpenStackProvider(testCloud({ name: 'nrec', cloud: 'harness' }), { baseDir: dir });
  });

  afterAll(async () => {
    for (const region of ['RegionOne', 'RegionTwo']) {
      for (const image of await provider.inventory(region)) if (image.tags[TAGS.owner] === namespace) await provider.remove(image);
    }
    if (saved === undefined) delete process.env.OS_CLIENT_CONFIG_FILE;
    else process.env.OS_CLIENT_CONFIG_FILE = saved;
    removeTempDirs();
    console.info(`openstack pipeline timings (s): ${timings.join(', ')}`);
  }, 120_000);

  const inputs = (extra: Record<string, string>): Inputs =>
    parseInputs(
      (n) =>
        (
          ({
            topology: path.join(dir, 'topology.yml'),
            'plan-file': path.join(dir, 'plan.json'),
            results: path.join(dir, 'results'),
            'work-dir': path.join(dir, 'work'),
            ...extra,
          }) as Record<string, string>
        )[n] ?? '',
    );

  const timings: string[] = [];
  /** Runs a step, noting how long it took. */
  async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await fn();
    } finally {
      timings.push(`${label} ${((Date.now() - start) / 1000).toFixed(1)}`);
    }
  }

  /** One round: a changed recipe, planned, built, distributed, and its lifecycle applied. */
  async function round(n: number): Promise<string> {
    writeFileSync(path.join(dir, 'topology.yml'), topology(namespace, n));
    const { plan } = await timed(`plan${n}`, () => runPlan(inputs({ command: 'plan' }), recorder()));
    expect(plan.builds).toHaveLength(1);
    const cell = JSON.stringify(plan.builds[0]);
    const built = await timed(`build${n}`, () => withFakePacker(dir, {}, () => runBuild(inputs({ command: 'build', cell }), recorder())));
    const id = built.result?.imageId ?? '';
    const fast = { sleep: async () => undefined };
    const copies = await timed(`distribute${n}`, () => runDistribute(inputs({ command: 'distribute' }), recorder(), fast));
    expect(copies.failures).toEqual([]);
    const lifecycle = await timed(`lifecycle${n}`, () => runLifecycle(inputs({ command: 'lifecycle', delete: 'true' }), recorder(), fast));
    expect(lifecycle.failures).toEqual([]);
    return id;
  }

  /** Per round: plan, build and upload, two copies, lifecycle: tens of seconds against the real services under load. */
  const ROUND_MS = 300_000;
  let first = '';
  let uploaded: Awaited<ReturnType<Awaited<ReturnType<OpenStackProvider['glance']>>['get']>>;

  it(
    'round 1: builds once, uploads to RegionOne, copies to RegionTwo, and promotes it as "GOLD <name>" in both',
    async () => {
      first = await round(1);
      const glance = await provider.glance('RegionOne');
      uploaded = await glance.get(first);
      expect(uploaded).toMatchObject({
        status: 'active',
        os_distro: 'debian',
        hw_disk_bus: 'scsi',
        [TAGS.owner]: namespace,
        [TAGS.channel]: 'gold',
      });
      expect(uploaded?.name).toMatch(/^GOLD ib-base-debian12-[0-9a-f]{16}-\d{14}$/);
      const two = (await provider.inventory('RegionTwo')).filter((r) => r.tags[TAGS.owner] === namespace);
      expect(two.map((r) => [r.name, r.channel, r.fingerprint])).toEqual([[uploaded?.name, 'gold', uploaded?.[TAGS.fingerprint]]]);
    },
    ROUND_MS,
  );

  it('plan again: nothing to build', async () => {
    expect(first).not.toBe('');
    const again = await runPlan(inputs({ command: 'plan' }), recorder());
    expect(again.plan.builds).toHaveLength(0);
  });

  it(
    'rounds 2 and 3: the old gold becomes "Outdated <name>" and hidden, the image beyond keep: 2 is deleted, plan builds nothing',
    async () => {
      expect(first).not.toBe('');
      await round(2);
      const third = await round(3);
      for (const region of ['RegionOne', 'RegionTwo']) {
        const ours = (await provider.inventory(region)).filter((r) => r.tags[TAGS.owner] === namespace);
        // keep: 2 -> the gold and the one before it; the first round's image is deleted.
        expect(ours.map((r) => [r.name.split(' ')[0], r.channel, r.state])).toEqual([
          ['Outdated', 'outdated', 'deprecated'],
          ['GOLD', 'gold', 'available'],
        ]);
        expect(ours.map((r) => r.fingerprint)).not.toContain(uploaded?.[TAGS.fingerprint]);
      }
      const glance = await provider.glance('RegionOne');
      expect((await glance.get(third))?.name).toMatch(/^GOLD /);
      expect(await glance.get(first)).toBeUndefined();
      const last = await runPlan(inputs({ command: 'plan' }), recorder());
      expect(last.plan.builds).toHaveLength(0);
    },
    2 * ROUND_MS,
  );
});
