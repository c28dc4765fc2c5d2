/**
 * The plan command on the local provider only, through the real runPlan, the
 * real provider factory and a local store in a temp dir; a Reporter that
 * records everything stands in for the action's. The source resolves against
 * a Debian mirror fake on 127.0.0.1 (IMAGE_BUILDER_DEBIAN_MIRROR).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runPlan } from '../../src/commands/plan.js';
import { fingerprinted, ownerOf } from '../../src/plan/images.js';
import { parseInputs, type Inputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { imageTags } from '../../src/images/index.js';
import { TopologyError, loadTopology } from '../../src/topology/index.js';
import type { FingerprintedImage } from '../../src/plan/types.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';
import { startDebianMirror, type DebianMirror } from '../fakes/debian/mirror.js';
import type { BaseImage } from '../../src/plan/types.js';

let mirror: DebianMirror;
const savedMirror = process.env.IMAGE_BUILDER_DEBIAN_MIRROR;
beforeAll(async () => {
  mirror = await startDebianMirror();
  mirror.publish('bookworm', { version: '12.7', date: 'Sat, 31 Aug 2024 10:13:22 UTC' });
  process.env.IMAGE_BUILDER_DEBIAN_MIRROR = mirror.url;
});
afterAll(async () => {
  if (savedMirror === undefined) delete process.env.IMAGE_BUILDER_DEBIAN_MIRROR;
  else process.env.IMAGE_BUILDER_DEBIAN_MIRROR = savedMirror;
  await mirror.close();
});

/** What the source resolves to now, asked as the plan asks it. */
async function resolvedBase(dir: string): Promise<{ id: string; name: string; created?: string; pinned: boolean }> {
  const topology = await loadTopology(path.join(dir, 'topology.yml'));
  const provider = new LocalProvider(topology.clouds[0], { baseDir: dir });
  return provider.resolveSource('rack1', { suite: 'bookworm' });
}

const PLAYBOOK = `- name: Provision
  hosts: all
  tasks:
    - name: Install packages
      ansible.builtin.package:
        name: "{{ packages }}"
`;

function topologyYaml(extra: { retired?: string[]; recipes?: number } = {}): string {
  const recipes = Array.from(
    { length: extra.recipes ?? 0 },
    (_, k) => `  r${k}:\n    extends: base\n    variables: { packages: [p${k}] }\n`,
  ).join('');
  const instances = Array.from({ length: extra.recipes ?? 0 }, (_, k) => `          - { name: r${k}, image: r${k}, os: debian12 }\n`).join(
    '',
  );
  return `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
    variables: { packages: [jq] }
  web:
    extends: base
    variables: { packages: [jq, nginx-light] }
${recipes}sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    store: store
    build_region: rack1
    regions:
      rack1:
        instances:
          - { name: node, image: base, os: debian12, count: 3 }
          - { name: web, image: web, os: debian12 }
${instances}      rack2:
        instances:
          - { name: node, image: base, os: debian12 }
lifecycle:
  keep: 3
  retired: [${(extra.retired ?? []).join(', ')}]
`;
}

function setup(extra: Parameters<typeof topologyYaml>[0] = {}, values: Record<string, string> = {}) {
  const dir = writeTree({ 'topology.yml': topologyYaml(extra), 'playbooks/provision.yml': PLAYBOOK });
  const inputs: Inputs = parseInputs(
    (name) =>
      (
        ({
          topology: path.join(dir, 'topology.yml'),
          'plan-file': path.join(dir, 'out/plan.json'),
          ...values,
        }) as Record<string, string>
      )[name] ?? '',
  );
  return { dir, inputs };
}

async function imagesOf(inputs: Inputs): Promise<Record<string, FingerprintedImage>> {
  return Object.fromEntries(fingerprinted(await loadTopology(inputs.topology), inputs).map((i) => [i.image, i]));
}

/**
 * Stores an image as a build of this release writes it: with `built`, the
 * components it was built from (tags and metadata) and its base image.
 */
