import { describe, expect, it } from '@jest/globals';
import { lineLocations, verdictKey, withVerdicts } from '../../src/lifecycle/lines.js';
import type { ImageRecord } from '../../src/images/index.js';

const rec = (id: string, region: string, extra: Partial<ImageRecord> = {}): ImageRecord => ({
  id,
  name: `n-${id}`,
  cloud: 'c1',
  region,
  fingerprint: 'fa',
  image: 'base',
  os: 'debian12',
  state: 'available',
  channel: 'candidate',
  verified: 'unverified',
  createdAt: '2026-01-01T00:00:00.000Z',
  tags: {},
  ...extra,
});

describe('lineLocations', () => {
  it('keeps regions apart when every region has its own images (AWS, local)', () => {
    const locations = lineLocations('c1', {
      'us-east-1': [rec('ami-2', 'us-east-1')],
      'eu-west-1': [rec('ami-1', 'eu-west-1'), rec('ami-3', 'eu-west-1', { image: 'ctrl' })],
    });
    expect(locations.map((l) => [l.image, l.regions, l.records.map((r) => r.id)])).toEqual([
      ['base', ['eu-west-1'], ['ami-1']],
      ['base', ['us-east-1'], ['ami-2']],
      ['ctrl', ['eu-west-1'], ['ami-3']],
    ]);
  });

  it('merges regions that list the same resource (GCP global images, Azure gallery versions)', () => {
    const azure = lineLocations('c1', {
      westeurope: [rec('v1', 'westeurope'), rec('v2', 'westeurope')],
      eastus: [rec('v1', 'eastus')],
      uksouth: [rec('v3', 'uksouth')],
      northeurope: [rec('v3', 'northeurope'), rec('v2', 'northeurope')],
    });
    expect(azure).toHaveLength(1);
    expect(azure[0].regions).toEqual(['eastus', 'northeurope', 'uksouth', 'westeurope']);
    expect(azure[0].records.map((r) => r.id).sort()).toEqual(['v1', 'v2', 'v3']);

    const split = lineLocations('c1', { a: [rec('v1', 'a')], b: [rec('v1', 'b')], c: [rec('v9', 'c')] });
    expect(split.map((l) => l.regions)).toEqual([['a', 'b'], ['c']]);
  });

  it('takes only images of this cloud and of some recipe', () => {
    const locations = lineLocations('c1', { r: [rec('a', 'r', { cloud: 'other' }), rec('b', 'r', { image: '' }), rec('c', 'r')] });
    expect(locations.flatMap((l) => l.records.map((r) => r.id))).toEqual(['c']);
  });
});

describe('withVerdicts', () => {
  it('overlays recorded verdicts, never with unverified', () => {
    const verdicts = new Map([
      [verdictKey('c1', 'a'), 'passed' as const],
      [verdictKey('c1', 'b'), 'unverified' as const],
    ]);
    const out = withVerdicts(
      [rec('a', 'r'), rec('b', 'r', { fingerprint: 'fb', verified: 'failed' }), rec('c', 'r', { cloud: 'c2' })],
      verdicts,
    );
    expect(out.map((r) => r.verified)).toEqual(['passed', 'failed', 'unverified']);
  });

  it("keys a verdict by the image, so a rebuild's failed verification leaves the older build of the fingerprint alone", () => {
    const gold = rec('old', 'r', { channel: 'gold', verified: 'passed' });
    const rebuild = rec('new', 'r');
    const out = withVerdicts([gold, rebuild], new Map([[verdictKey('c1', 'new'), 'failed' as const]]));
    expect(out.map((r) => [r.id, r.verified])).toEqual([
      ['old', 'passed'],
      ['new', 'failed'],
    ]);
  });
});
