import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RunReportSchema, closingLine, imageStage, stageTimesText, type RunReport } from '../../src/report/run-report.js';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[] };

/** Every field of a JSON schema as a dotted path: `options.dryRun`, `images[].stages[].name`. */
function fields(schema: JsonSchema, prefix = ''): string[] {
  const object = schema.anyOf?.find((s) => s.properties || s.items) ?? schema;
  if (object.items) return fields(object.items, `${prefix}[]`);
  return Object.entries(object.properties ?? {}).flatMap(([key, sub]) => {
    const name = prefix ? `${prefix}.${key}` : key;
    return [name, ...fields(sub, name)];
  });
}

const DOC = readFileSync('docs/run-report.md', 'utf8');

describe('the run report schema and docs/run-report.md', () => {
  it('the page names every field of the schema, and no other', () => {
    const schema = fields(z.toJSONSchema(RunReportSchema) as JsonSchema);
    const documented = [...DOC.matchAll(/^\| `([\w.[\]]+)` \|/gm)].map((m) => m[1]);
    expect(schema.length).toBeGreaterThan(40);
    expect([...documented].sort()).toEqual([...schema].sort());
  });

  it("the page's example is a valid report", () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(DOC)?.[1] as string;
    expect(() => RunReportSchema.parse(JSON.parse(example))).not.toThrow();
  });
});

const report = (over: Partial<RunReport> = {}): RunReport => ({
  version: 1,
  tool: '0.1.0',
  topology: '/t.yml',
  startedAt: '2025-06-01T00:00:00.000Z',
  finishedAt: '2025-06-01T00:30:00.000Z',
  durationSeconds: 1800,
  outcome: 'succeeded',
  exitCode: 0,
  options: { dryRun: false, delete: false, parallel: 1, clouds: [], images: [] },
  accelerator: null,
  files: { plan: '/p.json', planAfter: '/p-after.json', results: '/results', log: '/run.log' },
  stages: [],
  images: [
    {
      cloud: 'lab',
      provider: 'local',
      image: 'base',
      os: 'debian12',
      fingerprint: 'f',
      buildRegion: 'rack1',
      regions: ['rack1'],
      action: 'build',
      stages: [
        { name: 'build', status: 'done', startedAt: '2025-06-01T00:00:01.000Z', durationSeconds: 1006 },
        { name: 'verify', status: 'done', startedAt: '2025-06-01T00:17:00.000Z', durationSeconds: 142 },
      ],
      verdict: 'passed',
      name: 'n',
      imageId: 'rack1/n',
      resultFile: '/results/lab--n.json',
    },
    {
      cloud: 'lab',
      provider: 'local',
      image: 'web',
      os: 'debian12',
      fingerprint: 'g',
      buildRegion: 'rack1',
      regions: ['rack1'],
      action: 'build',
      stages: [{ name: 'build', status: 'interrupted', startedAt: '2025-06-01T00:20:00.000Z', durationSeconds: 30 }],
      verdict: null,
      name: null,
      imageId: null,
      resultFile: null,
    },
  ],
  plan: null,
  planAfter: null,
  errors: [],
  ...over,
});

describe('run summaries', () => {
  it('folds the images into the build and verify stages', () => {
    const r = report();
    expect(imageStage('build', r)).toEqual({
      name: 'build',
      status: 'interrupted',
      startedAt: '2025-06-01T00:00:01.000Z',
      durationSeconds: 1036,
      detail: '1 of 2 built',
    });
    expect(imageStage('verify', r)).toMatchObject({ status: 'done', durationSeconds: 142, detail: '1 of 1 verified' });
    expect(imageStage('verify', report({ images: [] }))).toEqual({ name: 'verify', status: 'skipped', detail: 'nothing to verify' });
  });

  it('prints the stage times as a table, each image of build and verify with its time', () => {
    const r = report({
      stages: [
        { name: 'plan', status: 'done', durationSeconds: 0.8, detail: '2 builds, 0 copies, 0 retirements for 2 images' },
        { name: 'build', status: 'interrupted', durationSeconds: 1036 },
        { name: 'distribute', status: 'skipped', detail: 'interrupted before it started' },
      ],
    });
    expect(stageTimesText(r)).toBe(
      [
        'Stage times:',
        'stage       status       time    detail',
        '----------  -----------  ------  ------------------------------------------------------',
        'plan        done         1s      2 builds, 0 copies, 0 retirements for 2 images',
        'build       interrupted  17m16s  lab/base/debian12 16m46s, lab/web/debian12 interrupted',
        'distribute  skipped      -       interrupted before it started',
        'total       succeeded    30m00s',
      ].join('\n'),
    );
  });

  it('ends an interrupted run saying what was kept and what to do', () => {
    expect(closingLine(report({ outcome: 'interrupted', exitCode: 130 }), 'SIGINT')).toBe(
      'interrupted (SIGINT) after 30m00s. Kept: built lab/base/debian12; verified lab/base/debian12, and the results in /results. ' +
        'Stopped: lab/web/debian12 (its machine was torn down; it starts again next time). Run the same command to continue: nothing finished is done again.',
    );
  });
});
