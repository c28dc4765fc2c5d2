/**
 * The architecture of src/, checked on its import graph. Every .ts file under
 * src/ is parsed with the TypeScript compiler; static imports, `import type`,
 * re-exports (`export ... from`), dynamic `import()` and type-level
 * `import('x').T` all count as imports. It guards:
 *  - no import cycles (type-only imports included: a cycle of types is still
 *    a cycle of modules to read and move together);
 *  - no file over 300 lines;
 *  - the layering, one test per rule: topology/ stands alone; providers/ never
 *    reach up into the commands, the planner, lifecycle, reports or Packer;
 *    only the entry points import commands/; plan, lifecycle and report reach
 *    the clouds through the image model (images/), never providers/;
 *  - the GitHub runtime packages (@actions/core, @actions/cache) are imported
 *    only by the files listed below, each with its reason.
 * A failure names the offending files and imports.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_LINES = 300;

interface Edge {
  /** The importing file, e.g. src/cli.ts. */
  from: string;
  /** The specifier as written, e.g. '../io/constants.js' or '@actions/core'. */
  specifier: string;
  /** For a relative specifier, the file it names (repo-relative), e.g. src/io/constants.ts. */
  target?: string;
  line: number;
}

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return tsFiles(rel);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** Every module specifier of a file, with its line. */
function specifiersOf(file: string, text: string): Array<{ specifier: string; line: number }> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Array<{ specifier: string; line: number }> = [];
  const add = (node: ts.Node | undefined): void => {
    if (node && ts.isStringLiteralLike(node))
      found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The repo-relative file a relative specifier names (`./x.js` is `./x.ts` in the sources). */
function resolve(from: string, specifier: string): string {
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, `${base}/index.ts`];
  return candidates.find((c) => existsSync(path.join(ROOT, c))) ?? candidates[0];
}

const FILES = tsFiles('src').sort();
const TEXTS = new Map(FILES.map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8')]));
const EDGES: Edge[] = FILES.flatMap((from) =>
  specifiersOf(from, TEXTS.get(from) as string).map(({ specifier, line }) => ({
    from,
    specifier,
    line,
    target: specifier.startsWith('.') ? resolve(from, specifier) : undefined,
  })),
);

function describeEdge(e: Edge): string {
  return `${e.from}:${e.line} imports '${e.specifier}'${e.target ? ` (${e.target})` : ''}`;
}

/** Fails with the rule and every offending import. */
function expectNone(rule: string, offenders: Edge[]): void {
  if (offenders.length > 0) throw new Error(`${rule}, but:\n  ${offenders.map(describeEdge).join('\n  ')}`);
}

const under = (file: string | undefined, ...dirs: string[]): boolean =>
  file !== undefined && dirs.some((d) => file.startsWith(`src/${d}/`));
const from = (...dirs: string[]): Edge[] => EDGES.filter((e) => under(e.from, ...dirs));

/** Strongly connected components of the src/ graph (Tarjan) that hold a cycle. */
function cycles(): string[][] {
  const next = new Map(
    FILES.map((f) => [
      f,
      [...new Set(EDGES.filter((e) => e.from === f && e.target && TEXTS.has(e.target)).map((e) => e.target as string))],
    ]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (next.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const file of FILES) if (!index.has(file)) connect(file);
  return found.map((component) => shortestCycle(component, next));
}

/** One concrete cycle through a component's first file: a -> b -> ... -> a (breadth first, so the shortest). */
function shortestCycle(component: string[], next: Map<string, string[]>): string[] {
  const start = component[0];
  const inside = new Set(component);
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of next.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const cycle = [start];
        for (let u = v; u !== start; u = parent.get(u) as string) cycle.splice(1, 0, u);
        return [...cycle, start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...component, start];
}

/**
 * Who may import the GitHub runtime packages. Everything else reports through
 * the Reporter (src/io/reporter.ts), so commands run the same in the CLI.
 */
const ACTIONS_PACKAGES: Record<string, Record<string, string>> = {
  '@actions/core': {
    'src/main.ts': 'the action entry point: reads inputs, masks secrets, setFailed',
    'src/io/': 'the action reporter: outputs, job summary, log groups',
    'src/providers/azure/client.ts': "getIDToken, GitHub's OIDC token for Azure workload identity federation (imported lazily, only then)",
  },
  '@actions/cache': {
    'src/packer/plugins.ts': "caches Packer's plugin folder between runs (imported lazily, only on a runner)",
  },
};

describe('the import graph of src/', () => {
  it('has files to check', () => {
    expect(FILES.length).toBeGreaterThan(20);
    expect(EDGES.some((e) => e.specifier === '@actions/core')).toBe(true);
  });

  it('has no import cycles (type-only imports count)', () => {
    const found = cycles();
    if (found.length > 0) throw new Error(`import cycles in src/:\n  ${found.map((c) => c.join(' -> ')).join('\n  ')}`);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = FILES.map((file) => ({ file, lines: (TEXTS.get(file) as string).replace(/\n$/, '').split('\n').length })).filter(
      ({ lines }) => lines > MAX_LINES,
    );
    if (long.length > 0)
      throw new Error(`files over ${MAX_LINES} lines:\n  ${long.map(({ file, lines }) => `${file}: ${lines}`).join('\n  ')}`);
  });
});

describe('the layering of src/', () => {
  it('topology/ imports nothing of src/ outside itself (node: and packages only)', () => {
    expectNone(
      'src/topology/ must stand alone (the model every layer reads)',
      from('topology').filter((e) => e.target && !under(e.target, 'topology')),
    );
  });

  it('providers/ never import commands/, plan/, lifecycle/, report/ or packer/', () => {
    expectNone(
      'src/providers/ speak the image model and plain data, never the layers above them',
      from('providers').filter((e) => under(e.target, 'commands', 'plan', 'lifecycle', 'report', 'packer')),
    );
  });

  it('plan/, lifecycle/, report/, packer/ and images/ never import commands/', () => {
    expectNone(
      'only the entry points import src/commands/ (the orchestration)',
      from('plan', 'lifecycle', 'report', 'packer', 'images').filter((e) => under(e.target, 'commands')),
    );
  });

  it('plan/, lifecycle/ and report/ never import providers/ (they use images/)', () => {
    expectNone(
      'src/plan/, src/lifecycle/ and src/report/ reach the clouds through src/images/, never src/providers/',
      from('plan', 'lifecycle', 'report').filter((e) => under(e.target, 'providers')),
    );
  });

  it.each(Object.keys(ACTIONS_PACKAGES))('%s is imported only by the files allowed to', (pkg) => {
    const allowed = Object.keys(ACTIONS_PACKAGES[pkg]);
    expectNone(
      `${pkg} may be imported only by ${allowed.join(', ')}`,
      EDGES.filter(
        (e) =>
          (e.specifier === pkg || e.specifier.startsWith(`${pkg}/`)) &&
          !allowed.some((a) => (a.endsWith('/') ? e.from.startsWith(a) : e.from === a)),
      ),
    );
  });
});
