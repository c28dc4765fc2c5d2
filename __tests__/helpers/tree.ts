/**
 * Temp folders for tests. Each test file gets its own copy of this module, so
 * `afterAll(removeTempDirs)` in a file removes what that file created.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const created: string[] = [];

/** A fresh empty folder under the OS temp folder, removed by removeTempDirs(). */
export function tempDir(prefix = 'ib-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder tempDir() and writeTree() made so far: `afterAll(removeTempDirs)`. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes a tree of files into a fresh temp folder (or into `root`): { 'a/b.yml': 'text' }. */
export function writeTree(files: Record<string, string>, root = tempDir()): string {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}
