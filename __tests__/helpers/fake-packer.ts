/**
 * A stand-in `packer` for command tests, put first on PATH for the length of
 * one call: answers `version`, accepts `init` and `validate`, and its `build`
 * passes, fails like a broken Ansible run, or never reaches SSH.
 */
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { writeTree } from './tree.js';

export interface FakePackerOptions {
  /** What `packer build` does (default pass). */
  build?: 'pass' | 'fail' | 'noboot';
  /** What `packer version` says (default 1.6.6: no `packer init`). */
  version?: string;
  /** A file every call appends "<subcommand> token=$PACKER_GITHUB_API_TOKEN plugins=$PACKER_PLUGIN_PATH" to. */
  log?: string;
}

const BUILD = {
  pass: 'echo "==> image: Provisioning with Ansible..."; echo "ok: [default]"; exit 0',
  fail:
    'echo "==> image: Provisioning with Ansible..."; echo "fatal: [default]: FAILED! => assertion failed: task failed on purpose"; ' +
    'echo "Error executing Ansible: Non-zero exit status: exit status 2"; exit 1',
  noboot: 'echo "==> image: Waiting for SSH to become available..."; echo "Timeout waiting for SSH."; exit 1',
};

/** Writes the stand-in to `dir`/fake-bin/packer and returns that folder. */
export function fakePacker(dir: string, options: FakePackerOptions = {}): string {
  const bin = path.join(dir, 'fake-bin');
  const log = options.log ? `echo "$1 token=$PACKER_GITHUB_API_TOKEN plugins=$PACKER_PLUGIN_PATH" >> '${options.log}'\n` : '';
  writeTree(
    {
      packer: `#!/bin/sh
${log}case "$1" in
  version) echo "Packer v${options.version ?? '1.6.6'}";;
  init|validate) exit 0;;
  build) ${BUILD[options.build ?? 'pass']};;
esac
exit 0
`,
    },
    bin,
  );
  chmodSync(path.join(bin, 'packer'), 0o755);
  return bin;
}

/** Runs `fn` with the stand-in first on PATH, and puts PATH back afterwards. */
export async function withFakePacker<T>(dir: string, options: FakePackerOptions, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH;
  process.env.PATH = `${fakePacker(dir, options)}:${saved}`;
  try {
    return await fn();
  } finally {
    process.env.PATH = saved;
  }
}
