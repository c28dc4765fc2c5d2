/** Where the product's own files are: found upward from the running module (src/ in development, dist/ when bundled). */
// A JSON import: ncc inlines package.json into the bundle, so the version needs no file at run time.
import pkg from '../../package.json' with { type: 'json' };

// The topology names bundled playbooks as builtin:NAME, so it owns where they are; one answer for every layer.
export { bundledPlaybooks, productRoot } from '../topology/builtin.js';

/** The product's version, package.json's `version`. */
export function productVersion(): string {
  return pkg.version;
}
