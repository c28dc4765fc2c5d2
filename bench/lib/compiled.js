/**
 * The compiled sources and fakes, from lib/ (`npx tsc -p tsconfig.test.json --outDir lib`:
 * tsconfig.json compiles src/ only, the fakes live in __tests__/). Fails
 * with the command to run when lib/ is missing or older than src/.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LIB = path.join(ROOT, 'lib');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** Imports `rel` (e.g. 'src/commands/plan.js') from lib/. */
export async function compiled(rel) {
  const file = path.join(LIB, rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npx tsc -p tsconfig.test.json --outDir lib\` in ${ROOT} first`);
  return import(pathToFileURL(file).href);
}

/** A warning line when lib/ is older than src/ (the numbers would be of old code), else undefined. */
export function staleWarning() {
  const src = newest(path.join(ROOT, 'src'));
  const lib = existsSync(path.join(LIB, 'src')) ? newest(path.join(LIB, 'src')) : 0;
  return lib < src ? 'warning: lib/ is older than src/: run `npx tsc -p tsconfig.test.json --outDir lib` for numbers of the current code' : undefined;
}
