/** Where the product's own files are: found upward from this module (src/ in development, dist/ when bundled). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// A JSON import: ncc inlines package.json into the bundle, so the version needs no file at run time.
import pkg from '../../package.json' with { type: 'json' };

export function productRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'playbooks', 'deprovision.yml')) && existsSync(path.join(dir, 'action.yml'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the product folder (action.yml and playbooks/) above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** The bundled playbooks folder (IMAGE_BUILDER_PLAYBOOKS overrides it). */
export function bundledPlaybooks(env: NodeJS.ProcessEnv = process.env): string {
  return env.IMAGE_BUILDER_PLAYBOOKS ?? path.join(productRoot(), 'playbooks');
}

/** The product's version, package.json's `version`. */
export function productVersion(): string {
  return pkg.version;
}
