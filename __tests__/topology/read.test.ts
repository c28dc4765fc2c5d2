import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeTopology, firstInvalidUtf8, readTopologyBytes } from '../../src/topology/read.js';
import { TopologyError } from '../../src/topology/index.js';
import { MAX_TOPOLOGY_BYTES } from '../../src/topology/limits.js';
import { removeTempDirs, tempDir } from '../helpers/tree.js';

afterAll(removeTempDirs);

/** A small deterministic generator (xorshift), so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function problemOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof TopologyError) return error.problems[0];
    throw error;
  }
  throw new Error('no problem');
}

describe('firstInvalidUtf8', () => {
  it('agrees with TextDecoder (fatal) on 20,000 random byte strings', () => {
    const next = random(20261128);
    // Bytes drawn mostly from the interesting ranges: ASCII, continuation, lead bytes and their bounds.
    const pool = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    for (let n = 0; n < 20_000; n++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(next() * 8) }, () => pool[Math.floor(next() * pool.length)]);
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        valid = false;
      }
      const at = firstInvalidUtf8(bytes);
      expect([Array.from(bytes), at === -1]).toEqual([Array.from(bytes), valid]);
      // The bytes before the reported one decode on their own.
      if (at > 0) expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, at))).not.toThrow();
    }
  });

  it('accepts every kind of valid sequence', () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('a é € 𝄞 \u{10ffff}'))).toBe(-1);
  });
});

describe('decodeTopology', () => {
  it('points at the first bad byte, in characters of its line', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nmotd: "Grüße '), Buffer.from([0xe9]), Buffer.from('"\n')]);
    expect(problemOf(() => decodeTopology(bytes, 't.yml'))).toMatchObject({ line: 2, col: 14, message: expect.stringContaining('0xE9') });
  });

  it('drops a byte order mark, as the YAML positions do', () => {
    expect(decodeTopology(Buffer.from('\ufeffversion: 1\n'), 't.yml')).toBe('version: 1\n');
    const bytes = Buffer.concat([Buffer.from('\ufeffab'), Buffer.from([0xff])]);
    expect(problemOf(() => decodeTopology(bytes, 't.yml'))).toMatchObject({ line: 1, col: 3 });
  });
});

describe('readTopologyBytes', () => {
  it('reads a file of exactly the limit, refuses one byte more', async () => {
    const dir = tempDir();
    const file = path.join(dir, 't.yml');
    writeFileSync(file, Buffer.alloc(MAX_TOPOLOGY_BYTES, 0x20));
    expect((await readTopologyBytes(file)).length).toBe(MAX_TOPOLOGY_BYTES);
    writeFileSync(file, Buffer.alloc(MAX_TOPOLOGY_BYTES + 1, 0x20));
    await expect(readTopologyBytes(file)).rejects.toThrow(/more than the 5\.0 MiB a topology may be/);
  });
});
