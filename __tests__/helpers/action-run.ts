/**
 * Running the bundle as GitHub runs the action: `node dist/index.js` with its
 * inputs in INPUT_* variables (the name upper-cased, spaces as "_", dashes
 * kept: @actions/core getInput) and its outputs appended to the file named
 * by GITHUB_OUTPUT, as `name<<delimiter` blocks.
 */
import { execFile } from 'node:child_process';
import { mirrorEnv } from './mirror-env.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** GITHUB_OUTPUT's `name<<delimiter ... delimiter` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^<\n]+)<<(ghadelimiter_[0-9a-f-]+)\n([\s\S]*?)\n\2$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]] = m[3];
  return out;
}

/** The INPUT_* variables for action inputs: { 'plan-file': 'x' } -> { 'INPUT_PLAN-FILE': 'x' }. */
export function actionInputs(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]));
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs `node script` in `cwd` with only `env` plus PATH, HOME (a fresh
 * folder), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY: nothing of the test's own
 * environment leaks in (no IMAGE_BUILDER_PLAYBOOKS, no cloud settings).
 */
export function runAction(cwd: string, script: string, env: Record<string, string>, timeout = 60_000): Promise<ActionRun> {
  const files = mkdtempSync(path.join(os.tmpdir(), 'ib-action-'));
  const output = path.join(files, 'output');
  const summary = path.join(files, 'summary.md');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const fullEnv = {
    PATH: process.env.PATH ?? '',
    HOME: files,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    ...mirrorEnv(),
    ...env,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [script], { cwd, env: fullEnv, timeout }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
        stdout,
        stderr,
        outputs: parseOutputs(readFileSync(output, 'utf8')),
        summary: readFileSync(summary, 'utf8'),
      });
    });
  });
}
