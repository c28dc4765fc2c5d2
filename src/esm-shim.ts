/**
 * Bundled as ESM, some dependencies (google-gax) still read the CommonJS
 * globals __dirname/__filename. Imported first by the entry, this defines
 * them from the bundle's own location.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const g = globalThis as { __filename?: string; __dirname?: string };
g.__filename ??= fileURLToPath(import.meta.url);
g.__dirname ??= path.dirname(g.__filename);
