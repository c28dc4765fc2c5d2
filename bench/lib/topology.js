/**
 * Generated topologies for the benchmarks: `count` recipes (each a variant of
 * `base`), clouds whose regions each run an instance of some recipes, and a
 * one-play playbook, written into a folder.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PLAYBOOK = `- name: Provision
  hosts: all
  become: true
  tasks:
    - name: Install the recipe's packages
      ansible.builtin.package:
        name: "{{ packages }}"
        state: present
`;

/** Debian's AWS account, which publishes debian-12-amd64-<date>-<build>. */
export const DEBIAN = '136693071363';

const SOURCES = {
  aws: `{ owner: "${DEBIAN}", name: "debian-12-amd64-*" }`,
  gcp: '{ project: debian-cloud, family: debian-12 }',
  azure: '{ publisher: Debian, offer: debian-12, sku: 12-gen2, version: latest }',
  local: '{ suite: bookworm }',
};

export const recipeName = (k) => `r${String(k).padStart(5, '0')}`;

/**
 * clouds: [{ name, provider, fields: { account: '...' }, regions: { region: [recipe, ...] } }]
 * Answers { dir, file }.
 */
export function writeTopology({ recipes, clouds, retired = [], dir = mkdtempSync(path.join(os.tmpdir(), 'ib-bench-')) }) {
  mkdirSync(path.join(dir, 'playbooks'), { recursive: true });
  writeFileSync(path.join(dir, 'playbooks/provision.yml'), PLAYBOOK);
  const lines = ['version: 1', 'images:', '  base:', '    playbooks: [playbooks/provision.yml]', '    variables: { packages: [jq] }'];
  for (let k = 0; k < recipes; k += 1) {
    lines.push(`  ${recipeName(k)}: { extends: base, variables: { packages: [jq, pkg-${k}] } }`);
  }
  const providers = [...new Set(clouds.map((c) => c.provider))];
  lines.push('sources:', '  debian12:', ...providers.map((p) => `    ${p}: ${SOURCES[p]}`), 'clouds:');
  for (const cloud of clouds) {
    lines.push(`  - name: ${cloud.name}`, `    provider: ${cloud.provider}`);
    for (const [key, value] of Object.entries(cloud.fields ?? {})) lines.push(`    ${key}: ${JSON.stringify(value)}`);
    lines.push('    regions:');
    for (const [region, used] of Object.entries(cloud.regions)) {
      lines.push(`      ${region}:`, '        instances:');
      for (const recipe of used) lines.push(`          - { name: n, image: ${recipe}, os: debian12 }`);
    }
  }
  lines.push('lifecycle:', '  keep: 3', `  retired: [${retired.join(', ')}]`, '');
  const file = path.join(dir, 'topology.yml');
  writeFileSync(file, lines.join('\n'));
  return { dir, file };
}
