/**
 * builtTimes: builtTime remembered per record for one pass over an
 * inventory, the same answers as builtTime, each record's tags read once;
 * newerBuild orders alike with it and without it.
 */
import { builtTime, builtTimes, newerBuild, newestOfLines } from '../../src/plan/built.js';
import { TAGS, type ImageRecord } from '../../src/images/index.js';

function rec(name: string, createdAt: string, builtAt?: string): ImageRecord {
  return {
    id: name,
    name,
    cloud: 'c',
    region: 'r1',
    image: 'base',
    os: 'debian12',
    fingerprint: 'f',
    state: 'available',
    channel: 'candidate',
    verified: 'unverified',
    createdAt,
    tags: builtAt === undefined ? {} : { [TAGS.builtAt]: builtAt },
  };
}

const RECORDS = [
  rec('a', '2025-01-01T00:00:00.000Z'),
  rec('b', '2025-03-01T00:00:00.000Z', '2024-12-01T00:00:00.000Z'),
  rec('c', '2025-01-01T00:00:00.000Z', '2025-02-01t10-00-00-000z'),
  rec('d', 'not a date'),
  rec('e', '', 'not a date either'),
  rec('f', '2025-01-01T00:00:00.000Z'),
];

describe('builtTimes', () => {
  it('answers what builtTime answers, for tags, label times, creation times and nothing readable', () => {
    const time = builtTimes();
    for (const r of RECORDS) expect(time(r)).toBe(builtTime(r));
    expect(RECORDS.map((r) => time(r))).toEqual([
      Date.parse('2025-01-01T00:00:00Z'),
      Date.parse('2024-12-01T00:00:00Z'),
      Date.parse('2025-02-01T10:00:00Z'),
      undefined,
      undefined,
      Date.parse('2025-01-01T00:00:00Z'),
    ]);
  });

  it('reads each record once however often it is asked', () => {
    let reads = 0;
    const counted = rec('x', '2025-01-01T00:00:00.000Z', '2025-05-01T00:00:00.000Z');
    const tags = counted.tags;
    Object.defineProperty(counted, 'tags', {
      get: () => {
        reads += 1;
        return tags;
      },
    });
    const time = builtTimes();
    for (let k = 0; k < 5; k++) expect(time(counted)).toBe(Date.parse('2025-05-01T00:00:00Z'));
    expect(reads).toBe(1);
    expect(builtTimes()(counted)).toBe(Date.parse('2025-05-01T00:00:00Z'));
    expect(reads).toBe(2);
  });

  it('orders builds as builtTime does, ties by name', () => {
    const time = builtTimes();
    for (const a of RECORDS) for (const b of RECORDS) expect(newerBuild(a, b, time)).toBe(newerBuild(a, b));
    expect(newerBuild(RECORDS[5], RECORDS[0], time)).toBe(true);
    expect(newestOfLines({ r1: RECORDS.slice(0, 3), r2: RECORDS.slice(3) }).get('base\u0000debian12')?.name).toBe('c');
  });
});
