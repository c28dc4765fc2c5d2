/**
 * Timing the tools the product runs: a folder of wrapper scripts, one per
 * tool (packer, qemu-img, ...), put first on PATH. Each wrapper runs the real
 * tool, passes signals on to it, and appends "tool start end exit first-arg"
 * (ns since the epoch) to one log. Tools the wrapped ones start (Packer's
 * QEMU and Ansible) fall inside their interval.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

function which(tool) {
  try {
    return execFileSync('sh', ['-c', `command -v "$0"`, tool], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function wrapperScript(tool, real, log) {
  for (const value of [real, log]) {
    if (/["$`\\\n]/.test(value)) throw new Error(`cannot write a wrapper for path ${JSON.stringify(value)}: it holds shell metacharacters`);
  }
  return `#!/bin/bash
# bench wrapper: times ${tool} into ${log}
start=$(date +%s%N)
"${real}" "$@" &
child=$!
trap 'kill -INT $child 2>/dev/null' INT
trap 'kill -TERM $child 2>/dev/null' TERM
while true; do
  wait "$child"; rc=$?
  kill -0 "$child" 2>/dev/null || break
done
end=$(date +%s%N)
echo "${tool} $start $end $rc \${1:-}" >> "${log}"
exit "$rc"
`;
}

/** Writes wrappers for the tools found on PATH; answers { bin, log, wrapped, path } (path: PATH with bin first). */
export async function createShims(dir, tools) {
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'tools.log');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(bin, { recursive: true });
  await fs.writeFile(log, '');
  const wrapped = [];
  for (const tool of tools) {
    const real = which(tool);
    if (!real) continue;
    await fs.writeFile(path.join(bin, tool), wrapperScript(tool, real, log), { mode: 0o755 });
    wrapped.push(tool);
  }
  return { bin, log, wrapped, path: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
}

/** The log's lines as { tool, start, end (ms since the epoch), code, arg }. */
export function parseToolLog(text) {
  return text.split('\n').filter((l) => l.trim()).map((line) => {
    const [tool, start, end, code, arg = ''] = line.split(' ');
    return { tool, start: Number(start) / 1e6, end: Number(end) / 1e6, code: Number(code), arg };
  });
}

export async function readToolLog(log) {
  return parseToolLog(await fs.readFile(log, 'utf8'));
}
