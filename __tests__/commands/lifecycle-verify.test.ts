/**
 * lifecycle promotes only verified images: an unverified image (its verify
 * step failed to run, timed out, or never ran) becomes gold only when its
 * recipe says `verify: false`; a recipe without `verify:` is verified with the
 * bundled playbook, so its unverified images are held back, and so are failed
 * ones. Each held-back image is named with its reason in the terminal and the
 * summary, in a dry run too (local store, for real).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { CommandDeps } from '../../src/commands/clouds.js';
import { runLifecycle } from '../../src/commands/lifecycle.js';
import { fingerprinted } from '../../src/plan/images.js';
import { parseInputs, type Inputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { imageTags, type Channel, type ImageRecord, type Verdict } from '../../src/images/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

afterAll(removeTempDirs);

const PLAYBOOK = '- name: Play\n  hosts: all\n  tasks: []\n';
const NOT_VERIFIED = 'not verified: the verify step did not pass; run verify, or set verify: false on the recipe to opt out';

async function setup() {
  const instances = ['base', 'quick', 'ctrl'].map((r) => `{ name: n-${r}, image: ${r}, os: debian12 }`).join(', ');
  const dir = writeTree({
    'topology.yml': `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
  quick: { playbooks: [playbooks/provision.yml], verify: false }
  ctrl: { playbooks: [playbooks/provision.yml], verify: playbooks/verify.yml }
sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    store: store
    regions:
      rack1: { instances: [ ${instances} ] }
lifecycle: { keep: 3 }
`,
    'playbooks/provision.yml': PLAYBOOK,
    'playbooks/verify.yml': PLAYBOOK,
    'build/image.qcow2': 'disk',
  });
  const topology = await loadTopology(path.join(dir, 'topology.yml'));
  const fp = Object.fromEntries(fingerprinted(topology, { clouds: [], images: [] }).map((i) => [i.image, i]));
  const store = new LocalProvider(topology.clouds[0], { baseDir: dir });
  const add = (name: string, image: string, fingerprint: string, day: number, channel: Channel, verified: Verdict) =>
    store.add(
      {
        name,
        cloud: 'lab',
        region: 'rack1',
        fingerprint,
        image,
        os: 'debian12',
        state: 'available',
        channel,
        verified,
        createdAt: new Date(Date.UTC(2026, 0, day)).toISOString(),
        tags: imageTags({ fingerprint, image, os: 'debian12', cloud: 'lab', owner: fp.base.owner, channel, verified }),
      },
      { 'image.qcow2': path.join(dir, 'build/image.qcow2') },
    );
  await add('b-old', 'base', 'f-old', 1, 'gold', 'passed');
  await add('b-new', 'base', fp.base.fingerprint, 2, 'candidate', 'unverified');
  await add('q-old', 'quick', 'f-old', 1, 'gold', 'unverified');
  await add('q-new', 'quick', fp.quick.fingerprint, 2, 'candidate', 'unverified');
  await add('c-old', 'ctrl', 'f-old', 1, 'gold', 'passed');
  await add('c-new', 'ctrl', fp.ctrl.fingerprint, 2, 'candidate', 'failed');
  const values: Record<string, string> = { command: 'lifecycle', topology: path.join(dir, 'topology.yml'), results: path.join(dir, 'r') };
  const inputs = (extra: Record<string, string> = {}): Inputs => parseInputs((name) => ({ ...values, ...extra })[name] ?? '');
  const byName = async () => Object.fromEntries((await store.inventory('rack1')).map((r) => [r.name, r])) as Record<string, ImageRecord>;
  return { inputs, byName };
}

const fast: CommandDeps = { sleep: async () => undefined };

describe('lifecycle and verification', () => {
  it('promotes an unverified image only under verify: false, and says why the others are held back', async () => {
    const { inputs, byName } = await setup();
    const reporter = recorder();
    const out = await runLifecycle(inputs(), reporter, fast);

    expect(out.promoted).toBe(1);
    const images = await byName();
    expect(images['q-new']).toMatchObject({ channel: 'gold', verified: 'unverified' });
    expect(images['q-old']).toMatchObject({ channel: 'outdated', state: 'deprecated' });
    // base has no verify: it is verified with the bundled playbook, so its unverified image is no gold
    expect(images['b-new'].channel).toBe('candidate');
    expect(images['b-old'].channel).toBe('gold');
    expect(images['c-new'].channel).toBe('candidate');
    expect(images['c-old'].channel).toBe('gold');

    expect(reporter.warnings).toEqual([
      `lab/base/debian12 in rack1: b-new (rack1/b-new) is not promoted: ${NOT_VERIFIED}`,
      'lab/ctrl/debian12 in rack1: c-new (rack1/c-new) is not promoted: failed verification: never promoted; fix the image and build it again',
    ]);
    const text = reporter.texts[0];
    expect(text).toMatch(/^1 promotion, 1 outdated, .*; 3 line locations, 2 images held back from gold/);
    expect(text).toMatch(
      new RegExp(`Held back \\(not promoted\\):\\n[\\s\\S]*b-new \\(rack1/b-new\\)\\s+\\S+\\s+unverified\\s+${NOT_VERIFIED}`),
    );
    expect(text).toMatch(/c-new \(rack1\/c-new\)\s+\S+\s+failed\s+failed verification/);
    expect(text).not.toMatch(/q-new \(rack1\/q-new\)\s+\S+\s+unverified\s+not verified/);
    expect(reporter.markdowns[0]).toMatch(/### Held back \(not promoted\)\n/);
  });

  it('says the same in a dry run, and changes nothing', async () => {
    const { inputs, byName } = await setup();
    const before = await byName();
    const reporter = recorder();
    await runLifecycle(inputs({ 'dry-run': 'true' }), reporter, fast);
    expect(await byName()).toEqual(before);
    expect(reporter.warnings).toContain(`lab/base/debian12 in rack1: b-new (rack1/b-new) is not promoted: ${NOT_VERIFIED}`);
    expect(reporter.infos).toContain('dry-run: lab/quick/debian12 in rack1: would promote q-new (rack1/q-new) to gold');
    expect(reporter.infos.join('\n')).not.toMatch(/would promote (b|c)-new/);
    expect(reporter.texts[0]).toMatch(/Held back \(not promoted\):/);
  });
});
