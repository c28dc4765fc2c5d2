/**
 * A recipe's `verify`: a playbook path, left out (the bundled verify
 * playbook), or `false` (no verification). `false` is inherited like any
 * scalar and a child may set a path again; anything else is refused with its
 * position and what to write.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { loadTopology, resolveRecipe, TopologyError } from '../../src/topology/index.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

afterAll(removeTempDirs);

const PLAYBOOK = '- name: Play\n  hosts: all\n  tasks: []\n';

function topologyFile(recipes: string): string {
  const dir = writeTree({
    'topology.yml': `version: 1
images:
${recipes}sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    regions:
      rack1: { instances: [ { name: n1, image: base, os: debian12 } ] }
`,
    'playbooks/provision.yml': PLAYBOOK,
    'playbooks/verify.yml': PLAYBOOK,
  });
  return path.join(dir, 'topology.yml');
}

describe('recipe verify', () => {
  it('takes false, inherits it, and lets a child name a playbook again', async () => {
    const topology = await loadTopology(
      topologyFile(`  base: { playbooks: [playbooks/provision.yml], verify: false }
  child: { extends: base }
  checked: { extends: base, verify: playbooks/verify.yml }
  bundled: { playbooks: [playbooks/provision.yml] }
`),
    );
    expect(resolveRecipe(topology, 'base').verify).toBe(false);
    expect(resolveRecipe(topology, 'child').verify).toBe(false);
    expect(resolveRecipe(topology, 'checked').verify).toBe('playbooks/verify.yml');
    expect(resolveRecipe(topology, 'bundled').verify).toBeUndefined();
  });

  it('lets a child of a recipe with a playbook turn verification off', async () => {
    const topology = await loadTopology(
      topologyFile(`  base: { playbooks: [playbooks/provision.yml], verify: playbooks/verify.yml }
  quick: { extends: base, verify: false }
`),
    );
    expect(resolveRecipe(topology, 'quick').verify).toBe(false);
  });

  it.each([
    ['true', 'true'],
    ['[playbooks/verify.yml]', 'a list'],
    ['""', 'empty'],
  ])('refuses verify: %s, at its position, saying what to write', async (value, shown) => {
    const file = topologyFile(`  base:\n    playbooks: [playbooks/provision.yml]\n    verify: ${value}\n`);
    const error = await loadTopology(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TopologyError);
    const [problem, ...more] = (error as TopologyError).problems;
    expect(more).toEqual([]);
    expect(problem).toMatchObject({
      line: 5,
      col: 13,
      message: `images.base.verify must be the path of a verify playbook or false, not ${shown}`,
    });
    expect(problem.hint).toMatch(/leave verify out to run the bundled verify playbook.*or write verify: false to skip verification/);
  });
});
