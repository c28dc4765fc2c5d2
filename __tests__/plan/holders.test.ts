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

  describe('several builds of one fingerprint (force, a moved base image, rebuild_after)', () => {
    const build = (name: string, region: string, state: ImageState, builtAt: string, copiedAt = builtAt): ImageRecord => ({
      ...rec(`${name}@${region}`, state, copiedAt),
      name,
      region,
      tags: { 'ib-built-at': builtAt },
    });

    it('only regions holding the newest finished build hold the fingerprint, so the new build is copied to the others', () => {
      const index = indexHolders({
        provider: 'aws',
        scope: 'region',
        regions: {
          // The old build was copied later than the new one was built: the build time (ib-built-at), not the copy's, decides.
          r1: [build('old', 'r1', 'available', '2026-01-01T00:00:00Z'), build('new', 'r1', 'available', '2026-02-01T00:00:00Z')],
          r2: [build('old', 'r2', 'available', '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')],
        },
      });
      const held = holders(index, 'fp');
      expect([...held.keys()]).toEqual(['r1']);
      expect(held.get('r1')?.name).toBe('new');
    });

    it('a newer build still pending does not displace the finished one; a pending copy of the current build counts', () => {
      const index = indexHolders({
        provider: 'aws',
        scope: 'region',
        regions: {
          r1: [build('old', 'r1', 'available', '2026-01-01T00:00:00Z'), build('new', 'r1', 'pending', '2026-02-01T00:00:00Z')],
          r2: [build('old', 'r2', 'pending', '2026-01-01T00:00:00Z')],
        },
      });
      expect([...holders(index, 'fp')].map(([region, r]) => `${region}:${r.name}:${r.state}`)).toEqual([
        'r1:old:available',
        'r2:old:pending',
      ]);
    });

    it('reads build times written as GCP labels (2026-02-01t00-00-00-000z)', () => {
      const index = indexHolders({
        provider: 'gcp',
        scope: 'global',
        regions: {
          r1: [
            build('old', 'r1', 'available', '2026-01-01t00-00-00-000z'),
            build('new', 'r1', 'available', '2026-02-01t00-00-00-000z', '2025-01-01T00:00:00Z'),
          ],
        },
      });
      expect(holders(index, 'fp').get('r1')?.name).toBe('new');
    });
  });
});
