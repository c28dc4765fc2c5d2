/**
 * lifecycle's promotion hook (Provider.promote): right after the gold tag, the
 * new gold becomes what consumers resolve (GCP: its image family); a failed
 * promote is recorded like a failed tag and leaves the old gold current.
 */
import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { CommandDeps } from '../../src/commands/clouds.js';
import { runLifecycle } from '../../src/commands/lifecycle.js';
import { fingerprinted } from '../../src/plan/images.js';
import { parseInputs } from '../../src/io/inputs.js';
import { loadTopology } from '../../src/topology/index.js';
import { useGcpFake } from '../fakes/gcp/harness.js';
import { recorder } from '../helpers/reporter.js';
import { writeTree } from '../helpers/tree.js';

const TOPOLOGY = `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12:
    gcp: { project: debian-cloud, family: debian-12 }
clouds:
  - name: gcp-prod
    provider: gcp
    project: test-project
    regions:
      europe-west1: { instances: [ { name: n-base, image: base, os: debian12 } ] }
lifecycle: { keep: 2 }
`;

describe('lifecycle promotion on GCP', () => {
  const gcp = useGcpFake();

  async function setup() {
    const dir = writeTree({ 'topology.yml': TOPOLOGY, 'playbooks/provision.yml': '- name: Play\n  hosts: all\n  tasks: []\n' });
    const topologyFile = path.join(dir, 'topology.yml');
    const [base] = fingerprinted(await loadTopology(topologyFile), { clouds: [], images: [] });
    const labels = { 'ib-cloud': 'gcp-prod', 'ib-owner': base!.owner, 'ib-verified': 'passed' };
    gcp.seedManaged('ib-base-old', { ...labels, 'ib-fingerprint': 'f-old', 'ib-channel': 'gold' }, { family: 'ib-base-debian12' });
    gcp.seedManaged('ib-base-new', { ...labels, 'ib-fingerprint': base!.fingerprint });
    const values: Record<string, string> = { command: 'lifecycle', topology: topologyFile, results: path.join(dir, 'results') };
    const deps: CommandDeps = {
      sleep: async () => undefined,
      providerFor: async (cloud) => gcp.provider({}, 'fake-access-token', cloud),
    };
    return { inputs: parseInputs((name) => values[name] ?? ''), deps };
  }

  it('puts the new gold into the family, so family/ serves it once the old gold is deprecated', async () => {
    const { inputs, deps } = await setup();
    expect(gcp.fake.state.fromFamily('test-project', 'ib-base-debian12')?.name).toBe('ib-base-old');
    const out = await runLifecycle(inputs, recorder(), deps);
    expect(out).toMatchObject({ promoted: 1, outdated: 1, failures: [] });
    expect(gcp.fake.state.image('test-project', 'ib-base-new')?.family).toBe('ib-base-debian12');
    expect(gcp.fake.state.fromFamily('test-project', 'ib-base-debian12')?.name).toBe('ib-base-new');
  });

  it('records a failed promote like a failed tag and leaves the old gold current', async () => {
    const { inputs, deps } = await setup();
    gcp.fake.failNext('images.patch', { status: 403, reason: 'forbidden', message: 'Required compute.images.update permission' });
    await expect(runLifecycle(inputs, recorder(), deps)).rejects.toThrow(
      /1 step failed.*\n.*ib-base-new \(tag\): .*images\.patch failed with PERMISSION_DENIED/,
    );
    expect(gcp.fake.state.image('test-project', 'ib-base-old')?.deprecated).toBeUndefined();
    expect(gcp.fake.state.fromFamily('test-project', 'ib-base-debian12')?.name).toBe('ib-base-old');
    // Run again once fixed: the promotion completes.
    const again = await runLifecycle(inputs, recorder(), deps);
    expect(again).toMatchObject({ outdated: 1, failures: [] });
    expect(gcp.fake.state.fromFamily('test-project', 'ib-base-debian12')?.name).toBe('ib-base-new');
  });
});
