import { describe, expect, it } from '@jest/globals';
import { driftCounts, driftRows } from '../../src/lifecycle/drift.js';
import { driftMarkdown, driftText } from '../../src/report/drift.js';

describe('drift', () => {
  const wanted = [
    { cloud: 'aws-prod', image: 'base', os: 'debian12', fingerprint: 'f-new', regions: ['us-east-1', 'eu-west-1', 'ap-south-1'] },
  ];
  const golds = [
    { cloud: 'aws-prod', image: 'base', os: 'debian12', regions: ['eu-west-1'], gold: { name: 'n', fingerprint: 'f-new' } },
    { cloud: 'aws-prod', image: 'base', os: 'debian12', regions: ['us-east-1'], gold: { name: 'o', fingerprint: 'f-old' } },
    { cloud: 'aws-prod', image: 'base', os: 'debian12', regions: ['ap-south-1'] },
    { cloud: 'aws-prod', image: 'other', os: 'debian12', regions: ['eu-west-1'], gold: { name: 'x', fingerprint: 'f-new' } },
  ];

  it('says per cloud, region and line whether the gold is current, outdated or missing', () => {
    const rows = driftRows(wanted, golds);
    expect(rows.map((r) => [r.region, r.status, r.gold?.name])).toEqual([
      ['ap-south-1', 'missing', undefined],
      ['eu-west-1', 'up to date', 'n'],
      ['us-east-1', 'outdated', 'o'],
    ]);
    expect(driftCounts(rows)).toEqual({ 'up to date': 1, outdated: 1, missing: 1 });
    expect(driftMarkdown(rows)).toContain('| aws-prod | us-east-1 | base | debian12 | ⚠️ outdated | o (f-old) | f-new |');
    expect(driftText(rows)).toMatch(/^Drift: 1 up to date, 1 outdated, 1 missing\n/);
  });

  it('counts a region without any image of the line as missing', () => {
    expect(driftRows(wanted, []).map((r) => r.status)).toEqual(['missing', 'missing', 'missing']);
    expect(driftMarkdown([])).toMatch(/no image line/);
  });
});
