/**
 * Loads topology.yml: YAML with positions, the schema, then the checks that
 * cross-reference recipes, sources, clouds and files. Every problem found is
 * collected and thrown at once as a TopologyError.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { checkClouds, checkRetired } from './checks-clouds.js';
import { checkExtends, checkNames, checkRecipeFiles, checkUsedPlaybooks } from './checks-recipes.js';
import { duplicateKeys } from './duplicate-keys.js';
import { TopologyError, type Problem } from './errors.js';
import { issueToProblems } from './issues.js';
import { DEFAULT_STORE, type Cloud, type Topology } from './model.js';
import { Locator } from './positions.js';
import { asMap, type RawMap, type Report } from './raw.js';
import { topologySchema, type TopologyInput } from './schema.js';

/** What to do about each kind of YAML syntax error. */
const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  DUPLICATE_KEY: 'a key may appear once per map: merge the two entries or rename one',
  MISSING_CHAR: 'close the quote or bracket opened before this point',
  BAD_INDENT: 'indent the keys of one map alike, and close every [ and {',
  MULTIPLE_DOCS: 'keep a single YAML document: remove the "---" and what follows it',
  BLOCK_AS_IMPLICIT_KEY: 'quote a value that holds ": ", e.g. description: "role: web"',
  MULTILINE_IMPLICIT_KEY: 'a key must fit on one line and be followed by ": "',
  UNEXPECTED_TOKEN: 'quote values that hold ": ", " #", "[", "]", "{" or "}"',
  BAD_ALIAS: 'define the anchor (&name) before using the alias (*name)',
};

const START_HINT = 'start with version: 1, then images, sources and clouds (see the README)';

function yamlProblem(error: YAMLError, file: string): Problem {
  const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
  const first =
    error.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one document'
      : error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return {
    file,
    line: pos.line,
    col: pos.col,
    message: `YAML syntax error: ${first}`,
    hint: YAML_HINTS[error.code] ?? 'fix the YAML syntax here',
  };
}

/** The cross-reference checks; they read the raw data, so they run even when the schema failed. */
function checkReferences(data: RawMap, dir: string, report: Report): void {
  checkNames(data, report);
  const used = checkClouds(data, report);
  const images = asMap(data.images);
  if (images) {
    checkExtends(images, report);
    checkRecipeFiles(images, dir, report);
    checkUsedPlaybooks(images, used, report);
  }
  checkRetired(data, used, report);
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
  const lines = new LineCounter();
  // Repeated keys are found by duplicateKeys(), in linear time.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: false });
  const repeated = duplicateKeys(doc, lines).map(({ line, col }): Problem => ({
    file,
    line,
    col,
    message: 'YAML syntax error: Map keys must be unique',
    hint: YAML_HINTS.DUPLICATE_KEY,
  }));
  if (doc.errors.length > 0 || repeated.length > 0) {
    // One mistake often trips several errors at the same spot: keep the first.
    const seen = new Set<string>();
    const problems = [...doc.errors.map((e) => yamlProblem(e, file)), ...repeated]
      .sort((a, b) => a.line - b.line || a.col - b.col)
      .filter((p) => !seen.has(`${p.line}:${p.col}`) && seen.add(`${p.line}:${p.col}`));
    throw new TopologyError(file, problems);
  }

  const locator = new Locator(doc, lines, file);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new TopologyError(file, [
      { file, line: 1, col: 1, message: `cannot read the YAML: ${message}`, hint: 'simplify the anchors and aliases' },
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

/** Reads and validates a topology file (see parseTopology). */
export async function loadTopology(file: string): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'the topology file does not exist' : `cannot read the topology file (${code ?? String(err)})`;
    throw new TopologyError(file, [
      { file, line: 1, col: 1, message, hint: 'check the path given as "topology" (default topology.yml, relative to the workspace)' },
    ]);
  }
  return parseTopology(text, file);
}
