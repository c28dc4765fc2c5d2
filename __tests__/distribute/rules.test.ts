import { describe, expect, it } from '@jest/globals';
import { planDistribution, type DistributionResult } from '../../src/distribute/rules.js';
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
  verified: 'passed',
  createdAt: '2026-01-01T00:00:00.000Z',
  tags: imageTags({ fingerprint: 'fa', image: 'base', os: 'debian12', cloud: 'aws-prod', channel: 'gold', verified: 'passed' }),
  ...extra,
});
/** A source that verify has not marked yet (its tag still says unverified). */
const unverified = (id: string, region: string, extra: Partial<ImageRecord> = {}): ImageRecord =>
  rec(id, region, {
    verified: 'unverified',
    tags: imageTags({ fingerprint: 'fa', image: 'base', os: 'debian12', cloud: 'aws-prod', channel: 'gold' }),
    ...extra,
  });
const result = (verified: 'passed' | 'failed' | 'unverified', extra: Partial<DistributionResult> = {}): DistributionResult => ({
  cloud: 'aws-prod',
  fingerprint: 'fa',
  verified,
  region: 'eu-west-1',
  imageId: 'ami-1',
  ...extra,
});
const inventory = (regions: Record<string, ImageRecord[]>, scope: 'region' | 'global' = 'region'): Record<string, CloudInventory> => ({
  'aws-prod': { provider: 'aws', scope, regions },
});

