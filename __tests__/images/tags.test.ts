/**
 * The tag vocabulary: what a new image carries, how tags read back into an
 * ImageRecord, and that a key an earlier release spelled differently still
 * counts under its current spelling.
 */
import { LEGACY_TAGS, TAGS, currentTags, fromTags, imageTags } from '../../src/images/index.js';

const BASE = { id: 'i-1', name: 'n', region: 'r', state: 'available', createdAt: '2026-01-01T00:00:00Z' } as const;

describe('tags', () => {
  it('writes every tool key of a new image, candidate and unverified by default', () => {
    expect(imageTags({ fingerprint: 'f1', image: 'base', os: 'debian12', cloud: 'lab', builtAt: 'T', version: '1.2.3' })).toEqual({
      'image-builder': 'true',
      'ib-fingerprint': 'f1',
      'ib-recipe': 'base',
      'ib-os': 'debian12',
      'ib-cloud': 'lab',
      'ib-channel': 'candidate',
      'ib-verified': 'unverified',
      'ib-built-at': 'T',
      'ib-version': '1.2.3',
    });
  });

  it("writes the topology's owner as ib-owner", () => {
    expect(imageTags({ fingerprint: 'f1', image: 'base', os: 'debian12', cloud: 'lab', owner: 'acme-images-0123abcd' })).toMatchObject({
      [TAGS.owner]: 'acme-images-0123abcd',
    });
    expect(TAGS.owner).toBe('ib-owner');
  });

  it('reads the fields back, and unknown channel or verdict values as candidate and unverified', () => {
    const record = fromTags(
      { ...imageTags({ fingerprint: 'f1', image: 'base', os: 'd', cloud: 'lab' }), [TAGS.channel]: 'GOLD?', [TAGS.verified]: 'yes' },
      BASE,
    );
    expect(record).toMatchObject({ fingerprint: 'f1', image: 'base', os: 'd', cloud: 'lab', channel: 'candidate', verified: 'unverified' });
    expect(fromTags({ [TAGS.channel]: 'gold', [TAGS.verified]: 'passed' }, BASE)).toMatchObject({ channel: 'gold', verified: 'passed' });
  });

  it('has one spelling per key: no two concepts share a key and no legacy key is current', () => {
    const keys = Object.values(TAGS);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [legacy, current] of Object.entries(LEGACY_TAGS)) {
      expect(keys).not.toContain(legacy);
      expect(keys).toContain(current);
    }
  });

  it('reads the legacy ib-replaced-by as ib-replacement, the current key winning when both are there', () => {
    expect(fromTags({ 'ib-replaced-by': 'old-gold' }, BASE).tags[TAGS.replacement]).toBe('old-gold');
    expect(currentTags({ 'ib-replaced-by': 'a', 'ib-replacement': 'b' })[TAGS.replacement]).toBe('b');
    const untouched = { [TAGS.fingerprint]: 'f' };
    expect(currentTags(untouched)).toBe(untouched);
  });
});