async function store(
  dir: string,
  region: string,
  image: string,
  fingerprint: string,
  name: string,
  built?: { from: FingerprintedImage; base?: BaseImage },
): Promise<void> {
  const topology = await loadTopology(path.join(dir, 'topology.yml'));
  const inputs = built?.from.inputs && { ...built.from.inputs, base: built.base };
  await new LocalProvider(topology.clouds[0], { baseDir: dir }).add(
    {
      name,
      cloud: 'lab',
      region,
      fingerprint,
      image,
      os: 'debian12',
      state: 'available',
      channel: 'gold',
      verified: 'passed',
      createdAt: '2025-01-01T00:00:00.000Z',
      ...(inputs ? { inputs } : {}),
      tags: imageTags({ fingerprint, image, os: 'debian12', cloud: 'lab', owner: ownerOf(topology).value, channel: 'gold', inputs }),
    },
    {},
  );
}

const cellOf = (i: FingerprintedImage, extra: { resolved?: object; why?: string } = {}) => ({
  cloud: 'lab',
  provider: 'local',
  image: i.image,
  os: 'debian12',
  fingerprint: i.fingerprint,
  name: i.name,
  region: 'rack1',
  regions: i.regions,
  ...extra,
});

afterAll(removeTempDirs);

describe('plan (local provider)', () => {
  it('plans every image of an empty store and sets every output', async () => {
    const { dir, inputs } = setup();
    const img = await imagesOf(inputs);
    const c = recorder();
    const result = await runPlan(inputs, c);
    const planFile = path.join(dir, 'out/plan.json');
    const resolved = await resolvedBase(dir);
    expect(resolved).toMatchObject({
      id: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      created: '2024-08-31T10:13:22.000Z',
      pinned: false,
    });
    const include = [
      cellOf(img.base, { resolved, why: 'new line: lab has no base/debian12 image yet' }),
      cellOf(img.web, { resolved, why: 'new line: lab has no web/debian12 image yet' }),
    ];
    expect(img.base.regions).toEqual(['rack1', 'rack2']);
    expect(c.outputs).toEqual({
      matrix: JSON.stringify({ include }),
      'has-builds': 'true',
      'build-count': '2',
      'copy-count': '1',
      'retire-count': '0',
      'chunk-count': '1',
      chunks: '[0]',
      'plan-file': planFile,
      providers: '["local"]',
    });
    expect(result.plan.copies).toEqual([
      {
        cloud: 'lab',
        provider: 'local',
        image: 'base',
        os: 'debian12',
        fingerprint: img.base.fingerprint,
        name: img.base.name,
        from: 'rack1',
        to: 'rack2',
        afterBuild: true,
      },
    ]);
    expect(JSON.parse(readFileSync(planFile, 'utf8'))).toEqual(result.plan);
    expect(result).toMatchObject({ chunkCount: 1, planFile, matrix: { include } });
    expect(c.warnings).toEqual([]);
  });

  it('has nothing to build when the store holds every image in every region, built on the base image the source resolves to', async () => {
    const { dir, inputs } = setup();
    const img = await imagesOf(inputs);
    const base = await resolvedBase(dir);
    await store(dir, 'rack1', 'base', img.base.fingerprint, img.base.name, { from: img.base, base });
    await store(dir, 'rack2', 'base', img.base.fingerprint, img.base.name, { from: img.base, base });
    await store(dir, 'rack1', 'web', img.web.fingerprint, img.web.name, { from: img.web, base });
    const c = recorder();
    const { plan } = await runPlan(inputs, c);
    expect(c.outputs).toMatchObject({
      matrix: '{"include":[]}',
      'has-builds': 'false',
      'build-count': '0',
      'copy-count': '0',
      'retire-count': '0',
      'chunk-count': '1',
      chunks: '[0]',
    });
    expect(plan.images.map((i) => [i.image, i.status, i.present])).toEqual([
      ['base', 'current', ['rack1', 'rack2']],
      ['web', 'current', ['rack1']],
    ]);
  });

  it('copies from the region that holds an image instead of building it', async () => {
    const { dir, inputs } = setup();
    const img = await imagesOf(inputs);
    await store(dir, 'rack2', 'base', img.base.fingerprint, img.base.name, { from: img.base, base: await resolvedBase(dir) });
    const c = recorder();
    const { plan } = await runPlan(inputs, c);
    expect(plan.builds.map((b) => b.image)).toEqual(['web']);
    expect(plan.copies).toEqual([
      expect.objectContaining({ image: 'base', from: 'rack2', to: 'rack1', afterBuild: false, sourceId: `rack2/${img.base.name}` }),
    ]);
    expect(c.outputs['copy-count']).toBe('1');
  });

  it('writes the summary: headline, image table and mermaid picture; summary: false writes none', async () => {
    const { inputs } = setup();
    const c = recorder();
    await runPlan(inputs, c);
    expect(c.summaries).toHaveLength(1);
    const { markdown, text } = c.summaries[0];
    expect(markdown).toContain('## Image plan\n\n2 builds, 1 copy, 0 retirements for 2 images');
    expect(markdown).toContain('| cloud | image | os | status | build region | regions (* = missing) | fingerprint |');
    expect(markdown).toMatch(/\| lab \| base \| debian12 \| build \| rack1 \| rack1\* rack2\* \| [0-9a-f]{16} \|/);
    expect(markdown).toContain('### Copies');
    expect(markdown).toContain('```mermaid\nflowchart LR\n  subgraph c0["lab"]');
    expect(markdown).toContain('==>|build| c0r0');
    expect(markdown).toContain('-->|copy| c0r1');
    expect(text).toMatch(/^2 builds, 1 copy, 0 retirements for 2 images\n/);

    const quiet = recorder();
    await runPlan({ ...inputs, summary: false }, quiet);
    expect(quiet.summaries).toEqual([]);
  });

  it('offline: reads no store, every image counts as missing', async () => {
    const { dir, inputs } = setup();
    const img = await imagesOf(inputs);
    await store(dir, 'rack1', 'web', img.web.fingerprint, img.web.name);
    const c = recorder();
    const { plan } = await runPlan({ ...inputs, offline: true }, c, {
      providerFor: async () => {
        throw new Error('offline plan asked a provider');
      },
    });
    expect(plan.offline).toBe(true);
    expect(c.outputs['build-count']).toBe('2');
    expect(c.summaries[0].markdown).toContain(
      '(offline: no cloud was asked, every image counts as missing and no base image was resolved)',
    );
    expect(plan.images.map((i) => [i.base.state, i.reasons.map((r) => r.kind)])).toEqual([
      ['unresolved', ['offline']],
      ['unresolved', ['offline']],
    ]);
  });

  it('filters clouds and images with * wildcards, and warns when nothing matches', async () => {
    const { inputs } = setup();
    const only = recorder();
    const { plan } = await runPlan({ ...inputs, images: ['w*'] }, only);
    expect(plan.images.map((i) => i.image)).toEqual(['web']);
    expect(only.outputs['build-count']).toBe('1');

    const both = recorder();
    expect((await runPlan({ ...inputs, clouds: ['l*b'], images: ['base', 'we?', 'web'] }, both)).plan.images.map((i) => i.image)).toEqual([
      'base',
      'web',
    ]);

    const none = recorder();
    const empty = await runPlan({ ...inputs, clouds: ['aws-*'] }, none);
    expect(empty.plan.images).toEqual([]);
    expect(none.outputs).toMatchObject({ 'has-builds': 'false', 'build-count': '0', matrix: '{"include":[]}', providers: '[]' });
    expect(none.warnings).toEqual([`no image of ${inputs.topology} matches clouds=[aws-*] images=[]`]);
  });

  it('force builds images that exist', async () => {
    const { dir, inputs } = setup();
    const img = await imagesOf(inputs);
    for (const region of ['rack1', 'rack2']) await store(dir, region, 'base', img.base.fingerprint, img.base.name);
    await store(dir, 'rack1', 'web', img.web.fingerprint, img.web.name);
    const c = recorder();
    const { plan } = await runPlan({ ...inputs, force: true }, c);
    expect(plan.builds.map((b) => b.image)).toEqual(['base', 'web']);
    expect(c.outputs['has-builds']).toBe('true');
  });

  it('splits builds above max-cells into chunks and refuses to pick one silently', async () => {
    const { inputs } = setup({ recipes: 3 }, { 'max-cells': '2' });
    expect(inputs.maxCells).toBe(2);
    await expect(runPlan(inputs, recorder())).rejects.toThrow(
      'the plan has 5 builds, more than one GitHub matrix holds (2 a chunk, 3 chunks): run plan once per chunk with `chunk: 0` to `chunk: 2`',
    );
    const c = recorder();
    const last = await runPlan({ ...inputs, chunk: 2 }, c);
    expect(last.matrix.include.map((b) => b.image)).toEqual(['web']);
    expect(c.outputs).toMatchObject({ 'build-count': '5', 'chunk-count': '3', chunks: '[0,1,2]', 'has-builds': 'true' });
    expect(JSON.parse(c.outputs.matrix).include).toHaveLength(1);
    const first = recorder();
    await runPlan({ ...inputs, chunk: 0 }, first);
    expect(JSON.parse(first.outputs.matrix).include.map((b: { image: string }) => b.image)).toEqual(['base', 'r0']);
    await expect(runPlan({ ...inputs, chunk: 3 }, recorder())).rejects.toThrow('chunk 3 does not exist: this plan has chunks 0 to 2');
  });

  it('retires images of retired recipes found in the store', async () => {
    const { dir, inputs } = setup({ retired: ['old'] });
    await store(dir, 'rack2', 'old', 'a'.repeat(32), 'ib-old-debian12-aaaa');
    await store(dir, 'rack1', 'old', 'b'.repeat(32), 'ib-old-debian12-bbbb');
    const c = recorder();
    const { plan } = await runPlan(inputs, c);
    expect(plan.retirements).toEqual([
      {
        cloud: 'lab',
        provider: 'local',
        region: 'rack1',
        id: 'rack1/ib-old-debian12-bbbb',
        name: 'ib-old-debian12-bbbb',
        image: 'old',
        os: 'debian12',
        fingerprint: 'b'.repeat(32),
        channel: 'gold',
      },
      {
        cloud: 'lab',
        provider: 'local',
        region: 'rack2',
        id: 'rack2/ib-old-debian12-aaaa',
        name: 'ib-old-debian12-aaaa',
        image: 'old',
        os: 'debian12',
        fingerprint: 'a'.repeat(32),
        channel: 'gold',
      },
    ]);
    expect(c.outputs['retire-count']).toBe('2');
    expect(c.summaries[0].markdown).toContain('### Retirements');
    const offline = recorder();
    await runPlan({ ...inputs, offline: true }, offline);
    expect(offline.outputs['retire-count']).toBe('0');
  });

  it('throws a TopologyError with positions for a bad topology, and writes no plan file', async () => {
    const { dir, inputs } = setup();
    const bad = writeTree({ 'topology.yml': topologyYaml().replace('image: web, os: debian12', 'image: wbe, os: debian12') }, dir);
    const error = await runPlan({ ...inputs, topology: path.join(bad, 'topology.yml') }, recorder()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TopologyError);
    const problems = (error as TopologyError).problems;
    expect(problems).toEqual([expect.objectContaining({ line: 21, message: expect.stringContaining('wbe') })]);
    expect(problems[0].col).toBeGreaterThan(1);
    expect(problems[0].hint).toContain('web');
    expect(existsSync(path.join(dir, 'out/plan.json'))).toBe(false);
  });
});
