import { describe, expect, it } from '@jest/globals';
import type { CopyJob, ImageDistribution } from '../../src/distribute/rules.js';
import type { ImageRecord } from '../../src/images/index.js';
import {
  distributeMarkdown,
  distributeMermaid,
  distributeText,
  formatTags,
  type DistributeReport,
} from '../../src/report/distribute-summary.js';

const source = { id: 'ami-1', region: 'eu-west-1' } as ImageRecord;
const job = (to: string): CopyJob => ({
  cloud: 'aws-prod',
  image: 'base',
  os: 'debian12',
  name: 'ib-base',
  fingerprint: 'f1',
  from: 'eu-west-1',
  to,
  source,
  tags: {},
  resume: false,
});
const image: ImageDistribution = {
  cloud: 'aws-prod',
  provider: 'aws',
  image: 'base',
  os: 'debian12',
  name: 'ib-base',
  fingerprint: 'f1',
  buildRegion: 'eu-west-1',
  regions: ['eu-west-1', 'us-east-1', 'ap-south-1'],
  scope: 'region',
  status: 'distribute',
  verdict: 'passed',
  source,
  present: ['eu-west-1'],
  copies: [job('us-east-1'), job('ap-south-1')],
  share: [],
  sharing: { accounts: [], public: false },
  built: true,
};
const report = (dryRun: boolean): DistributeReport => ({
  dryRun,
  distribution: {
    images: [
      image,
      { ...image, image: 'ctrl', name: 'ib-ctrl', fingerprint: 'f2', status: 'rejected', reason: 'failed verification', copies: [] },
    ],
    unmatched: [],
  },
  outcomes: dryRun
    ? []
    : [
        { job: job('us-east-1'), ok: true, seconds: 301.25 },
        { job: job('ap-south-1'), ok: false, seconds: 2, error: 'copy failed: denied' },
      ],
  failures: dryRun ? [] : [{ cloud: 'aws-prod', region: 'ap-south-1', name: 'ib-base', step: 'copy', message: 'copy failed: denied' }],
  plannedCopies: image.copies,
});

describe('distribute summary', () => {
  it('tables copies with durations, failures and what was not distributed', () => {
    const md = distributeMarkdown(report(false));
    expect(md).toMatch(/^## Image distribution\n\n1 copy made, 1 failure; 2 images, 1 not distributed/);
    expect(md).toContain('| aws-prod | base | debian12 | ok | passed | eu-west-1 ami-1 | us-east-1 301.3 s | eu-west-1 | ap-south-1 |');
    expect(md).toContain('| aws-prod | ap-south-1 | ib-base | copy | copy failed: denied |');
    expect(md).toContain('| aws-prod | ib-ctrl | failed verification |');
    expect(distributeText(report(false))).toMatch(/Failures:\ncloud +region/);
  });

  it('draws copies, failures and dry-run intentions in mermaid', () => {
    const live = distributeMermaid(report(false)) as string;
    expect(live).toContain('c0i0 -->|301.3 s| c0r2');
    expect(live).toContain('c0i0 -. failed .-> c0r0');
    expect(live).toContain('c0i0 -.- c0r1');
    expect(distributeMermaid(report(true))).toContain('c0i0 -->|would copy| c0r2');
    expect(distributeText(report(true))).toMatch(/^dry run: 2 copies would be made, nothing changed/);
    expect(formatTags({ b: '2', a: '1' })).toBe('a=1, b=2');
  });

  it('counts and names an image held back because it is not verified, in a dry run too', () => {
    const why = 'not verified: the verify step did not pass for ib-base-2 (ami-2 in eu-west-1, ib-verified=unverified); run verify';
    const held: ImageDistribution = {
      ...image,
      name: 'ib-base-2',
      fingerprint: 'f3',
      status: 'held',
      verdict: 'unverified',
      reason: why,
      copies: [],
    };
    for (const dryRun of [true, false]) {
      const r = report(dryRun);
      r.distribution.images.push(held);
      expect(distributeText(r)).toMatch(/; 3 images, 2 not distributed \(1 held back: not verified\)\n/);
      expect(distributeText(r)).toMatch(
        /Not distributed:\n[\s\S]*aws-prod\s+ib-base-2\s+not verified: the verify step did not pass for ib-base-2/,
      );
      const md = distributeMarkdown(r);
      expect(md).toContain(`| aws-prod | ib-base-2 | ${why} |`);
      expect(md).toContain('| aws-prod | base | debian12 | held | unverified | eu-west-1 ami-1 | - |');
    }
    expect(distributeText(report(false))).not.toMatch(/held back/);
  });
});
