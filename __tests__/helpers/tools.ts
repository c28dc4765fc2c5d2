/**
 * Tests that need a program from outside npm (ansible, shellcheck, qemu-img…):
 * where one is missing they are skipped with a printed reason, except under
 * CI, where they fail.
 */
import { describe, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';

/** CI is set (GitHub sets CI=true); "false" or "0" count as unset. */
export const IN_CI = Boolean(process.env.CI) && !/^(0|false)$/i.test(process.env.CI ?? '');

/** The program runs with --version. */
export function installed(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * A describe block for tests that need `tools`: skipped with a reason when one
 * is missing, or one failing test in its place under CI. `install` says how
 * CI gets them (e.g. "apt-get install shellcheck").
 */
export function describeWith(tools: string[], title: string, body: () => void, install?: string): void {
  const missing = tools.filter((tool) => !installed(tool));
  if (missing.length === 0) {
    describe(title, body);
  } else if (IN_CI) {
    describe(title, () => {
      it(`has ${tools.join(', ')} installed`, () => {
        throw new Error(`${missing.join(', ')} not installed: CI must install it${install ? ` (${install})` : ''}`);
      });
    });
  } else {
    console.warn(`Skipping "${title}": ${missing.join(', ')} not installed (set CI to make this a failure).`);
    describe.skip(title, body);
  }
}
