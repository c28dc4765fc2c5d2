/**
 * The release workflow (.github/workflows/release.yml): its shape (a read-only
 * check, then a tag job that alone may write and runs nothing but API calls),
 * and its two scripts run for real with a stub of the GitHub CLI first on
 * PATH. The stub records its arguments and answers as `gh api` does: "Get
 * matching references" (GET /repos/{owner}/{repo}/git/matching-refs/{ref})
 * answers an array of { ref, object }, which `--jq` filters as jq -r would
 * (gh manual, "gh api": "--jq: Query to select values from the response using
 * jq syntax"); "Get a reference" fails (HTTP 404) when the tag does not exist.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ROOT, bash, describeWith, step } from './run-step.js';

const RELEASE = '.github/workflows/release.yml';
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[];
}
const wf = parse(readFileSync(path.join(ROOT, RELEASE), 'utf8')) as {
  on: { workflow_dispatch: { inputs: Record<string, { type: string; required?: boolean }> } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};

describe('the release workflow', () => {
  it('runs by hand with a version, and may write only in the job that tags', () => {
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
    expect(wf.on.workflow_dispatch.inputs.version).toMatchObject({ type: 'string', required: true });
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.check.permissions).toBeUndefined();
    expect(wf.jobs.tag.permissions).toEqual({ contents: 'write' });
    expect(wf.jobs.tag.needs).toBe('check');
  });

  it('checks that dist/ is what the sources build before anything is tagged', () => {
    const runs = (wf.jobs.check.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/npm ci[\s\S]*npm run typecheck[\s\S]*npm run build[\s\S]*git diff --exit-code --stat -- dist/);
  });

  it('runs no third-party code where the token may write', () => {
    const steps = wf.jobs.tag.steps ?? [];
    expect(steps.every((s) => s.uses === undefined)).toBe(true);
    expect(steps.map((s) => s.run).join('\n')).not.toMatch(/(^|[\s;&|(])(npm|npx|node|git|curl)\s/m);
  });
});

describeWith(['bash', 'jq'], 'the release scripts, with a stub of gh', () => {
  const version = step(RELEASE, 'check', 'version').run!;
  const tag = step(RELEASE, 'tag', 'Tag the commit and move the major tag').run!;
  const SHA = '0123456789abcdef0123456789abcdef01234567';

  /** A folder with package.json at `pkg`, and a gh stub answering `refs` (names of existing tags). */
  function setup(pkg: string, refs: string[]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-release-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'multicloud-image-builder', version: pkg }));
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    const log = path.join(dir, 'gh.log');
    writeFileSync(log, '');
    const answer = JSON.stringify(refs.map((r) => ({ ref: `refs/tags/${r}`, object: { sha: SHA, type: 'commit' } })));
    writeFileSync(
      path.join(bin, 'gh'),
      [
        '#!/usr/bin/env bash',
        'printf "%s\\n" "$*" >> "$GH_LOG"',
        '[ "$1" = api ] || exit 2',
        'args=("$@"); jq_filter=""',
        'for i in "${!args[@]}"; do [ "${args[$i]}" = --jq ] && jq_filter=${args[$((i + 1))]}; done',
        'case "$*" in',
        '  *git/matching-refs/*) jq -r "${jq_filter:-.}" <<<"$GH_REFS" ;;',
        '  *git/ref/tags/*) all="$*"; t=${all##*git/ref/tags/}; t=${t%% *}',
        '    if jq -e --arg r "refs/tags/$t" \'any(.[]; .ref == $r)\' <<<"$GH_REFS" >/dev/null; then echo "{}"; else echo \'{"message":"Not Found"}\'; exit 1; fi ;;',
        '  *) echo "{}" ;;',
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(path.join(bin, 'gh'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}`, GH_LOG: log, GH_REFS: answer, REPOSITORY: 'acme/multicloud-image-builder', SHA };
    const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
    return { dir, env, calls };
  }
  const check = (pkg: string, refs: string[], v: string, ref = 'refs/heads/main') => {
    const s = setup(pkg, refs);
    return { ...bash(version, { ...s.env, VERSION: v, REF: ref, GH_TOKEN: 't' }, s.dir), calls: s.calls() };
  };

  it('accepts the next version of main named as package.json names it, and says which major tag moves', () => {
    const r = check('1.3.0', ['v1.0.0', 'v1.2.1', 'v1.2.9'], 'v1.3.0');
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ version: 'v1.3.0', major: 'v1' });
    expect(r.out).toContain(`releasing v1.3.0 (after v1.2.9); v1 will point at ${SHA}`);
    expect(r.calls).toEqual([
      'api --paginate repos/acme/multicloud-image-builder/git/matching-refs/tags/v1. --jq .[].ref | ltrimstr("refs/tags/")',
    ]);
  });

  it('orders versions as numbers (v1.10.0 comes after v1.9.3)', () => {
    expect(check('1.10.0', ['v1.9.3'], 'v1.10.0').code).toBe(0);
    const r = check('1.9.4', ['v1.10.0'], 'v1.9.4');
    expect(r.code).toBe(1);
    expect(r.out).toContain('::error title=release::v1.9.4 is older than the release v1.10.0: v1 must only move forward');
  });

  it('accepts the first release of a major version', () => {
    expect(check('2.0.0', [], 'v2.0.0').outputs).toEqual({ version: 'v2.0.0', major: 'v2' });
  });

  it.each([
    ['1.2.3', [], '1.2.3', "version '1.2.3' is not vMAJOR.MINOR.PATCH, e.g. v1.2.3", 'refs/heads/main'],
    ['1.2.3', [], 'v1.2', "version 'v1.2' is not vMAJOR.MINOR.PATCH", 'refs/heads/main'],
    ['0.1.0', [], 'v0.1.0', "version 'v0.1.0' is not vMAJOR.MINOR.PATCH", 'refs/heads/main'],
    ['1.2.3', [], 'v1.02.3', "version 'v1.02.3' is not vMAJOR.MINOR.PATCH", 'refs/heads/main'],
    ['1.2.3', [], 'v1.2.3', 'releases are made from main, not refs/heads/feature: run the workflow on main', 'refs/heads/feature'],
    [
      '0.1.0',
      [],
      'v1.0.0',
      'package.json says version 0.1.0, not 1.0.0: set it (npm version 1.0.0 --no-git-tag-version)',
      'refs/heads/main',
    ],
    ['1.2.3', ['v1.2.3'], 'v1.2.3', 'v1.2.3 exists already: a release never moves', 'refs/heads/main'],
  ])('refuses package %s, tags %j, version %s', (pkg, refs, v, message, ref) => {
    const r = check(pkg, refs, v, ref);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`::error title=release::${message}`);
    expect(r.outputs).toEqual({});
  });

  it('creates the release tag and moves the major tag when it exists', () => {
    const s = setup('1.3.0', ['v1', 'v1.2.9']);
    const r = bash(tag, { ...s.env, VERSION: 'v1.3.0', MAJOR: 'v1', GH_TOKEN: 't' }, s.dir);
    expect(r.code).toBe(0);
    expect(s.calls()).toEqual([
      `api repos/acme/multicloud-image-builder/git/refs -f ref=refs/tags/v1.3.0 -f sha=${SHA}`,
      'api repos/acme/multicloud-image-builder/git/ref/tags/v1',
      `api --method PATCH repos/acme/multicloud-image-builder/git/refs/tags/v1 -f sha=${SHA} -F force=true`,
    ]);
    expect(r.out).toContain(`::notice title=release::v1.3.0 is ${SHA}, and v1 points at it`);
  });

  it('creates the major tag on its first release', () => {
    const s = setup('2.0.0', ['v1', 'v1.2.9']);
    expect(bash(tag, { ...s.env, VERSION: 'v2.0.0', MAJOR: 'v2', GH_TOKEN: 't' }, s.dir).code).toBe(0);
    expect(s.calls().at(-1)).toBe(`api repos/acme/multicloud-image-builder/git/refs -f ref=refs/tags/v2 -f sha=${SHA}`);
  });
});
