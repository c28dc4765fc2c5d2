/** Runs a command, answering exit code, wall time and (through /usr/bin/time, when present) peak RSS. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { now } from './stats.js';

const TIME = '/usr/bin/time';

export function runTimed(command, args, { cwd, env }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-time-'));
  const rssFile = path.join(dir, 'rss');
  const useTime = existsSync(TIME);
  const [cmd, argv] = useTime ? [TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const start = now();
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = now() - start;
      let rssKiB;
      if (useTime) {
        rssKiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        rmSync(dir, { recursive: true, force: true });
      }
      resolve({ code, wallMs, rssKiB, stdout, stderr });
    });
  });
}
