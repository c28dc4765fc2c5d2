/**
 * `namespace:` (the owner of the images) and `adopt:` (clouds whose images
 * without an owner this topology takes over): loaded as written, and every
 * mistake reported with its line and column.
 */
import { join } from 'node:path';
import { parseTopology } from '../../src/topology/index.js';
import { problemsOf } from '../helpers/topology.js';

/** The design fixture's folder holds playbooks/provision.yml. */
const FILE = join(process.cwd(), '__tests__/fixtures/topology/design/topology.yml');

const topology = (head: string) => `version: 1
${head}images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12: { local: { suite: bookworm } }
clouds:
  - name: lab
    provider: local
    regions:
      rack1: { instances: [ { name: n1, image: base, os: debian12 } ] }
  - name: lab-two
    provider: local
    regions:
      rack1: { instances: [ { name: n1, image: base, os: debian12 } ] }
`;

const problems = (head: string) =>
  problemsOf(topology(head), 'topology.yml').map((p) => ({ line: p.line, col: p.col, message: p.message, hint: p.hint }));

describe('namespace', () => {
  it('is optional, and loaded as written', () => {
    expect(parseTopology(topology(''), FILE).namespace).toBeUndefined();
    expect(parseTopology(topology('namespace: acme-images\n'), FILE).namespace).toBe('acme-images');
    expect(parseTopology(topology('namespace: 2024\n'), FILE).namespace).toBe('2024');
  });

  it('must be 1 to 40 lowercase letters, digits and "-": it is a tag and label value on every cloud', () => {
    for (const bad of ['Acme', 'acme_images', 'acme.images', `"${'a'.repeat(41)}"`, '""']) {
      expect(problems(`namespace: ${bad}\n`)).toEqual([
        {
          line: 2,
          col: 12,
          message: expect.stringMatching(/^namespace ".*" at namespace is not valid: it is written on every image as the ib-owner tag/),
          hint: 'use 1 to 40 characters: lowercase letters, digits and "-", e.g. namespace: acme-images',
        },
      ]);
    }
  });
});

describe('adopt', () => {
  it('is optional, and loaded as written', () => {
    expect(parseTopology(topology(''), FILE).adopt).toBeUndefined();
    expect(parseTopology(topology('adopt: [lab, lab-two]\n'), FILE).adopt).toEqual(['lab', 'lab-two']);
  });

  it('names clouds of the topology: a misspelt name is an error at its position', () => {
    expect(problems('adopt: [lab, lab-tow]\n')).toEqual([
      {
        line: 2,
        col: 14,
        message: 'adopt names cloud "lab-tow", which is not a cloud of this topology',
        hint: 'did you mean "lab-two"?',
      },
    ]);
  });

  it('is a list', () => {
    expect(problems('adopt: lab\n')).toEqual([expect.objectContaining({ line: 2, col: 8, message: 'adopt must be a list, not "lab"' })]);
  });
});
