/**
 * Whose an image is: every tool tag, this cloud in ib-cloud, this owner in
 * ib-owner; a missing ib-cloud is never this cloud.
 */
import { TAGS, fromTags, imageTags, ownership, REQUIRED_TAGS } from '../../src/images/index.js';

const BASE = { id: 'ami-1', name: 'n', region: 'eu-west-1', state: 'available', createdAt: '2026-01-01T00:00:00Z' } as const;
const OWNER = 'acme-images-0123abcd';
const full = (extra: Record<string, string> = {}) =>
  fromTags({ ...imageTags({ fingerprint: 'f1', image: 'base', os: 'debian12', cloud: 'aws-prod', owner: OWNER }), ...extra }, BASE);
const without = (key: string) => {
  const record = full();
  const tags = { ...record.tags };
  delete tags[key];
  return fromTags(tags, BASE);
};

describe('ownership', () => {
  it('is ours with every tool tag, this cloud and this owner', () => {
    expect(ownership(full(), 'aws-prod', OWNER)).toBe('ours');
  });

  it("is another owner's with another ib-owner, and unowned without one", () => {
    expect(ownership(full({ [TAGS.owner]: 'other-repo-89abcdef' }), 'aws-prod', OWNER)).toBe('other-owner');
    expect(ownership(without(TAGS.owner), 'aws-prod', OWNER)).toBe('unowned');
    expect(ownership(full({ [TAGS.owner]: '' }), 'aws-prod', OWNER)).toBe('unowned');
  });

  it("is another cloud's when ib-cloud names another cloud", () => {
    expect(ownership(full({ [TAGS.cloud]: 'aws-staging' }), 'aws-prod', OWNER)).toBe('other-cloud');
  });

  it('is incomplete without any one of the required tool tags, ib-cloud included', () => {
    expect(REQUIRED_TAGS).toEqual(['image-builder', 'ib-fingerprint', 'ib-recipe', 'ib-os', 'ib-cloud']);
    for (const key of REQUIRED_TAGS)
      expect({ key, whose: ownership(without(key), 'aws-prod', OWNER) }).toEqual({ key, whose: 'incomplete' });
    expect(ownership(full({ [TAGS.managedBy]: 'false' }), 'aws-prod', OWNER)).toBe('incomplete');
  });

  it("never takes an image tagged by hand (image-builder, recipe and os, no ib-cloud) for this cloud's", () => {
    const byHand = fromTags({ [TAGS.managedBy]: 'true', [TAGS.recipe]: 'base', [TAGS.os]: 'debian12' }, BASE);
    expect(ownership(byHand, 'aws-prod', OWNER)).toBe('incomplete');
  });
});
