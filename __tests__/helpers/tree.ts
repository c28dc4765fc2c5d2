/** Writes a tree of files into a fresh temp folder: { 'a/b.yml': 'text' }. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function writeTree(files: Record<string, string>, root = mkdtempSync(path.join(os.tmpdir(), 'ib-test-'))): string {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return root;
}
