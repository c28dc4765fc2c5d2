import { AWS_ACCOUNT, CLOUD_NAME, topologySchema, toText } from '../../src/topology/schema.js';

const minimal = {
  version: 1,
  images: { base: { playbooks: ['p.yml'] } },
  sources: { debian12: { local: { suite: 'bookworm' } } },
  clouds: [{ name: 'lab', provider: 'local', regions: { rack1: { instances: [{ name: 'n', image: 'base', os: 'debian12' }] } } }],
};

function issues(data: unknown) {
  const result = topologySchema.safeParse(data);
  return result.success ? [] : result.error.issues.map((i) => ({ code: i.code, path: i.path.join('.') }));
}

describe('topologySchema', () => {
  it('fills defaults: lifecycle, count, share, azure version', () => {
    const out = topologySchema.parse({
      ...minimal,
      sources: { debian12: { azure: { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2' } } },
    });
    expect(out.lifecycle).toEqual({ keep: 3, retired: [] });
    expect(out.clouds[0].regions.rack1.instances[0].count).toBe(1);
    expect(out.clouds[0].share).toEqual({ accounts: [], public: false });
    expect(out.sources.debian12.azure?.version).toBe('latest');
  });

  it('is strict at every level', () => {
    expect(issues({ ...minimal, extra: 1 })).toEqual([{ code: 'unrecognized_keys', path: '' }]);
    expect(issues({ ...minimal, images: { base: { playbooks: [], foo: 1 } } })).toEqual([
      { code: 'unrecognized_keys', path: 'images.base' },
    ]);
    expect(issues({ ...minimal, lifecycle: { keep: 2, delete: true } })).toEqual([{ code: 'unrecognized_keys', path: 'lifecycle' }]);
  });

  it('needs ami or owner+name on AWS, family or image on GCP, suite or image locally', () => {
    const withSource = (s: object) => issues({ ...minimal, sources: { debian12: s } });
    expect(withSource({ aws: { ami: 'ami-1' } })).toEqual([]);
    expect(withSource({ aws: { owner: 'amazon', name: 'al2023-*' } })).toEqual([]);
    expect(withSource({ aws: { name: 'x' } })).toEqual([{ code: 'custom', path: 'sources.debian12.aws' }]);
    expect(withSource({ aws: { ami: 'ami-1', owner: 'amazon', name: 'x' } })).toEqual([{ code: 'custom', path: 'sources.debian12.aws' }]);
    expect(withSource({ gcp: { image: 'debian-12-v1', project: 'debian-cloud' } })).toEqual([]);
    expect(withSource({ gcp: { project: 'debian-cloud' } })).toEqual([{ code: 'custom', path: 'sources.debian12.gcp' }]);
    expect(withSource({ local: { image: 'https://example.org/d.qcow2' } })).toEqual([]);
    expect(withSource({ local: {} })).toEqual([{ code: 'custom', path: 'sources.debian12.local' }]);
  });

  it('checks counts, keep and disk sizes as positive whole numbers', () => {
    const withCount = (count: unknown) =>
      issues({
        ...minimal,
        clouds: [{ ...minimal.clouds[0], regions: { r: { instances: [{ name: 'n', image: 'base', os: 'debian12', count }] } } }],
      });
    expect(withCount(4)).toEqual([]);
    expect(withCount(0).map((i) => i.code)).toEqual(['too_small']);
    expect(withCount(1.5).map((i) => i.code)).toEqual(['invalid_type']);
    expect(issues({ ...minimal, lifecycle: { keep: 0 } }).map((i) => i.path)).toEqual(['lifecycle.keep']);
    expect(issues({ ...minimal, images: { base: { build: { disk_size_gb: 0 } } } }).map((i) => i.path)).toEqual([
      'images.base.build.disk_size_gb',
    ]);
  });

  it('requires a non-empty images map, at least one cloud and one region per cloud', () => {
    expect(issues({ ...minimal, images: {} })).toEqual([{ code: 'custom', path: 'images' }]);
    expect(issues({ ...minimal, clouds: [] })).toEqual([{ code: 'too_small', path: 'clouds' }]);
    expect(issues({ ...minimal, clouds: [{ ...minimal.clouds[0], regions: {} }] })).toEqual([{ code: 'custom', path: 'clouds.0.regions' }]);
  });
});

describe('names and ids', () => {
  it.each(['lab', 'aws-prod', 'a', 'a'.repeat(31), 'gcp-eu-2'])('accepts the cloud name %s', (name) => {
    expect(CLOUD_NAME.test(name)).toBe(true);
  });
  it.each(['Lab', 'aws_prod', '1lab', '-lab', 'a'.repeat(32), '', 'lab.eu'])('refuses the cloud name "%s"', (name) => {
    expect(CLOUD_NAME.test(name)).toBe(false);
  });
  it('knows an AWS account id', () => {
    expect(AWS_ACCOUNT.test('012345678901')).toBe(true);
    expect(AWS_ACCOUNT.test('12345678901')).toBe(false);
    expect(AWS_ACCOUNT.test('1234567890123')).toBe(false);
  });
  it('reads integers as their text, leaves anything else alone', () => {
    expect(toText(123456789012)).toBe('123456789012');
    expect(toText(1.5)).toBe(1.5);
    expect(toText('x')).toBe('x');
    expect(toText(null)).toBeNull();
  });
});
