/**
 * `image-builder status`: what the local store and the EC2 fake hold, line by
 * line and region by region, with what the next plan and lifecycle would do;
 * its JSON is checked against what was seeded, and its text against the JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { runStatus } from '../../src/commands/status.js';
import { parseInputs, type Inputs } from '../../src/io/inputs.js';
import { TAGS, imageTags } from '../../src/images/index.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { loadTopology } from '../../src/topology/index.js';
import { fingerprinted } from '../../src/plan/images.js';
import { statusText } from '../../src/report/status.js';
import { UsageError } from '../../src/io/usage.js';
import { startEc2Fake, type Ec2Fake } from '../fakes/aws/server.js';
import { recorder } from '../helpers/reporter.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

const ROOT = process.cwd();
const NOW = new Date('2025-06-11T00:00:00.000Z');
const ENV_KEYS = [
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_PROFILE',
] as const;
const saved = ENV_KEYS.map((k) => process.env[k]);

let ec2: Ec2Fake;
beforeAll(async () => {
  ec2 = await startEc2Fake({ account: '123456789012' });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_EC2: ec2.url,
    AWS_ACCESS_KEY_ID: 'AKIDFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
});
afterAll(async () => {
  await ec2.close();
  ENV_KEYS.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i])));
  removeTempDirs();
});

const topology = (ami: string) => `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
  web:
    extends: base
    variables: { packages: [nginx-light] }
sources:
  debian12:
    local: { image: base/base.qcow2 }
    aws: { ami: ${ami} }
clouds:
  - name: lab
    provider: local
    store: store
    build_region: rack1
    regions:
      rack1: { instances: [ { name: n, image: base, os: debian12 }, { name: w, image: web, os: debian12 } ] }
      rack2: { instances: [ { name: n, image: base, os: debian12 } ] }
  - name: aws-prod
    provider: aws
    account: "123456789012"
    build_region: eu-west-1
    regions:
      eu-west-1: { instances: [ { name: n, image: base, os: debian12 } ] }
      ap-southeast-2: { instances: [ { name: n, image: base, os: debian12 } ] }
lifecycle:
  keep: 3
`;

async function setup() {
  const source = ec2.state.seedImage({ region: 'eu-west-1', name: 'debian-12-amd64-20250101', ownerId: '136693071363' });
  const dir = writeTree({ 'base/vmlinuz': 'k', 'base/initrd.img': 'i', 'topology.yml': topology(source.id) });
  cpSync(path.join(ROOT, 'playbooks'), path.join(dir, 'playbooks'), { recursive: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(dir, 'base/base.qcow2'), '1M']);
  const inputs: Inputs = parseInputs((n) => ({ topology: path.join(dir, 'topology.yml'), results: path.join(dir, 'results') })[n] ?? '');
  const loaded = await loadTopology(inputs.topology);
  const images = Object.fromEntries(fingerprinted(loaded, inputs).map((i) => [`${i.cloud}/${i.image}`, i]));
  const owner = images['lab/base'].owner;
  const tags = (cloud: string, image: string, fingerprint: string, channel: string, verified: string) => ({
    ...imageTags({ fingerprint, image, os: 'debian12', cloud, owner }),
    [TAGS.channel]: channel,
    [TAGS.verified]: verified,
  });
  return { dir, inputs, images, tags, loaded };
}

describe('status', () => {
  it('reports, per cloud, region and line, what the store and the EC2 fake hold, and what comes next', async () => {
    const { dir, inputs, images, tags, loaded } = await setup();
    const base = images['lab/base'];
    const awsBase = images['aws-prod/base'];
    // local: base is gold and current in rack1; web has only a candidate; a line the topology dropped.
    const lab = new LocalProvider(loaded.clouds[0], { baseDir: dir });
    const disk = path.join(dir, 'base', 'base.qcow2');
    const add = (name: string, image: string, fingerprint: string, channel: 'gold' | 'candidate', createdAt: string) =>
      lab.add(
        {
          name,
          cloud: 'lab',
          region: 'rack1',
          fingerprint,
          image,
          os: 'debian12',
          state: 'available',
          channel,
          verified: 'passed',
          createdAt,
          tags: tags('lab', image, fingerprint, channel, 'passed'),
        },
        { 'image.qcow2': disk },
      );
    const gold = await add(base.name, 'base', base.fingerprint, 'gold', '2025-06-01T00:00:00.000Z');
    const webCandidate = await add(images['lab/web'].name, 'web', images['lab/web'].fingerprint, 'candidate', '2025-06-10T12:00:00.000Z');
    await add('ib-legacy-debian12-1', 'legacy', 'c'.repeat(32), 'gold', '2025-01-01T00:00:00.000Z');
    // aws: an old gold, a verified candidate of the current fingerprint, a failed one; a copy under way.
    const old = ec2.state.seedImage({
      region: 'eu-west-1',
      name: 'ib-base-debian12-old',
      creationDate: '2025-05-01T00:00:00.000Z',
      tags: tags('aws-prod', 'base', 'a'.repeat(32), 'gold', 'passed'),
    });
    const current = ec2.state.seedImage({
      region: 'eu-west-1',
      name: awsBase.name,
      creationDate: '2025-06-10T00:00:00.000Z',
      tags: tags('aws-prod', 'base', awsBase.fingerprint, 'candidate', 'passed'),
    });
    const broken = ec2.state.seedImage({
      region: 'eu-west-1',
      name: 'ib-base-debian12-broken',
      creationDate: '2025-06-05T00:00:00.000Z',
      tags: tags('aws-prod', 'base', 'b'.repeat(32), 'candidate', 'failed'),
    });
    const copying = ec2.state.seedImage({
      region: 'ap-southeast-2',
      name: awsBase.name,
      state: 'pending',
      creationDate: '2025-06-10T01:00:00.000Z',
      tags: tags('aws-prod', 'base', awsBase.fingerprint, 'candidate', 'passed'),
    });

    const r = recorder();
    const status = await runStatus(inputs, r, { now: () => NOW });
    expect(status.failures).toEqual([]);
    const du = (name: string) =>
      Number(execFileSync('du', ['-sB1', path.join(dir, 'store', 'rack1', name)], { encoding: 'utf8' }).split('\t')[0]);
    const brief = (
      rec: { name: string; id: string; fingerprint: string },
      createdAt: string,
      ageDays: number,
      verified = 'passed',
      state = 'available',
    ) => ({
      name: rec.name,
      id: rec.id,
      fingerprint: rec.fingerprint,
      verified,
      state,
      createdAt,
      ageDays,
    });
    const none = { gold: null, candidates: [], outdated: 0, failed: 0, pending: 0, images: 0 };

    expect(status.clouds).toEqual([
      {
        cloud: 'lab',
        provider: 'local',
        regions: [
          {
            region: 'rack1',
            lines: [
              {
                image: 'base',
                os: 'debian12',
                wanted: base.fingerprint,
                ...none,
                images: 1,
                gold: brief(gold, '2025-06-01T00:00:00.000Z', 10),
                drift: 'up to date',
                storageBytes: du(gold.name),
                next: ['nothing'],
              },
              {
                image: 'legacy',
                os: 'debian12',
                wanted: null,
                ...none,
                images: 1,
                gold: brief(
                  { name: 'ib-legacy-debian12-1', id: 'rack1/ib-legacy-debian12-1', fingerprint: 'c'.repeat(32) },
                  '2025-01-01T00:00:00.000Z',
                  161,
                ),
                drift: 'not in topology',
                storageBytes: du('ib-legacy-debian12-1'),
                next: ['kept: add "legacy" to lifecycle.retired to remove its images'],
              },
              {
                image: 'web',
                os: 'debian12',
                wanted: images['lab/web'].fingerprint,
                ...none,
                images: 1,
                candidates: [brief(webCandidate, '2025-06-10T12:00:00.000Z', 0.5)],
                drift: 'missing',
                storageBytes: du(webCandidate.name),
                next: [`lifecycle promotes ${webCandidate.name}`],
              },
            ],
          },
          {
            region: 'rack2',
            lines: [
              {
                image: 'base',
                os: 'debian12',
                wanted: base.fingerprint,
                ...none,
                drift: 'missing',
                storageBytes: 0,
                next: ['copy from rack1'],
              },
            ],
          },
        ],
      },
      {
        cloud: 'aws-prod',
        provider: 'aws',
        regions: [
          {
            region: 'ap-southeast-2',
            lines: [
              {
                image: 'base',
                os: 'debian12',
                wanted: awsBase.fingerprint,
                ...none,
                images: 1,
                candidates: [brief({ ...copying, fingerprint: awsBase.fingerprint }, '2025-06-10T01:00:00.000Z', 1, 'passed', 'pending')],
                pending: 1,
                drift: 'missing',
                storageBytes: null,
                next: ['nothing'],
              },
            ],
          },
          {
            region: 'eu-west-1',
            lines: [
              {
                image: 'base',
                os: 'debian12',
                wanted: awsBase.fingerprint,
                images: 3,
                gold: brief({ ...old, fingerprint: 'a'.repeat(32) }, '2025-05-01T00:00:00.000Z', 41),
                candidates: [
                  brief({ ...current, fingerprint: awsBase.fingerprint }, '2025-06-10T00:00:00.000Z', 1),
                  brief({ ...broken, fingerprint: 'b'.repeat(32) }, '2025-06-05T00:00:00.000Z', 6, 'failed'),
                ],
                outdated: 0,
                failed: 1,
                pending: 0,
                drift: 'outdated',
                storageBytes: null,
                next: [`lifecycle promotes ${awsBase.name}`, 'lifecycle marks 1 outdated'],
              },
            ],
          },
        ],
      },
    ]);
    expect(status.plan).toEqual({ builds: 0, copies: 1, retirements: 0, images: 3 });
    // The text is the same data, a table per cloud, after a headline.
    expect(r.infos.at(-1)).toBe(statusText(status));
    expect(statusText(status).split('\n')[0]).toBe(
      '6 image lines in 2 clouds: 1 up to date, 1 outdated, 3 missing, 1 not in the topology; next plan: 0 builds, 1 copy, 0 retirements',
    );
    expect(statusText(status)).toMatch(
      /^rack1 +base\/debian12 +ib-base-debian12-\S+ \(10 d\) +0 +0 +0 +0 +up to date +\d+(\.\d)? (KiB|MiB) +nothing$/m,
    );
  });

  it('refuses --clouds that match no cloud, with a suggestion', async () => {
    const { inputs } = await setup();
    await expect(runStatus({ ...inputs, clouds: ['aws-prd'] }, recorder())).rejects.toThrow(
      new UsageError(`clouds "aws-prd" matches no cloud of ${inputs.topology} — did you mean "aws-prod"?`),
    );
  });
});
