/**
 * Loads topology.yml: YAML with positions, the schema, then the checks that
 * cross-reference recipes, sources, clouds and files. Every problem found is
 * collected and thrown at once as a TopologyError.
 */
import { dirname, resolve } from 'node:path';
import { LineCounter } from 'yaml';
import { aliasProblem } from './aliases.js';
import { checkClouds, checkRetired } from './checks-clouds.js';
import { checkAdopt } from './checks-adopt.js';
import { checkExtends, checkNames, checkRecipeFiles, checkUsedPlaybooks } from './checks-recipes.js';
import { readDocument } from './document.js';
import { TopologyError, type Problem } from './errors.js';
import { issueToProblems } from './issues.js';
import { MAX_ALIASES, MAX_TOPOLOGY_BYTES } from './limits.js';
import { checkPackerValues, checkVariableKeys } from './literal.js';
import { DEFAULT_STORE, type Cloud, type Topology } from './model.js';
import { checkStores, repositoryRoot } from './paths.js';
import { Locator } from './positions.js';
import { asMap, type RawMap, type Report } from './raw.js';
import { checkCharacters, decodeTopology, readTopologyBytes, tooLarge } from './read.js';
import { topologySchema, type TopologyInput } from './schema.js';

const START_HINT = 'start with version: 1, then images, sources and clouds (see the README)';

/** The cross-reference checks; they read the raw data, so they run even when the schema failed. */
function checkReferences(data: RawMap, dir: string, report: Report): void {
  const root = repositoryRoot(dir);
  checkNames(data, report);
  const used = checkClouds(data, report);
  checkStores(data, dir, root, report);
  checkPackerValues(data, dir, report);
  const images = asMap(data.images);
  if (images) {
    checkExtends(images, report);
    checkRecipeFiles(images, dir, root, report);
    checkUsedPlaybooks(images, used, report);
    checkVariableKeys(images, report);
  }
  checkRetired(data, used, report);
  checkAdopt(data, report);
}

/** Fills what the file may leave out: the build region and the local store. */
function finish(input: TopologyInput, file: string, dir: string): Topology {
  const clouds = input.clouds.map((c): Cloud => {
    const cloud: Cloud = { ...c, build_region: c.build_region ?? Object.keys(c.regions)[0] };
    if (c.provider === 'local') cloud.store = c.store ?? DEFAULT_STORE;
    return cloud;
  });
  return {
    version: 1,
    file,
    dir,
    images: input.images,
    sources: input.sources,
    clouds,
    lifecycle: input.lifecycle,
    namespace: input.namespace,
    adopt: input.adopt,
  };
}

/**
 * Parses and validates topology text. `file` names the file in problems (keep
 * it relative to the workspace for annotations) and, made absolute, gives
 * `Topology.file` and `Topology.dir`, against which playbook paths resolve.
 * Throws a TopologyError that lists every problem found.
 */
export function parseTopology(text: string, file: string): Topology {
  const absolute = resolve(file);
  const dir = dirname(absolute);
  // Text that did not come through loadTopology is held to the same size limit.
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_TOPOLOGY_BYTES) tooLarge(file, bytes);
  checkCharacters(text, file);
  const lines = new LineCounter();
  const doc = readDocument(text, file, lines);
  const locator = new Locator(doc, lines, file);
  const aliases = aliasProblem(doc, locator);
  if (aliases) throw new TopologyError(file, [aliases]);
  let data: unknown;
  try {
    // The yaml library's own limit (uses of an anchor x aliases inside it) fails without a position.
    // aliasProblem() already holds the exact bounds, at most MAX_ALIASES aliases in the file, so both
    // factors are at most MAX_ALIASES: this backstop is set where it cannot fire first.
    data = doc.toJS({ maxAliasCount: MAX_ALIASES * MAX_ALIASES });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new TopologyError(file, [
      { file, line: 1, col: 1, message: `cannot read the YAML: ${message}`, hint: `use at most ${MAX_ALIASES} aliases (*name)` },
    ]);
  }
  if (data === null || data === undefined) {
    throw new TopologyError(file, [{ file, line: 1, col: 1, message: 'the topology file is empty', hint: START_HINT }]);
  }

  const problems: Problem[] = [];
  const report: Report = (path, message, hint, target) => problems.push(locator.problem(path, message, hint, target));
  const result = topologySchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(...issueToProblems(issue, { locator, data, schema: topologySchema }));
    }
  }
  const map = asMap(data);
  if (map) checkReferences(map, dir, report);
  if (!result.success || problems.length > 0) throw new TopologyError(file, problems);
  return finish(result.data, absolute, dir);
}

/** Reads and validates a topology file (see parseTopology): a regular UTF-8 file of at most MAX_TOPOLOGY_BYTES. */
export async function loadTopology(file: string): Promise<Topology> {
  return parseTopology(decodeTopology(await readTopologyBytes(file), file), file);
}
