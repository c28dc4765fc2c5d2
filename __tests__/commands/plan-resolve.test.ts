/**
 * How plan resolves sources, with stub providers (the fakes' own tests are
 * plan-current.test.ts): once per (cloud, source), in the cloud's build
 * region, at the same time as the inventory; a provider that cannot resolve
 * leaves its sources unresolved (a pinned one is still named), and what each
 * resolved to is logged.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { runPlan } from '../../src/commands/plan.js';
import { parseInputs } from '../../src/io/inputs.js';
import type { Provider } from '../../src/providers/provider.js';
import type { Cloud, ProviderSource } from '../../src/topology/model.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

afterAll(removeTempDirs);

const TOPOLOGY = `version: 1
images:
  base:
    playbooks: [p.yml]
  web:
    extends: base
    variables: { port: 80 }
sources:
  debian12:
    aws: { owner: "136693071363", name: "debian-12-amd64-*" }
  pinned:
    aws: { ami: ami-0pinned }
clouds:
  - name: one
    provider: aws
    account: "123456789012"
    build_region: eu-west-1
    regions:
      us-east-1:
        instances:
          - { name: a, image: base, os: debian12 }
          - { name: b, image: web, os: debian12 }
          - { name: c, image: base, os: pinned }
      eu-west-1:
        instances:
          - { name: a, image: base, os: debian12 }
  - name: two
    provider: aws
    account: "123456789012"
    regions:
      us-east-1:
        instances:
          - { name: a, image: web, os: debian12 }
`;

function setup() {
  const dir = writeTree({ 'topology.yml': TOPOLOGY, 'p.yml': '- hosts: all\n  tasks: []\n' });
  return parseInputs((name) => ({ topology: path.join(dir, 'topology.yml'), 'plan-file': path.join(dir, 'plan.json') })[name] ?? '');
}

/** A provider answering an empty inventory once `ready` resolves, and resolving sources as `resolve` says. */
function stub(cloud: Cloud, asked: string[], ready: Promise<void>, resolve?: (source: ProviderSource) => string): Provider {
  const provider = {
    provider: 'aws',
    cloud,
    scope: 'region',
    async inventory(region: string) {
      asked.push(`list ${cloud.name} ${region}`);
      await ready;
      return [];
    },
  } as unknown as Provider;
  if (resolve) {
    provider.resolveSource = async (region, source) => {
      asked.push(`resolve ${cloud.name} ${region} ${JSON.stringify(source)}`);
      const id = resolve(source);
      return { id, name: `name of ${id}`, created: '2024-01-01T00:00:00.000Z', pinned: id === 'ami-0pinned' };
    };
  }
  return provider;
}

describe('plan resolves sources', () => {
  it('once per (cloud, source), in the build region, while the inventory is being listed', async () => {
    const asked: string[] = [];
    let release!: () => void;
    const ready = new Promise<void>((r) => (release = r));
    let resolved = 0;
    const reporter = recorder();
    const { plan } = await runPlan(setup(), reporter, {
      providerFor: async (cloud) =>
        stub(cloud, asked, ready, (source) => {
          // The listings wait for every resolution: resolving after the listings would never finish.
          if (++resolved === 3) release();
          return (source as { ami?: string }).ami ?? `ami-${cloud.name}-newest`;
        }),
    });
    expect(asked.filter((a) => a.startsWith('resolve')).sort()).toEqual([
      'resolve one eu-west-1 {"ami":"ami-0pinned"}',
      'resolve one eu-west-1 {"owner":"136693071363","name":"debian-12-amd64-*"}',
      'resolve two us-east-1 {"owner":"136693071363","name":"debian-12-amd64-*"}',
    ]);
    expect(asked.filter((a) => a.startsWith('list')).sort()).toEqual(['list one eu-west-1', 'list one us-east-1', 'list two us-east-1']);
    expect(plan.builds.map((b) => [b.cloud, b.image, b.os, b.resolved?.id])).toEqual([
      ['one', 'base', 'debian12', 'ami-one-newest'],
      ['one', 'base', 'pinned', 'ami-0pinned'],
      ['one', 'web', 'debian12', 'ami-one-newest'],
      ['two', 'web', 'debian12', 'ami-two-newest'],
    ]);
    expect(plan.images.map((i) => i.base.state)).toEqual(['resolved', 'pinned', 'resolved', 'resolved']);
    expect(reporter.infos).toEqual(
      expect.arrayContaining([
        'cloud "one", source debian12: base image ami-one-newest (name of ami-one-newest, 2024-01-01)',
        'cloud "one", source pinned: pinned to ami-0pinned (name of ami-0pinned, 2024-01-01): it does not move',
      ]),
    );
  });

  it('a provider that cannot resolve leaves the source unresolved, and a pinned one named from the topology', async () => {
    const ready = Promise.resolve();
    const { plan } = await runPlan(setup(), recorder(), { providerFor: async (cloud) => stub(cloud, [], ready) });
    expect(plan.images.map((i) => [i.cloud, i.os, i.base.text])).toEqual([
      ['one', 'debian12', 'base image not resolved (the aws provider does not resolve sources)'],
      ['one', 'pinned', 'pinned to ami-0pinned: it does not move'],
      ['one', 'debian12', 'base image not resolved (the aws provider does not resolve sources)'],
      ['two', 'debian12', 'base image not resolved (the aws provider does not resolve sources)'],
    ]);
    expect(plan.builds.map((b) => b.resolved?.id)).toEqual([undefined, 'ami-0pinned', undefined, undefined]);
  });

  it('without a summary, the terminal gets one line per build saying why', async () => {
    const reporter = recorder();
    const { plan } = await runPlan({ ...setup(), summary: false }, reporter, {
      providerFor: async (cloud) => stub(cloud, [], Promise.resolve(), () => 'ami-1'),
    });
    expect(reporter.infos.filter((l) => l.startsWith('build '))).toEqual(
      plan.images.map((i) => `build ${i.cloud}/${i.name}: new line: ${i.cloud} has no ${i.image}/${i.os} image yet`),
    );
  });
});
