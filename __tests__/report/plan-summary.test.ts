/** The plan as the job summary and the terminal show it: why each build, and each source's base image. */
import { describe, expect, it } from '@jest/globals';
import { WHY_MAX, buildLines, planMarkdown, planText } from '../../src/report/plan-summary.js';
import type { BaseState, Plan, PlannedImage, Reason } from '../../src/plan/types.js';

const RESOLVED: BaseState = {
  state: 'resolved',
  resolved: { id: 'ami-2', name: 'debian-12-amd64-20240210', created: '2024-02-10T00:00:00Z', pinned: false },
  text: 'base image ami-2 (debian-12-amd64-20240210, 2024-02-10)',
};
const PINNED: BaseState = {
  state: 'pinned',
  resolved: { id: 'ami-9', name: 'ami-9', pinned: true },
  text: 'pinned to ami-9: it does not move',
};

function planned(image: string, os: string, reasons: Reason[], base: BaseState = RESOLVED): PlannedImage {
  return {
    cloud: 'aws-prod',
    provider: 'aws',
    image,
    os,
    fingerprint: 'f'.repeat(32),
    name: `ib-${image}-${os}-ffff`,
    buildRegion: 'eu-west-1',
    regions: ['eu-west-1'],
    present: reasons.length > 0 ? [] : ['eu-west-1'],
    status: reasons.length > 0 ? 'build' : 'current',
    reasons,
    why: reasons.map((r) => r.text).join('; '),
    base,
  };
}

function planOf(images: PlannedImage[]): Plan {
  return { version: 1, topology: 't.yml', offline: false, images, builds: [], copies: [], retirements: [], notes: [] };
}

const moved: Reason = {
  kind: 'base-moved',
  text: 'base image moved: ami-1 (debian-12-amd64-20240101, 2024-01-01) -> ami-2 (debian-12-amd64-20240210, 2024-02-10)',
};
const inputs: Reason = {
  kind: 'inputs',
  text: 'inputs changed since ib-web-old: files changed: playbooks/roles/web_*/tasks/main.yml; variables changed: port',
  since: 'ib-web-old',
  changes: [
    { component: 'files', text: 'files changed: playbooks/roles/web_*/tasks/main.yml', changed: ['playbooks/roles/web_*/tasks/main.yml'] },
    { component: 'variables', text: 'variables changed: port', changed: ['port'] },
  ],
};

describe('plan summary', () => {
  const plan = planOf([planned('base', 'debian12', [moved]), planned('web', 'debian12', [inputs]), planned('base', 'pinned', [], PINNED)]);

  it('explains every build in Markdown: one item per image, one per reason, one more level per changed input', () => {
    const markdown = planMarkdown(plan);
    expect(markdown).toContain(
      [
        '### Why',
        '',
        '- **aws-prod** base / debian12 (`ib-base-debian12-ffff`)',
        '  - base image moved: ami-1 (debian-12-amd64-20240101, 2024-01-01) -> ami-2 (debian-12-amd64-20240210, 2024-02-10)',
        '- **aws-prod** web / debian12 (`ib-web-debian12-ffff`)',
        '  - inputs changed since `ib-web-old`:',
        '    - files changed: playbooks/roles/web\\_\\*/tasks/main.yml',
        '    - variables changed: port',
      ].join('\n'),
    );
    expect(markdown).toContain(
      [
        '### Base images',
        '',
        '| cloud | source | base image |',
        '| --- | --- | --- |',
        '| aws-prod | debian12 | base image ami-2 (debian-12-amd64-20240210, 2024-02-10) |',
        '| aws-prod | pinned | pinned to ami-9: it does not move |',
      ].join('\n'),
    );
  });

  it('explains every build as text, and in one terminal line each', () => {
    expect(planText(plan)).toContain(
      ['Why:', 'aws-prod/ib-base-debian12-ffff:', `  ${moved.text}`, 'aws-prod/ib-web-debian12-ffff:', `  ${inputs.text}`].join('\n'),
    );
    expect(buildLines(plan)).toEqual([
      `build aws-prod/ib-base-debian12-ffff: ${moved.text}`,
      `build aws-prod/ib-web-debian12-ffff: ${inputs.text}`,
    ]);
    // Offline every reason is the same: one line says it.
    expect(buildLines({ ...plan, offline: true })).toEqual([
      '0 builds, 0 copies, 0 retirements for 3 images (offline: no cloud was asked, every image counts as missing and no base image was resolved)',
    ]);
  });

  it(`explains at most ${WHY_MAX} builds in the summary and says where the rest are`, () => {
    const many = planOf(Array.from({ length: WHY_MAX + 3 }, (_, i) => planned(`r${i}`, 'debian12', [moved])));
    const markdown = planMarkdown(many);
    expect(markdown.match(/^- \*\*aws-prod\*\*/gm)).toHaveLength(WHY_MAX);
    expect(markdown).toContain('... and 3 more builds: the plan file explains every one');
    expect(planText(many)).toContain('... and 3 more builds: the plan file explains every one');
  });

  it('has no Why section without builds', () => {
    const current = planOf([planned('base', 'pinned', [], PINNED)]);
    expect(planMarkdown(current)).not.toContain('### Why');
    expect(planText(current)).not.toContain('Why:');
  });
});

describe('a plan of any size', () => {
  /** `images` images, each built in region r0 and copied to r1..r(regions-1), as a fleet-wide change plans. */
  function fleet(images: number, regions: number): Plan {
    const all = Array.from({ length: regions }, (_, r) => `r${r}`);
    const planned = Array.from({ length: images }, (_, n) => ({
      ...planned0(`img${n}`),
      regions: all,
      present: [],
    }));
    const copies = planned.flatMap((i) =>
      all.slice(1).map((to) => ({
        cloud: i.cloud,
        provider: i.provider,
        image: i.image,
        os: i.os,
        fingerprint: i.fingerprint,
        name: i.name,
        from: 'r0',
        to,
        afterBuild: true,
      })),
    );
    return { ...planOf(planned), copies };
  }
  const planned0 = (image: string) =>
    planned(image, 'debian12', [{ kind: 'new', text: `new line: aws-prod has no ${image}/debian12 image yet` } as Reason]);

  it('keeps the job summary under GitHub 1 MiB limit, copies grouped per image and source, the rest counted', () => {
    for (const [images, regions] of [
      [1000, 20],
      [10_000, 20],
    ]) {
      const plan = fleet(images, regions);
      const markdown = planMarkdown(plan);
      expect(Buffer.byteLength(markdown)).toBeLessThan(1024 * 1024);
      // One copy row per image (its 19 targets together), of which the first 500 are shown.
      const copyLines = markdown.split('\n').filter((l) => / \| r0 \| r1 r2 .* r19 \| new build \|$/.test(l));
      expect(copyLines.length).toBeGreaterThan(0);
      expect(copyLines.length).toBeLessThanOrEqual(500);
      expect(markdown).toContain(`... and ${images - 500} more copy rows: the plan file lists every one`);
      expect(markdown).toContain(`... and ${images - 500} more images: the plan file lists every one`);
    }
  });

  it('shows small plans whole: one copy row per image and source, no "more" line', () => {
    const markdown = planMarkdown(fleet(3, 4));
    expect(markdown.split('\n').filter((l) => l.includes('| r0 | r1 r2 r3 | new build |'))).toHaveLength(3);
    expect(markdown).not.toContain('more');
    expect(
      planText(fleet(3, 4))
        .split('\n')
        .filter((l) => /r0 +r1 r2 r3 +new build/.test(l)),
    ).toHaveLength(3);
  });
});
