/**
 * The YAML document of a topology, or every syntax problem with its position.
 *
 * The text is parsed in two steps, as the yaml library's parseDocument does
 * it: the parser (iterative) makes a concrete syntax tree, the composer
 * (recursive, once per nesting level) makes the document. Nesting is counted
 * on the syntax tree first, so a file of 20,000 "[" never reaches the
 * composer, whose stack overflow can abort Node.
 *
 * Warnings are errors here: an unknown tag (`!foo`, or `!!binary`, `!!set`,
 * `!!timestamp`, which would hand buffers, sets and dates to the recipes) was
 * silently read as plain text (audit A44).
 */
import { Composer, LineCounter, Parser, YAMLParseError, type CST, type Document, type YAMLError } from 'yaml';
import { duplicateKeys } from './duplicate-keys.js';
import { TopologyError, type Problem } from './errors.js';
import { MAX_NESTING } from './limits.js';

/** What to do about each kind of YAML error or warning. */
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
  TAG_RESOLVE_FAILED: 'remove the tag: a topology holds text, numbers, true/false, lists and maps (to keep "!" in a value, quote it)',
  BAD_COLLECTION_TYPE: 'remove the tag: a topology holds text, numbers, true/false, lists and maps',
  BAD_DIRECTIVE: 'remove the directive line (%...): the topology is YAML 1.2',
};

/**
 * The schema: YAML 1.2 core (text, numbers, booleans, null, lists, maps).
 * `resolveKnownTags: false` leaves YAML 1.1's !!binary, !!set, !!omap,
 * !!pairs and !!timestamp unknown, so they are refused like any other tag.
 * Repeated keys are found by duplicateKeys(), in linear time.
 */
const OPTIONS = { uniqueKeys: false, resolveKnownTags: false, version: '1.2' } as const;

/** The tags of the YAML 1.2 core schema, which the topology's values use. */
const CORE_TAGS = ['!!str', '!!int', '!!float', '!!bool', '!!null', '!!map', '!!seq'];

function yamlProblem(error: YAMLError, file: string, lines: LineCounter): Problem {
  const pos = error.pos[0] >= 0 ? lines.linePos(error.pos[0]) : { line: 1, col: 1 };
  let message: string;
  if (error.code === 'MULTIPLE_DOCS') message = 'YAML syntax error: the file holds more than one document';
  else if (error.code === 'TAG_RESOLVE_FAILED') {
    const tag = error.message
      .replace(/^Unresolved tag: /, '')
      .split('\n')[0]
      .replace('tag:yaml.org,2002:', '!!');
    // A core tag on the wrong kind of value (!!seq on a map, !!float on text) is known, but does not fit.
    message = CORE_TAGS.includes(tag) ? `YAML tag ${tag} does not fit this value` : `unknown YAML tag ${tag}`;
  } else message = `YAML syntax error: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`;
  // The core schema's tags by their short names (!!map, not tag:yaml.org,2002:map).
  message = message.replaceAll('tag:yaml.org,2002:', '!!');
  return { file, line: pos.line, col: pos.col, message, hint: YAML_HINTS[error.code] ?? 'fix the YAML syntax here' };
}

/** The offset of the first list or map (in file order) nested deeper than MAX_NESTING. */
function tooDeep(tokens: readonly CST.Token[], limit = MAX_NESTING): number | undefined {
  const stack: [CST.Token, number][] = tokens.map((t): [CST.Token, number] => [t, 0]).reverse();
  while (stack.length > 0) {
    const [token, depth] = stack.pop() as [CST.Token, number];
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) return token.offset;
      const children: CST.Token[] = [];
      for (const item of token.items) {
        if ('key' in item && item.key) children.push(item.key);
        if (item.value) children.push(item.value);
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
    }
  }
  return undefined;
}

/**
 * Parses the topology text into one YAML document. Throws a TopologyError
 * with every syntax problem (the first of those at one position), a
 * repeated key, an unknown tag, or nesting deeper than MAX_NESTING.
 */
export function readDocument(text: string, file: string, lines: LineCounter): Document.Parsed {
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const deep = tooDeep(tokens);
  if (deep !== undefined) {
    const pos = lines.linePos(deep);
    throw new TopologyError(file, [
      {
        file,
        line: pos.line,
        col: pos.col,
        message: `lists and maps nest more than ${MAX_NESTING} levels deep here`,
        hint: 'flatten the data: a topology needs 7 levels, recipe variables rarely more than 10',
      },
    ]);
  }
  let doc: Document.Parsed | undefined;
  for (const next of new Composer(OPTIONS).compose(tokens, true, text.length)) {
    if (!doc) {
      doc = next;
    } else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'more than one document'));
      break;
    }
  }
  // compose(…, forceDoc = true) always yields a document, empty text included.
  const parsed = doc as Document.Parsed;
  const repeated = duplicateKeys(parsed, lines).map(({ line, col }): Problem => ({
    file,
    line,
    col,
    message: 'YAML syntax error: Map keys must be unique',
    hint: YAML_HINTS.DUPLICATE_KEY,
  }));
  const found = [...parsed.errors, ...parsed.warnings].map((e) => yamlProblem(e, file, lines));
  if (found.length > 0 || repeated.length > 0) {
    // One mistake often trips several errors at the same spot: keep the first.
    const seen = new Set<string>();
    const problems = [...found, ...repeated]
      .sort((a, b) => a.line - b.line || a.col - b.col)
      .filter((p) => !seen.has(`${p.line}:${p.col}`) && seen.add(`${p.line}:${p.col}`));
    throw new TopologyError(file, problems);
  }
  return parsed;
}
