import { describe, expect, it } from '@jest/globals';
import { planDistribution } from '../../src/distribute/rules.js';
import type { CloudInventory, FingerprintedImage } from '../../src/plan/types.js';
import { imageTags, type ImageRecord } from '../../src/images/index.js';
import type { Cloud } from '../../src/topology/model.js';

const cloud = (share = { accounts: [] as string[], public: false }): Cloud => ({
  name: 'aws-prod',
  provider: 'aws',
  build_region: 'eu-west-1',
  regions: {},
  share,
});
const image = (extra: Partial<FingerprintedImage> = {}): FingerprintedImage => ({
  cloud: 'aws-prod',
  provider: 'aws',
  image: 'base',
  os: 'debian12',
  fingerprint: 'fa',
  name: 'ib-base-debian12-fa',
  owner: 'acme-images-0123abcd',
  recipe: { name: 'base', playbooks: [], variables: {}, build: {}, lineage: [] },
  source: {},
  regions: ['ap-south-1', 'eu-west-1', 'us-east-1'],
  buildRegion: 'eu-west-1',
  target: cloud(),
  ...extra,
});
const rec = (id: string, region: string, extra: Partial<ImageRecord> = {}): ImageRecord => ({
  id,
  name: 'ib-base-debian12-fa',
  cloud: 'aws-prod',
  region,
  fingerprint: 'fa',
  image: 'base',
  os: 'debian12',
  state: 'available',
  channel: 'gold',
  verified: 'unverified',
  createdAt: '2026-01-01T00:00:00.000Z',
  tags: imageTags({ fingerprint: 'fa', image: 'base', os: 'debian12', cloud: 'aws-prod', channel: 'gold' }),
  ...extra,
});
const inventory = (regions: Record<string, ImageRecord[]>, scope: 'region' | 'global' = 'region'): Record<string, CloudInventory> => ({
  'aws-prod': { provider: 'aws', scope, regions },
});

describe('planDistribution', () => {
  it('copies from the build region to every region lacking the image, as a candidate with the verdict', () => {
    const d = planDistribution({
      images: [image()],
      inventory: inventory({ 'eu-west-1': [rec('ami-1', 'eu-west-1')], 'us-east-1': [], 'ap-south-1': [] }),
      results: [{ cloud: 'aws-prod', fingerprint: 'fa', verified: 'passed', region: 'eu-west-1', imageId: 'ami-1' }],
    });
    const [one] = d.images;
    expect(one.status).toBe('distribute');
    expect(one.copies.map((c) => [c.from, c.to, c.resume])).toEqual([
      ['eu-west-1', 'ap-south-1', false],
      ['eu-west-1', 'us-east-1', false],
    ]);
    expect(one.copies[0].tags).toMatchObject({ 'ib-channel': 'candidate', 'ib-verified': 'passed', 'ib-fingerprint': 'fa' });
    expect(one.copies[0].source).toMatchObject({ id: 'ami-1', channel: 'candidate', verified: 'passed' });
    expect(one.retag).toEqual({ 'ib-verified': 'passed' });
    expect(one.share).toEqual([]);
  });

  it('counts pending copies as present (resumed, not restarted) and ignores failed ones', () => {
    const d = planDistribution({
      images: [image({ target: cloud({ accounts: ['111122223333'], public: false }) })],
      inventory: inventory({
        'eu-west-1': [rec('ami-1', 'eu-west-1')],
        'us-east-1': [rec('ami-2', 'us-east-1', { state: 'pending' })],
        'ap-south-1': [rec('ami-3', 'ap-south-1', { state: 'failed' })],
      }),
      results: [],
    });
    expect(d.images[0].copies.map((c) => [c.to, c.resume])).toEqual([
      ['ap-south-1', false],
      ['us-east-1', true],
    ]);
    expect(d.images[0].retag).toBeUndefined();
    expect(d.images[0].share.map((r) => r.id)).toEqual(['ami-1']);
  });

  it('takes another available region as the source when the build region lacks it', () => {
    const d = planDistribution({ images: [image()], inventory: inventory({ 'us-east-1': [rec('ami-2', 'us-east-1')] }), results: [] });
    expect(d.images[0].copies.map((c) => `${c.from}->${c.to}`)).toEqual(['us-east-1->ap-south-1', 'us-east-1->eu-west-1']);
  });

  it('refuses failed verdicts, says what is not built or still pending, and lists results of other fingerprints', () => {
    const failed = planDistribution({
      images: [image()],
      inventory: inventory({ 'eu-west-1': [rec('ami-1', 'eu-west-1')] }),
      results: [
        { cloud: 'aws-prod', fingerprint: 'fa', verified: 'failed', region: 'eu-west-1', imageId: 'ami-1' },
        { cloud: 'aws-prod', fingerprint: 'old', verified: 'passed', region: 'eu-west-1', imageId: 'ami-0' },
      ],
    });
    expect(failed.images[0]).toMatchObject({ status: 'rejected', copies: [] });
    expect(failed.unmatched.map((r) => r.imageId)).toEqual(['ami-0']);
    expect(planDistribution({ images: [image()], inventory: inventory({}), results: [] }).images[0]).toMatchObject({ status: 'not-built' });
    const pending = planDistribution({
      images: [image()],
      inventory: inventory({ 'eu-west-1': [rec('ami-1', 'eu-west-1', { state: 'pending' })] }),
      results: [],
    });
    expect(pending.images[0].status).toBe('source-pending');
  });

  it('copies nothing in a global cloud and shares the one image once', () => {
    const records = [rec('img', 'europe-west1')];
    const d = planDistribution({
      images: [
        image({
          provider: 'gcp',
          regions: ['europe-west1', 'us-east1'],
          buildRegion: 'europe-west1',
          target: cloud({ accounts: ['group:a@x'], public: false }),
        }),
      ],
      inventory: inventory({ 'europe-west1': records, 'us-east1': records }, 'global'),
      results: [],
    });
    expect(d.images[0]).toMatchObject({ status: 'distribute', copies: [], present: ['europe-west1', 'us-east1'] });
    expect(d.images[0].share.map((r) => r.id)).toEqual(['img']);
  });
});
