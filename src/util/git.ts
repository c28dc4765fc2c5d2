/**
 * Read-only questions to git about the checkout a command runs in. Every
 * call is bounded (time, output) and answers undefined rather than failing:
 * a folder outside any repository, a shallow clone without the commit asked
 * for, or no git at all only mean less detail.
 */
import { execFileSync } from 'node:child_process';

export interface GitOptions {
  /** Largest output read (default 16 MiB). */
  maxBytes?: number;
  timeoutMs?: number;
}

/** git's standard output for `args`, run in `dir`; undefined when git fails. */
export function git(dir: string, args: string[], options: GitOptions = {}): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: options.maxBytes ?? 16 * 1024 * 1024,
      timeout: options.timeoutMs ?? 30_000,
      // Never the user's pager, editor or prompts: plain answers only.
      env: { ...process.env, GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
  } catch {
    return undefined;
  }
}

/** A full commit id (40 or 64 hex characters). */
export const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The commit a build runs at: GITHUB_SHA in a workflow, else the checkout's HEAD; undefined when neither is known. */
export function buildCommit(dir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const sha = env.GITHUB_SHA?.trim();
  if (sha) return sha;
  const head = git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])?.trim();
  return head && COMMIT.test(head) ? head : undefined;
}
