/**
 * The build boots the source image the plan resolved: the cell's `resolved`
 * reaches the Packer template (AWS source_ami), and a cell without it keeps
 * the owner/name filter (an offline plan resolves nothing). Dry runs: no
 * cloud is asked.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runBuild } from '../../src/commands/build.js';
import { runPlan } from '../../src/commands/plan.js';
import { parseCell } from '../../src/commands/cell.js';
import { parseInputs } from '../../src/io/inputs.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const TOPOLOGY = `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
sources:
  debian12:
    aws: { owner: "136693071363", name: "debian-12-amd64-*" }
clouds:
  - name: aws-prod
    provider: aws
    regions: { eu-west-1: { instances: [ { name: n, image: base, os: debian12 } ] } }
`;
const RESOLVED = { id: 'ami-0fedcba9876543210', name: 'debian-12-amd64-20250301-2040', created: '2025-03-01T10:00:00.000Z', pinned: false };

afterAll(removeTempDirs);

async function setup() {
  const dir = writeTree({ 'topology.yml': TOPOLOGY });
  cpSync(path.join(process.cwd(), 'playbooks'), path.join(dir, 'playbooks'), { recursive: true });
  writeFileSync(path.join(dir, 'topology.yml'), TOPOLOGY);
  const inputs = (extra: Record<string, string>) =>
    parseInputs(
      (n) =>
        (
          ({
            topology: path.join(dir, 'topology.yml'),
            'plan-file': path.join(dir, 'plan.json'),
            results: path.join(dir, 'results'),
            'work-dir': path.join(dir, 'work'),
            offline: 'true',
            ...extra,
          }) as Record<string, string>
        )[n] ?? '',
    );
  const { plan } = await runPlan(inputs({}), recorder());
  return { inputs, cell: plan.builds[0] };
}

describe('build with the resolved source', () => {
  it('the cell carries the resolved image through parsing', () => {
    const cell = { cloud: 'c', provider: 'aws', image: 'base', os: 'd', fingerprint: 'f', name: 'n', region: 'r', regions: [] };
    expect(parseCell(JSON.stringify({ ...cell, resolved: RESOLVED })).resolved).toEqual(RESOLVED);
    expect(parseCell(JSON.stringify(cell)).resolved).toBeUndefined();
  });

  it('boots exactly the resolved AMI; without it, the filter of the topology', async () => {
    const { inputs, cell } = await setup();
    const variables = async (value: object) => {
      const out = await runBuild(inputs({ command: 'build', 'dry-run': 'true', cell: JSON.stringify(value) }), recorder());
      const template = JSON.parse(readFileSync(out.template, 'utf8'));
      return { source: template.source['amazon-ebs'].image, vars: JSON.parse(readFileSync(out.varFile, 'utf8')) };
    };
    const exact = await variables({ ...cell, resolved: RESOLVED });
    expect(exact.vars.source_ami).toBe(RESOLVED.id);
    expect(exact.source).not.toHaveProperty('source_ami_filter');
    const filtered = await variables(cell);
    expect(filtered.vars.source_ami).toBeUndefined();
    expect(filtered.source.source_ami_filter).toMatchObject({ most_recent: true });
  });
});
