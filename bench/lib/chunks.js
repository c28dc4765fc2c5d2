/**
 * Which ncc chunks (dist/NNN.index.js) a run of the bundle loads: a module
 * hook registered with `node --import` appends every loaded file URL to the
 * file named by IB_LOAD_LOG. Chunks are classified by what they contain
 * (their numeric ids change between builds).
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const MARKERS = {
  aws: /DescribeImagesCommand|createAwsProvider/,
  gcp: /google\.cloud\.compute\.v1|createGcpProvider|GoogleAuth/,
  azure: /ComputeManagementClient|DefaultAzureCredential|createAzureProvider/,
};

/** Writes the hook and answers the `--import` argument that installs it. */
export function loadHook() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-hook-'));
  writeFileSync(path.join(dir, 'hooks.mjs'), [
    "import { appendFileSync } from 'node:fs';",
    'export async function load(url, context, next) {',
    "  if (process.env.IB_LOAD_LOG && url.startsWith('file:')) appendFileSync(process.env.IB_LOAD_LOG, url + '\\n');",
    '  return next(url, context);',
    '}',
  ].join('\n'));
  writeFileSync(path.join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n");
  return pathToFileURL(path.join(dir, 'register.mjs')).href;
}

/** chunk file -> { kinds: ['aws'|'gcp'|'azure'], bytes } for every chunk of dist/. */
export function classifyChunks(dist) {
  const out = {};
  for (const file of readdirSync(dist).filter((f) => /^\d+\.index\.js$/.test(f))) {
    const full = path.join(dist, file);
    const text = readFileSync(full, 'utf8');
    out[file] = { kinds: Object.keys(MARKERS).filter((k) => MARKERS[k].test(text)), bytes: statSync(full).size };
  }
  return out;
}

/** The dist/ chunk files named in a load log. */
export function loadedChunks(log, dist) {
  const prefix = pathToFileURL(dist).href + '/';
  return [...new Set(readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length)))]
    .filter((f) => /^\d+\.index\.js$/.test(f)).sort();
}

/** Bytes of index.js, of every file, and of every file but source maps, in dist/. */
export function distSize(dist) {
  let total = 0;
  let code = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const size = statSync(full).size;
        total += size;
        if (!entry.name.endsWith('.map')) code += size;
      }
    }
  };
  walk(dist);
  return { index: statSync(path.join(dist, 'index.js')).size, total, withoutMaps: code };
}
