import { describe, expect, it } from '@jest/globals';
import { PICTURE_MAX_IMAGES, planPicture } from '../../src/report/plan-picture.js';
import type { Plan, PlannedImage } from '../../src/plan/types.js';

const image = (over: Partial<PlannedImage>): PlannedImage =>
  ({
    cloud: 'lab',
    provider: 'local',
    image: 'base',
    os: 'debian12',
    fingerprint: '0123456789abcdef0123456789abcdef',
    name: 'ib-base-debian12-0123456789abcdef',
    buildRegion: 'rack1',
    regions: ['rack1', 'rack2'],
    present: [],
    status: 'build',
    ...over,
  }) as PlannedImage;

const plan = (images: PlannedImage[], copies: Plan['copies'] = []): Plan =>
  ({ version: 1, topology: 't.yml', offline: false, images, builds: [], copies, retirements: [], notes: [] }) as unknown as Plan;

describe('planPicture', () => {
  it('draws each cloud, its images and what happens in each region', () => {
    const base = image({});
    const web = image({
      image: 'web',
      fingerprint: 'fedcba9876543210fedcba9876543210',
      regions: ['rack1'],
      present: ['rack1'],
      status: 'current',
    });
    const aws = image({
      cloud: 'aws-prod',
      provider: 'aws',
      buildRegion: 'eu-central-1',
      regions: ['ap-southeast-2'],
      fingerprint: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    });
    const copy = (i: PlannedImage, from: string, to: string) => ({ ...i, from, to, afterBuild: true });
    expect(planPicture(plan([base, web, aws], [copy(base, 'rack1', 'rack2'), copy(aws, 'eu-central-1', 'ap-southeast-2')]))).toBe(
      [
        'Images and regions:',
        'lab',
        '├─ base/debian12  0123456789ab',
        '│  ├─ rack1  build',
        '│  └─ rack2  copy from rack1',
        '└─ web/debian12  fedcba987654',
        '   └─ rack1  present',
        'aws-prod',
        '└─ base/debian12  aaaaaaaaaaaa',
        // Built where no instance runs: the build still shows, where the copy starts.
        '   ├─ eu-central-1    build (copied from here)',
        '   └─ ap-southeast-2  copy from eu-central-1',
      ].join('\n'),
    );
  });

  it('leaves out an empty plan and a plan too large to read', () => {
    expect(planPicture(plan([]))).toBeUndefined();
    const many = Array.from({ length: PICTURE_MAX_IMAGES + 1 }, (_, n) => image({ image: `r${n}` }));
    expect(planPicture(plan(many))).toBeUndefined();
  });
});
