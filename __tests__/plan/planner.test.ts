import { plan } from '../../src/plan/planner.js';
import type { BaseState, CloudInventory, FingerprintedImage } from '../../src/plan/types.js';
import { baseKey } from '../../src/plan/planner.js';
import { baseState } from '../../src/plan/reasons.js';
import type { ImageRecord } from '../../src/images/index.js';
import type { ProviderName } from '../../src/topology/model.js';

function image(cloud: string, provider: ProviderName, recipe: string, regions: string[], fp: string): FingerprintedImage {
  return {
    cloud,
    provider,
    image: recipe,
    os: 'debian12',
    fingerprint: fp,
    name: `ib-${recipe}-${fp}`,
    owner: 'acme-images-0123abcd',
    recipe: { name: recipe, playbooks: [], variables: {}, build: {}, lineage: [] },
    source: {},
    regions,
    buildRegion: regions[0],
    target: { name: cloud, provider, build_region: regions[0], regions: {}, share: { accounts: [], public: false } },
  };
}

function record(region: string, fp: string, extra: Partial<ImageRecord> = {}): ImageRecord {
  return {
    id: `id-${region}-${fp}`,
    name: `n-${fp}`,
    cloud: 'c',
    region,
    fingerprint: fp,
    image: 'base',
    os: 'debian12',
    state: 'available',
    channel: 'candidate',
    verified: 'passed',
    createdAt: '2026-01-01T00:00:00Z',
    tags: {},
    ...extra,
  };
}

const inv = (provider: ProviderName, regions: Record<string, ImageRecord[]>, scope: 'region' | 'global' = 'region'): CloudInventory => ({
  provider,
  scope,
  regions,
});

