import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fingerprinted, ownerOf } from '../../src/plan/images.js';
import { topologyOwner } from '../../src/topology/owner.js';
import { FINGERPRINT_LENGTH } from '../../src/plan/fingerprint.js';
import { imageName } from '../../src/plan/naming.js';
import { loadTopology } from '../../src/topology/index.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

afterAll(removeTempDirs);

const PLAYBOOK = '- name: Provision\n  hosts: all\n  tasks: []\n';
const cloud = (name: string) => `  - name: ${name}
    provider: local
    store: store-${name}
    regions:
      rack1:
        instances:
          - { name: a, image: base, os: debian12 }
          - { name: b, image: web, os: debian12 }
`;
const TOPOLOGY = `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
    variables: { packages: [jq] }
  web:
    extends: base
    variables: { packages: [jq, nginx-light] }
sources:
  debian12:
    local: { suite: bookworm }
clouds:
${cloud('lab')}${cloud('lab-two')}`;

function setup() {
  const dir = writeTree({ 'topology.yml': TOPOLOGY, 'playbooks/provision.yml': PLAYBOOK });
  return { dir, file: path.join(dir, 'topology.yml') };
}

const all = { clouds: [], images: [] };
const ids = (images: { cloud: string; image: string }[]) => images.map((i) => `${i.cloud}/${i.image}`).sort();

describe('fingerprinted', () => {
  it('takes every image of every cloud when nothing is selected', async () => {
    const topology = await loadTopology(setup().file);
    expect(ids(fingerprinted(topology, all))).toEqual(['lab-two/base', 'lab-two/web', 'lab/base', 'lab/web']);
  });

  it('filters by cloud and recipe patterns', async () => {
    const topology = await loadTopology(setup().file);
    expect(ids(fingerprinted(topology, { clouds: ['lab'], images: [] }))).toEqual(['lab/base', 'lab/web']);
    expect(ids(fingerprinted(topology, { clouds: [], images: ['we*'] }))).toEqual(['lab-two/web', 'lab/web']);
    expect(ids(fingerprinted(topology, { clouds: ['lab-*'], images: ['base'] }))).toEqual(['lab-two/base']);
    expect(fingerprinted(topology, { clouds: ['nowhere'], images: [] })).toEqual([]);
  });

  it('fingerprints stably: same inputs, same fingerprint; a changed playbook changes it', async () => {
    const { dir, file } = setup();
    const fps = async () =>
      Object.fromEntries(fingerprinted(await loadTopology(file), all).map((i) => [`${i.cloud}/${i.image}`, i.fingerprint]));
    const first = await fps();
    for (const fp of Object.values(first)) expect(fp).toMatch(new RegExp(`^[0-9a-f]{${FINGERPRINT_LENGTH}}$`));
    expect(first['lab/base']).not.toBe(first['lab/web']);
    expect(await fps()).toEqual(first);
    writeFileSync(path.join(dir, 'playbooks/provision.yml'), `${PLAYBOOK}# changed\n`);
    const second = await fps();
    for (const key of Object.keys(first)) expect(second[key]).not.toBe(first[key]);
  });

  it('names each image from its provider, recipe, os and fingerprint', async () => {
    const images = fingerprinted(await loadTopology(setup().file), all);
    for (const i of images) expect(i.name).toBe(imageName(i.provider, i.image, i.os, i.fingerprint));
    expect(images.find((i) => i.cloud === 'lab' && i.image === 'base')).toMatchObject({
      provider: 'local',
      os: 'debian12',
      buildRegion: 'rack1',
      regions: ['rack1'],
    });
  });

  it("gives every image the topology's owner: the namespace when given, else derived from the repository and path", async () => {
    const { dir, file } = setup();
    const derived = await loadTopology(file);
    expect(ownerOf(derived)).toEqual(topologyOwner(derived));
    expect(new Set(fingerprinted(derived, all).map((i) => i.owner))).toEqual(new Set([ownerOf(derived).value]));
    writeFileSync(file, TOPOLOGY.replace('version: 1\n', 'version: 1\nnamespace: team-a\n'));
    const named = await loadTopology(path.join(dir, 'topology.yml'));
    expect(fingerprinted(named, all).map((i) => i.owner)).toEqual(['team-a', 'team-a', 'team-a', 'team-a']);
  });

  it('keeps the owner out of the fingerprint: setting a namespace changes no fingerprint', async () => {
    const { file } = setup();
    const fps = async () => fingerprinted(await loadTopology(file), all).map((i) => `${i.cloud}/${i.image}=${i.fingerprint}`);
    const before = await fps();
    writeFileSync(file, TOPOLOGY.replace('version: 1\n', 'version: 1\nnamespace: team-a\n'));
    expect(await fps()).toEqual(before);
  });

  it('derives the owner once per loaded topology', async () => {
    const topology = await loadTopology(setup().file);
    expect(ownerOf(topology)).toBe(ownerOf(topology));
  });
});
