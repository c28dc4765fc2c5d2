import { coveredWithin, describe as describeSummary, median, mergeIntervals, ratio, summarize } from '../../bench/lib/deploy-stats.js';

describe('median and spread', () => {
  it('takes the middle sample, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it("does not reorder the caller's samples", () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('refuses no samples', () => {
    expect(() => median([])).toThrow('no samples');
  });

  it('summarizes with min and max and prints seconds', () => {
    const s = summarize([61_000, 58_500, 70_250]);
    expect(s).toEqual({ n: 3, median: 61_000, min: 58_500, max: 70_250 });
    expect(describeSummary(s)).toBe('median 61.0 s (min-max 58.5-70.3 s, 3 runs)');
    expect(describeSummary(summarize([1000]))).toBe('median 1.0 s (min-max 1.0-1.0 s, 1 run)');
  });
});

describe('ratio', () => {
  it('divides two measured values', () => {
    expect(ratio(300, 100)).toBe(3);
  });

  it('refuses a zero or missing denominator instead of printing Infinity', () => {
    expect(() => ratio(5, 0)).toThrow('cannot divide');
    expect(() => ratio(5, Number.NaN)).toThrow('cannot divide');
  });
});

describe('intervals', () => {
  it('merges overlapping, nested and touching intervals and drops empty ones', () => {
    expect(
      mergeIntervals([
        [10, 20],
        [0, 5],
        [12, 15],
        [20, 25],
        [30, 30],
        [4, 6],
      ]),
    ).toEqual([
      [0, 6],
      [10, 25],
    ]);
  });

  it('counts nested child processes once', () => {
    // packer 0-100 runs qemu-img 10-20 and ansible 30-90 inside it
    expect(
      coveredWithin(
        [
          [0, 100],
          [10, 20],
          [30, 90],
        ],
        0,
        100,
      ),
    ).toBe(100);
  });

  it('clips to the stage and leaves gaps uncovered', () => {
    expect(
      coveredWithin(
        [
          [-50, 10],
          [40, 60],
          [90, 200],
        ],
        0,
        100,
      ),
    ).toBe(10 + 20 + 10);
    expect(coveredWithin([], 0, 100)).toBe(0);
  });
});
