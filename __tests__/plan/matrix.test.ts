import { chunkBuilds, selectChunk, GITHUB_MATRIX_LIMIT } from '../../src/plan/matrix.js';
import type { BuildCell } from '../../src/plan/types.js';

const cell = (i: number): BuildCell => ({
  cloud: 'c',
  provider: 'local',
  image: `r${i}`,
  os: 'debian12',
  fingerprint: `fp${i}`,
  name: `n${i}`,
  region: 'r',
  regions: ['r'],
});
const cells = (n: number) => Array.from({ length: n }, (_, i) => cell(i));

describe('matrix chunks', () => {
  it('keeps up to 256 cells in one chunk', () => {
    const chunks = chunkBuilds(cells(256));
    expect(chunks).toHaveLength(1);
    expect(selectChunk(chunks, undefined).include).toHaveLength(256);
  });

  it('gives one empty chunk for no builds', () => {
    expect(chunkBuilds([])).toEqual([[]]);
    expect(selectChunk(chunkBuilds([]), undefined)).toEqual({ include: [] });
  });

  it('splits 600 cells into chunks GitHub accepts, losing none', () => {
    const chunks = chunkBuilds(cells(600));
    expect(chunks.map((c) => c.length)).toEqual([256, 256, 88]);
    expect(chunks.flat().map((c) => c.image)).toEqual(cells(600).map((c) => c.image));
    for (let i = 0; i < chunks.length; i++) {
      expect(selectChunk(chunks, i).include.length).toBeLessThanOrEqual(GITHUB_MATRIX_LIMIT);
    }
  });

  it('refuses to pick a chunk silently when there are several, and says how', () => {
    expect(() => selectChunk(chunkBuilds(cells(300)), undefined)).toThrow(/300 builds.*`chunk: 0` to `chunk: 1`/);
  });

  it('rejects a chunk that does not exist and a size above the limit', () => {
    expect(() => selectChunk(chunkBuilds(cells(300)), 2)).toThrow('chunk 2 does not exist: this plan has chunks 0 to 1');
    expect(() => chunkBuilds(cells(3), 257)).toThrow('max-cells must be a whole number from 1 to 256, not 257');
  });

  it('honours a smaller max-cells', () => {
    expect(chunkBuilds(cells(5), 2).map((c) => c.length)).toEqual([2, 2, 1]);
  });
});