describe('plan', () => {
  const three = image('aws-prod', 'aws', 'base', ['eu-central-1', 'us-east-1', 'us-west-2'], 'fpA');

  it('builds what no region holds, and copies it to the other regions after the build', () => {
    const p = plan({
      topology: 't',
      images: [three],
      inventory: { 'aws-prod': inv('aws', { 'eu-central-1': [], 'us-east-1': [], 'us-west-2': [] }) },
      retired: [],
    });
    expect(p.builds.map((b) => [b.name, b.region])).toEqual([['ib-base-fpA', 'eu-central-1']]);
    expect(p.copies.map((c) => [c.from, c.to, c.afterBuild])).toEqual([
      ['eu-central-1', 'us-east-1', true],
      ['eu-central-1', 'us-west-2', true],
    ]);
    expect(p.images[0].status).toBe('build');
    expect(p.offline).toBe(false);
  });

  it('copies only into regions that lack an image present elsewhere', () => {
    const p = plan({
      topology: 't',
      images: [three],
      retired: [],
      inventory: {
        'aws-prod': inv('aws', {
          'eu-central-1': [record('eu-central-1', 'fpA')],
          'us-east-1': [record('us-east-1', 'fpA')],
          'us-west-2': [record('us-west-2', 'other')],
        }),
      },
    });
    expect(p.builds).toEqual([]);
    expect(p.copies).toEqual([
      expect.objectContaining({ from: 'eu-central-1', to: 'us-west-2', afterBuild: false, sourceId: 'id-eu-central-1-fpA' }),
    ]);
    expect(p.images[0]).toMatchObject({ status: 'copy', present: ['eu-central-1', 'us-east-1'] });
  });

  it('copies from another region when the build region lost its image', () => {
    const p = plan({
      topology: 't',
      images: [three],
      retired: [],
      inventory: { 'aws-prod': inv('aws', { 'us-east-1': [record('us-east-1', 'fpA')] }) },
    });
    expect(p.copies.map((c) => [c.from, c.to])).toEqual([
      ['us-east-1', 'eu-central-1'],
      ['us-east-1', 'us-west-2'],
    ]);
  });

  it('has nothing to do when every region holds the fingerprint (a pending copy counts)', () => {
    const p = plan({
      topology: 't',
      images: [three],
      retired: [],
      inventory: {
        'aws-prod': inv('aws', {
          'eu-central-1': [record('eu-central-1', 'fpA')],
          'us-east-1': [record('us-east-1', 'fpA', { state: 'pending' })],
          'us-west-2': [record('us-west-2', 'fpA', { state: 'deprecated' })],
        }),
      },
    });
    expect([p.builds.length, p.copies.length, p.images[0].status]).toEqual([0, 0, 'current']);
  });

  it('does not count a failed image as present', () => {
    const p = plan({
      topology: 't',
      images: [image('l', 'local', 'base', ['r1'], 'fpA')],
      retired: [],
      inventory: { l: inv('local', { r1: [record('r1', 'fpA', { state: 'failed' })] }) },
    });
    expect(p.builds).toHaveLength(1);
  });

  it('never copies global (GCP) images and says so', () => {
    const g = image('gcp-prod', 'gcp', 'base', ['europe-west1', 'us-central1'], 'fpG');
    const empty = plan({
      topology: 't',
      images: [g],
      retired: [],
      inventory: { 'gcp-prod': inv('gcp', { 'europe-west1': [], 'us-central1': [] }, 'global') },
    });
    expect([empty.builds.length, empty.copies.length]).toEqual([1, 0]);
    expect(empty.notes).toContain('gcp-prod: gcp images are global, nothing to copy between regions');
  });

  it('offline: everything is missing, nothing is retired', () => {
    const p = plan({ topology: 't', images: [three, image('lab', 'local', 'base', ['r1'], 'fpL')], retired: ['base'] });
    expect(p.offline).toBe(true);
    expect(p.builds).toHaveLength(2);
    expect(p.copies).toHaveLength(2);
    expect(p.retirements).toEqual([]);
  });

  it('force builds what exists', () => {
    const p = plan({
      topology: 't',
      images: [three],
      retired: [],
      force: true,
      inventory: { 'aws-prod': inv('aws', { 'eu-central-1': [record('eu-central-1', 'fpA')] }) },
    });
    expect(p.builds).toHaveLength(1);
  });

  it('retires images of retired recipes in every region, once per image for global clouds', () => {
    const old = (region: string, id: string) => record(region, 'fpOld', { image: 'legacy', id, name: id });
    const p = plan({
      topology: 't',
      images: [three],
      retired: ['legacy'],
      inventory: {
        'aws-prod': inv('aws', {
          'eu-central-1': [record('eu-central-1', 'fpA'), old('eu-central-1', 'ami-1')],
          'us-east-1': [old('us-east-1', 'ami-2')],
        }),
        'gcp-prod': inv('gcp', { a: [old('a', 'img-1')], b: [old('b', 'img-1')] }, 'global'),
      },
    });
    expect(p.retirements.map((r) => [r.cloud, r.provider, r.region, r.id])).toEqual([
      ['aws-prod', 'aws', 'eu-central-1', 'ami-1'],
      ['aws-prod', 'aws', 'us-east-1', 'ami-2'],
      ['gcp-prod', 'gcp', 'a', 'img-1'],
    ]);
  });

  it('notes an image whose every copy failed verification, without rebuilding it', () => {
    const l = image('lab', 'local', 'base', ['r1'], 'fpA');
    const p = plan({
      topology: 't',
      images: [l],
      retired: [],
      inventory: { lab: inv('local', { r1: [record('r1', 'fpA', { verified: 'failed' })] }) },
    });
    expect(p.builds).toEqual([]);
    expect(p.notes[0]).toMatch(/lab\/ib-base-fpA failed verification/);
  });

  it('notes an image held back because it was never verified, unless its recipe opts out', () => {
    const held = (verify?: false) => {
      const l = image('lab', 'local', 'base', ['r1'], 'fpA');
      const config = verify === false ? { ...l, recipe: { ...l.recipe, verify } } : l;
      return plan({
        topology: 't',
        images: [config],
        retired: [],
        inventory: { lab: inv('local', { r1: [record('r1', 'fpA', { verified: 'unverified' })] }) },
      });
    };
    expect(held().builds).toEqual([]);
    expect(held().notes).toEqual([expect.stringMatching(/^lab\/ib-base-fpA is not verified .*held back from distribution and promotion/)]);
    expect(held(false).notes).toEqual([]);
  });

  it("matches on fingerprint only within the image's own cloud", () => {
    const a = image('one', 'local', 'base', ['r1'], 'fpA');
    const b = image('two', 'local', 'base', ['r1'], 'fpA');
    const p = plan({
      topology: 't',
      images: [a, b],
      retired: [],
      inventory: { one: inv('local', { r1: [record('r1', 'fpA')] }), two: inv('local', { r1: [] }) },
    });
    expect(p.builds.map((x) => x.cloud)).toEqual(['two']);
  });

  describe('keeping images current', () => {
    const resolved = (id: string): BaseState => baseState({ id, name: `name-${id}`, created: '2026-02-01T00:00:00.000Z', pinned: false });
    const builtOn = (region: string, fp: string, sourceId: string, extra: Partial<ImageRecord> = {}) =>
      record(region, fp, { tags: { 'ib-source-id': sourceId, 'ib-built-at': '2026-01-10T00:00:00.000Z' }, ...extra });
    const held = (sourceId: string) =>
      inv('aws', {
        'eu-central-1': [builtOn('eu-central-1', 'fpA', sourceId)],
        'us-east-1': [builtOn('us-east-1', 'fpA', sourceId)],
        'us-west-2': [builtOn('us-west-2', 'fpA', sourceId)],
      });

    it('rebuilds a held fingerprint whose base moved, copies it to every other region again, and says why', () => {
      const other = { ...image('aws-prod', 'aws', 'web', ['eu-central-1'], 'fpW'), os: 'debian11' };
      const inventory = held('ami-old');
      inventory.regions['eu-central-1'].push(builtOn('eu-central-1', 'fpW', 'ami-11', { image: 'web', os: 'debian11' }));
      const p = plan({
        topology: 't',
        images: [three, other],
        retired: [],
        inventory: { 'aws-prod': inventory },
        bases: { [baseKey('aws-prod', 'debian12')]: resolved('ami-new'), [baseKey('aws-prod', 'debian11')]: resolved('ami-11') },
      });
      expect(p.builds).toEqual([
        expect.objectContaining({
          name: 'ib-base-fpA',
          resolved: { id: 'ami-new', name: 'name-ami-new', created: '2026-02-01T00:00:00.000Z', pinned: false },
          why: 'base image moved: ami-old -> ami-new (name-ami-new, 2026-02-01)',
        }),
      ]);
      expect(p.copies.map((c) => [c.to, c.afterBuild])).toEqual([
        ['us-east-1', true],
        ['us-west-2', true],
      ]);
      expect(p.images.map((i) => [i.image, i.status, i.present, i.reasons.map((r) => r.kind), i.newest])).toEqual([
        ['base', 'build', [], ['base-moved'], 'n-fpA'],
        ['web', 'current', ['eu-central-1'], [], 'n-fpW'],
      ]);
    });

    it('without a resolved base (offline, or a provider that cannot resolve) a held fingerprint stays current', () => {
      const p = plan({ topology: 't', images: [three], retired: [], inventory: { 'aws-prod': held('ami-old') } });
      expect([p.builds.length, p.images[0].base.state, p.images[0].base.text]).toEqual([
        0,
        'unresolved',
        'base image not resolved (not asked)',
      ]);
    });

    it('a line whose image has another fingerprint is compared with its newest image', () => {
      const p = plan({
        topology: 't',
        images: [three],
        retired: [],
        inventory: {
          'aws-prod': inv('aws', {
            'eu-central-1': [
              record('eu-central-1', 'fpOld', { name: 'older', createdAt: '2025-01-01T00:00:00Z' }),
              record('eu-central-1', 'fpOld2', { name: 'newer' }),
            ],
          }),
        },
      });
      expect(p.images[0]).toMatchObject({ status: 'build', newest: 'newer' });
      expect(p.images[0].reasons).toEqual([expect.objectContaining({ kind: 'inputs', since: 'newer' })]);
    });
  });
});
