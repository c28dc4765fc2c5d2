/**
 * The lifecycle summary of a real run counts what was done: a promotion
 * whose tagging fails is no promotion, and the steps it stopped are listed
 * as not done (EC2 fake, the real provider, its tag call failing).
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { CommandDeps } from '../../src/commands/clouds.js';
import { runLifecycle } from '../../src/commands/lifecycle.js';
import { fingerprinted } from '../../src/plan/images.js';
import { parseInputs } from '../../src/io/inputs.js';
import { imageTags, type Channel } from '../../src/images/index.js';
import type { Provider } from '../../src/providers/provider.js';
import { loadTopology } from '../../src/topology/index.js';
import { startAwsHarness, type AwsHarness } from '../fakes/aws/harness.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const TOPOLOGY = `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12:
    aws: { owner: "136693071363", name: "debian-12-amd64-*" }
clouds:
  - name: aws-prod
    provider: aws
    account: "123456789012"
    regions:
      eu-west-1: { instances: [ { name: n-base, image: base, os: debian12 } ] }
lifecycle: { keep: 2 }
`;

let aws: AwsHarness | undefined;
afterEach(async () => {
  await aws?.close();
  aws = undefined;
});
afterAll(removeTempDirs);

describe('lifecycle summary of a real run', () => {
  it('a promotion whose tag fails: 0 promotions, 0 outdated, the failure named, the outdated mark not done', async () => {
    const dir = writeTree({ 'topology.yml': TOPOLOGY, 'playbooks/provision.yml': '- name: Play\n  hosts: all\n  tasks: []\n' });
    const [base] = fingerprinted(await loadTopology(path.join(dir, 'topology.yml')), { clouds: [], images: [] });
    aws = await startAwsHarness();
    const h = aws;
    const seed = (name: string, fingerprint: string, day: number, channel: Channel) =>
      h.fake.state.seedImage({
        region: 'eu-west-1',
        name,
        creationDate: new Date(Date.UTC(2026, 0, day)),
        tags: imageTags({ fingerprint, image: 'base', os: 'debian12', cloud: 'aws-prod', owner: base.owner, channel, verified: 'passed' }),
      });
    const old = seed('old', 'f-old', 1, 'gold');
    const next = seed('next', base.fingerprint, 2, 'candidate');
    // The provider's tag fails when it promotes (any other tag goes through).
    const failing: Provider = Object.assign(Object.create(h.provider) as Provider, {
      tag: (image: Parameters<Provider['tag']>[0], tags: Record<string, string>) =>
        tags['ib-channel'] === 'gold'
          ? Promise.reject(new Error('aws-prod: EC2 CreateTags in eu-west-1 failed with UnauthorizedOperation (not retried)'))
          : h.provider.tag(image, tags),
    });
    const deps: CommandDeps = { sleep: async () => undefined, providerFor: async () => failing };
    const values: Record<string, string> = { command: 'lifecycle', topology: path.join(dir, 'topology.yml'), results: path.join(dir, 'r') };
    const reporter = recorder();

    const error = (await runLifecycle(
      parseInputs((name) => values[name] ?? ''),
      reporter,
      deps,
    ).catch((e: unknown) => e)) as Error;

    expect(error.message).toMatch(/^lifecycle: 1 step failed/);
    expect(reporter.outputs).toMatchObject({ 'promoted-count': '0', 'failed-count': '1' });
    const text = reporter.texts[0];
    expect(text).toMatch(
      /^0 promotions, 0 outdated, 0 images to remove \(delete is off: nothing removed\); 1 line location, 1 failure, 2 planned steps not done/,
    );
    expect(text).not.toMatch(/Promoted to gold|Marked outdated/);
    expect(text).toMatch(new RegExp(`promote to gold\\s+next \\(${next.id}\\)\\s+failed \\(tag\\): see Failures`));
    expect(text).toMatch(new RegExp(`mark outdated\\s+old \\(${old.id}\\)\\s+not tried: an earlier step of this line failed`));
    expect(text).toMatch(/Failures:\n[\s\S]*next\s+tag\s+aws-prod: EC2 CreateTags in eu-west-1 failed with UnauthorizedOperation/);
    expect(reporter.markdowns[0]).toMatch(/## Image lifecycle\n\n0 promotions, 0 outdated/);
    // Nothing changed in the cloud: the old gold is still gold and not deprecated.
    expect(old.tags['ib-channel']).toBe('gold');
    expect(next.tags['ib-channel']).toBe('candidate');
    expect(h.fake.count('EnableImageDeprecation')).toBe(0);
  });
});