describe('planDistribution', () => {
  it('copies from the build region to every region lacking the image, as a candidate with the verdict', () => {
    const d = planDistribution({
      images: [image()],
      inventory: inventory({ 'eu-west-1': [unverified('ami-1', 'eu-west-1')], 'us-east-1': [], 'ap-south-1': [] }),
      results: [result('passed')],
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

  it("holds a rebuild of the fingerprint back when the only passing result is an older build's", () => {
    const older = rec('ami-1', 'eu-west-1', { name: 'ib-base-debian12-fa-20261001000000', createdAt: '2026-10-01T00:00:00.000Z' });
    const rebuild = unverified('ami-9', 'eu-west-1', { name: 'ib-base-debian12-fa-20261101000000', createdAt: '2026-11-01T00:00:00.000Z' });
    const d = planDistribution({
      images: [image()],
      inventory: inventory({ 'eu-west-1': [older, rebuild], 'us-east-1': [], 'ap-south-1': [] }),
      results: [result('passed', { imageId: 'ami-1' })],
    });
    expect(d.images[0]).toMatchObject({ status: 'held', verdict: 'unverified', copies: [] });
    expect(d.images[0].source?.id).toBe('ami-9');
    const verified = planDistribution({
      images: [image()],
      inventory: inventory({ 'eu-west-1': [older, rebuild], 'us-east-1': [], 'ap-south-1': [] }),
      results: [result('passed', { imageId: 'ami-9' })],
    });
    expect(verified.images[0]).toMatchObject({ status: 'distribute', verdict: 'passed' });
    expect(verified.images[0].copies.map((c) => c.source.id)).toEqual(['ami-9', 'ami-9']);
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

describe('planDistribution: only verified images leave their region', () => {
  const shared = image({ target: cloud({ accounts: ['111122223333'], public: false }) });
  const held = (records: ImageRecord[], results: DistributionResult[] = [], config = shared) =>
    planDistribution({ images: [config], inventory: inventory({ 'eu-west-1': records }), results }).images[0];

  it('holds back an unverified image (its verify step did not pass): no copy, no tag, no share, and says what to do', () => {
    const one = held([unverified('ami-1', 'eu-west-1')]);
    expect(one).toMatchObject({ status: 'held', verdict: 'unverified', copies: [], share: [] });
    expect(one.retag).toBeUndefined();
    expect(one.reason).toBe(
      'not verified: the verify step did not pass for ib-base-debian12-fa (ami-1 in eu-west-1, ib-verified=unverified); ' +
        'run verify, or set verify: false on the recipe "base" to opt out',
    );
    // a build result without a verdict (verify never ran, or did not finish) holds it back the same way
    expect(held([unverified('ami-1', 'eu-west-1')], [result('unverified')]).status).toBe('held');
  });

  it('names the error verify recorded when it reached no verdict', () => {
    const one = held([unverified('ami-1', 'eu-west-1')], [result('unverified', { verifyError: 'Timeout waiting for SSH.' })]);
    expect(one.status).toBe('held');
    expect(one.reason).toMatch(
      /^not verified: the verify step did not pass for ib-base-debian12-fa .*\(verify stopped: Timeout waiting for SSH\.\); run verify/,
    );
  });

  it('distributes a passed image, by its result or by the tag an earlier run wrote', () => {
    const byResult = held([unverified('ami-1', 'eu-west-1')], [result('passed')]);
    expect(byResult).toMatchObject({ status: 'distribute', verdict: 'passed', retag: { 'ib-verified': 'passed' } });
    expect(byResult.copies.map((c) => c.to)).toEqual(['ap-south-1', 'us-east-1']);
    expect(byResult.share.map((r) => r.id)).toEqual(['ami-1']);
    const byTag = held([rec('ami-1', 'eu-west-1')]);
    expect(byTag).toMatchObject({ status: 'distribute', verdict: 'passed' });
    expect(byTag.retag).toBeUndefined();
    expect(byTag.copies.map((c) => c.tags['ib-verified'])).toEqual(['passed', 'passed']);
  });

  it('copies an image that exists only as verified copies of an earlier run (no result, no build-region image)', () => {
    const d = planDistribution({
      images: [shared],
      inventory: inventory({ 'us-east-1': [rec('ami-2', 'us-east-1', { channel: 'candidate' })] }),
      results: [],
    });
    expect(d.images[0]).toMatchObject({ status: 'distribute', verdict: 'passed' });
    expect(d.images[0].copies.map((c) => `${c.from}->${c.to}:${c.tags['ib-verified']}`)).toEqual([
      'us-east-1->ap-south-1:passed',
      'us-east-1->eu-west-1:passed',
    ]);
  });

  it('never lets a result without a verdict undo a recorded one', () => {
    const one = held([rec('ami-1', 'eu-west-1')], [result('unverified')]);
    expect(one).toMatchObject({ status: 'distribute', verdict: 'passed' });
    expect(one.retag).toBeUndefined();
  });

  it('rejects a failed image, by its result or its tag, whatever the recipe says', () => {
    expect(held([rec('ami-1', 'eu-west-1')], [result('failed')])).toMatchObject({ status: 'rejected', copies: [], share: [] });
    const tagged = held([rec('ami-1', 'eu-west-1', { verified: 'failed' })]);
    expect(tagged).toMatchObject({ status: 'rejected', copies: [], share: [] });
    expect(tagged.reason).toMatch(/^failed verification: not distributed/);
    const optedOut = image({ recipe: { name: 'base', playbooks: [], variables: {}, build: {}, lineage: [], verify: false } });
    expect(held([rec('ami-1', 'eu-west-1', { verified: 'failed' })], [], optedOut).status).toBe('rejected');
  });

  it('distributes an unverified image when its recipe says verify: false, tagged unverified', () => {
    const optedOut = image({
      recipe: { name: 'base', playbooks: [], variables: {}, build: {}, lineage: [], verify: false },
      target: cloud({ accounts: ['111122223333'], public: false }),
    });
    const one = held([unverified('ami-1', 'eu-west-1')], [], optedOut);
    expect(one).toMatchObject({ status: 'distribute', verdict: 'unverified' });
    expect(one.copies.map((c) => c.tags['ib-verified'])).toEqual(['unverified', 'unverified']);
    expect(one.share.map((r) => r.id)).toEqual(['ami-1']);
    // a recipe naming its own playbook is held back like one naming none
    const named = image({ recipe: { name: 'base', playbooks: [], variables: {}, build: {}, lineage: [], verify: 'playbooks/verify.yml' } });
    expect(held([unverified('ami-1', 'eu-west-1')], [], named).status).toBe('held');
  });

  it('holds back an unverified global image: nothing is shared', () => {
    const records = [unverified('img', 'europe-west1')];
    const d = planDistribution({
      images: [
        image({
          provider: 'gcp',
          regions: ['europe-west1'],
          buildRegion: 'europe-west1',
          target: cloud({ accounts: ['group:a@x'], public: false }),
        }),
      ],
      inventory: inventory({ 'europe-west1': records }, 'global'),
      results: [],
    });
    expect(d.images[0]).toMatchObject({ status: 'held', share: [], copies: [] });
  });
});
