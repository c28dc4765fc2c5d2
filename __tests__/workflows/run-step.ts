/**
 * Helpers for the tests that run the scripts inside the workflows and the
 * composite actions for real: read a step from its YAML file, run a `run:`
 * script the way GitHub runs it for `shell: bash`, and skip (or, under CI,
 * fail) the tests whose tools are missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const IN_CI = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');

export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
export type Workflow = { jobs: Record<string, { steps?: Step[] }> };
export type Action = { runs: { using: string; steps?: Step[] } };
export const load = (file: string) => parse(readFileSync(path.join(ROOT, file), 'utf8')) as Workflow;
export const loadAction = (file: string) => parse(readFileSync(path.join(ROOT, file), 'utf8')) as Action;

/** A step of a workflow's job, by name or id. */
export function step(file: string, job: string, name: string): Step {
  const found = load(file).jobs[job].steps?.find((s) => s.name === name || s.id === name);
  if (!found) throw new Error(`${file}: job ${job} has no step ${name}`);
  return found;
}

/** A step of a composite action (`runs.steps`), by name or id. */
export function actionStep(file: string, name: string): Step {
  const found = loadAction(file).runs.steps?.find((s) => s.name === name || s.id === name);
  if (!found) throw new Error(`${file}: no step ${name}`);
  return found;
}

export interface Ran {
  code: number;
  out: string;
  outputs: Record<string, string>;
}

/**
 * Runs a `run:` script as GitHub does for `shell: bash` (bash -eo pipefail,
 * values in env), with GITHUB_OUTPUT; in `cwd`, by default a fresh folder.
 * PATH may be given in `env` (to put stubs first).
 */
export function bash(script: string, env: Record<string, string>, cwd?: string): Ran {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-script-'));
  const file = path.join(dir, 'step.sh');
  const output = path.join(dir, 'output');
  writeFileSync(file, script);
  writeFileSync(output, '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd: cwd ?? dir,
    env: { PATH: process.env.PATH, ...env, GITHUB_OUTPUT: output },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const at = l.indexOf('=');
        return [l.slice(0, at), l.slice(at + 1)];
      }),
  );
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}`, outputs };
}

function installed(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** describe() when every tool is installed; otherwise skipped with a reason, except under CI, where it fails. */
export function describeWith(tools: string[], title: string, body: () => void): void {
  const missing = tools.filter((t) => !installed(t));
  if (missing.length === 0) describe(title, body);
  else if (IN_CI)
    describe(title, () =>
      it(`has ${tools.join(', ')}`, () => {
        throw new Error(`${missing.join(', ')} not installed: CI must install it`);
      }),
    );
  else {
    console.warn(`Skipping "${title}": ${missing.join(', ')} not installed (set CI to make this a failure).`);
    describe.skip(title, body);
  }
}
