/**
 * The inventory fan-out holds only this topology's images: every tool tag,
 * ib-cloud this cloud, ib-owner this topology's owner. Images of another
 * owner, tagged by hand, or (unless adopted) without an owner are left out
 * and counted in one line per cloud. Against the EC2 fake, one account.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { openClouds } from '../../src/commands/clouds.js';
import { imageTags, TAGS } from '../../src/images/index.js';
import { parseInputs } from '../../src/io/inputs.js';
import type { Topology } from '../../src/topology/model.js';
import { awsCloud, startAwsHarness, type AwsHarness } from '../fakes/aws/harness.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, tempDir } from '../helpers/tree.js';

let aws: AwsHarness | undefined;
afterEach(async () => {
  await aws?.close();
  aws = undefined;
});
afterAll(removeTempDirs);

function topology(extra: Partial<Topology> = {}): Topology {
  const dir = tempDir();
  return {
    version: 1,
    file: path.join(dir, 'topology.yml'),
    dir,
    images: { base: { playbooks: [] } },
    sources: {},
    clouds: [awsCloud()],
    lifecycle: { keep: 3, retired: [] },
    namespace: 'team-a',
    ...extra,
  };
}

const inputs = () => parseInputs((name) => (name === 'command' ? 'plan' : ''));

async function seeded() {
  aws = await startAwsHarness();
  const h = aws;
  const tags = (owner?: string, cloud = 'aws-prod') => imageTags({ fingerprint: 'f1', image: 'base', os: 'debian12', cloud, owner });
  const seed = (name: string, t: Record<string, string>, region = 'eu-west-1') => h.fake.state.seedImage({ region, name, tags: t }).id;
  return {
    h,
    ours: seed('ours', tags('team-a')),
    oursUs: seed('ours', tags('team-a'), 'us-east-1'),
    other: seed('theirs', tags('team-b')),
    unowned: seed('old', tags(undefined)),
    // Tagged by hand: image-builder, recipe and os, but no ib-cloud (nor fingerprint).
    byHand: seed('by-hand', { [TAGS.managedBy]: 'true', [TAGS.recipe]: 'base', [TAGS.os]: 'debian12' }),
    staging: seed('staging', tags('team-a', 'aws-staging')),
  };
}

describe('openClouds', () => {
  it("holds only this owner's images of this cloud, and says in one line per cloud what it left alone", async () => {
    const s = await seeded();
    const reporter = recorder();
    const open = await openClouds(topology(), inputs(), reporter, { providerFor: async () => s.h.provider }, { onFailure: 'throw' });
    const ids = (region: string) => open.inventory['aws-prod'].regions[region].map((r) => r.id);
    expect(ids('eu-west-1')).toEqual([s.ours]);
    expect(ids('us-east-1')).toEqual([s.oursUs]);
    expect(open.owner).toBe('team-a');
    // The image of another cloud in the account is not counted: it is simply not this cloud's.
    expect(reporter.warnings).toEqual([
      'cloud "aws-prod": 1 image of other owners left alone; 1 image without every image-builder tag (made by hand?) left alone; ' +
        "1 image without an ib-owner tag left alone: if they are this topology's (made before ib-owner existed), " +
        'add "aws-prod" to adopt: in the topology and run lifecycle to tag them',
    ]);
  });

  it('counts the images of a cloud it adopts without an owner as its own, and still never one tagged by hand', async () => {
    const s = await seeded();
    const reporter = recorder();
    const open = await openClouds(
      topology({ adopt: ['aws-prod'] }),
      inputs(),
      reporter,
      { providerFor: async () => s.h.provider },
      { onFailure: 'throw' },
    );
    expect(open.inventory['aws-prod'].regions['eu-west-1'].map((r) => r.id).sort()).toEqual([s.ours, s.unowned].sort());
    expect(reporter.warnings).toEqual([]);
    expect(reporter.infos).toContain(
      'cloud "aws-prod": 1 image of other owners left alone; 1 image without every image-builder tag (made by hand?) left alone',
    );
  });

  it('says nothing when every image is its own', async () => {
    aws = await startAwsHarness();
    const h = aws;
    h.fake.state.seedImage({
      region: 'eu-west-1',
      name: 'ours',
      tags: imageTags({ fingerprint: 'f1', image: 'base', os: 'debian12', cloud: 'aws-prod', owner: 'team-a' }),
    });
    const reporter = recorder();
    const open = await openClouds(topology(), inputs(), reporter, { providerFor: async () => h.provider }, { onFailure: 'throw' });
    expect(open.inventory['aws-prod'].regions['eu-west-1']).toHaveLength(1);
    expect([...reporter.infos, ...reporter.warnings].filter((l) => l.includes('left alone'))).toEqual([]);
  });
});
