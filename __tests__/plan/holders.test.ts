/** Which record stands for a region holding a fingerprint: state rank first, then the newest build. */
import { holders, indexHolders } from '../../src/plan/holders.js';
import type { ImageRecord, ImageState } from '../../src/images/index.js';
import type { CloudInventory } from '../../src/plan/types.js';

const rec = (id: string, state: ImageState, createdAt: string): ImageRecord => ({
  id,
  name: id,
  cloud: 'c',
  region: 'r1',
  fingerprint: 'fp',
  image: 'base',
  os: 'd',
  state,
  channel: 'candidate',
  verified: 'unverified',
  createdAt,
  tags: {},
});
const inventory = (records: ImageRecord[]): CloudInventory => ({ provider: 'aws', scope: 'region', regions: { r1: records } });

describe('holders', () => {
  it('ranks available over deprecated over pending, and never counts failed', () => {
    const index = indexHolders(
      inventory([
        rec('p', 'pending', '2026-03-01T00:00:00Z'),
        rec('a', 'available', '2026-01-01T00:00:00Z'),
        rec('f', 'failed', '2026-04-01T00:00:00Z'),
      ]),
    );
    expect(holders(index, 'fp').get('r1')?.id).toBe('a');
  });

  it('among images of the same state, the newest (a forced rebuild) stands for the region', () => {
    const index = indexHolders(
      inventory([
        rec('old', 'available', '2026-01-01T00:00:00Z'),
        rec('new', 'available', '2026-02-01T00:00:00Z'),
        rec('bad-date', 'available', 'not a date'),
      ]),
    );
    expect(holders(index, 'fp').get('r1')?.id).toBe('new');
  });

  it('a region holding only failed images does not hold the fingerprint', () => {
    expect(holders(indexHolders(inventory([rec('f', 'failed', '2026-01-01T00:00:00Z')])), 'fp').size).toBe(0);
  });
});
