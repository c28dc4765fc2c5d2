/**
 * Turns zod issues into positioned problems whose message says what is wrong
 * and whose hint says what to write instead.
 */
import type { z } from 'zod';
import type { Problem } from './errors.js';
import { formatPath, type Locator } from './positions.js';
import { didYouMean, quoteList } from './suggest.js';

type Issue = z.core.$ZodIssue;
type SchemaLike = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

function defOf(schema: SchemaLike): Def {
  return schema._zod.def as unknown as Def;
}

/** Examples shown in hints, by key name. */
const EXAMPLES: Record<string, string> = {
  version: 'version: 1',
  images: 'images: { base: { playbooks: [builtin:provision.yml] } }',
  sources: 'sources: { debian12: { local: { suite: bookworm } } }',
  clouds: 'clouds: [ { name: lab, provider: local, regions: { rack1: { instances: [...] } } } ]',
  playbooks: 'playbooks: [builtin:provision.yml] (the bundled provisioning), or paths relative to topology.yml',
  variables: 'variables: { packages: [jq] }',
  build: 'build: { instance_type: t3.medium, disk_size_gb: 20 }',
  regions: 'regions: { eu-central-1: { instances: [ { name: node, image: base, os: debian12 } ] } }',
  instances: 'instances: [ { name: node, image: base, os: debian12, count: 2 } ]',
  image: 'image: base',
  os: 'os: debian12',
  provider: 'provider: aws',
  count: 'count: 1 (to run none, remove the instance)',
  keep: 'keep: 3',
  disk_size_gb: 'disk_size_gb: 20',
  retired: 'retired: [old-recipe]',
  accounts: 'accounts: ["123456789012"]',
  share: 'share: { accounts: ["123456789012"], public: false }',
  lifecycle: 'lifecycle: { keep: 3, retired: [] }',
  publisher: 'publisher: Debian',
  offer: 'offer: debian-12',
  sku: 'sku: 12-gen2',
  public: 'public: false',
};

const KINDS: Record<string, string> = {
  array: 'a list',
  object: 'a map',
  record: 'a map',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** The schema that validates the value at `path` (through optional, default, pipe...). */
export function schemaAt(root: SchemaLike, path: readonly PropertyKey[]): SchemaLike | undefined {
  let cur: SchemaLike | undefined = unwrap(root);
  for (const seg of path) {
    if (!cur) return undefined;
    const def: Def = defOf(cur);
    if (def.type === 'object') cur = (def.shape as Record<string, SchemaLike>)[String(seg)];
    else if (def.type === 'record') cur = def.valueType as SchemaLike;
    else if (def.type === 'array') cur = def.element as SchemaLike;
    else return undefined;
    cur = cur && unwrap(cur);
  }
  return cur;
}

function unwrap(schema: SchemaLike): SchemaLike {
  let cur = schema;
  for (;;) {
    const def = defOf(cur);
    if (['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(def.type)) {
      cur = def.innerType as SchemaLike;
    } else if (def.type === 'pipe') {
      const inner = def.in as SchemaLike;
      cur = defOf(inner).type === 'transform' ? (def.out as SchemaLike) : inner;
    } else {
      return cur;
    }
  }
}

/** The raw (parsed YAML) value at `path`, or undefined. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

/** `in images.base`, or `at the top level` for the root. */
export function inside(path: readonly PropertyKey[]): string {
  return path.length > 0 ? `in ${formatPath(path)}` : 'at the top level';
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Text for messages: long values are cut (a value may be a megabyte). */
function clipText(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** A short rendering of a value for messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `"${clipText(value)}"`;
  return String(value);
}

function example(key: PropertyKey | undefined, fallback: string): string {
  const ex = key === undefined ? undefined : EXAMPLES[String(key)];
  return ex ? `e.g. ${ex}` : fallback;
}

export interface IssueContext {
  locator: Locator;
  data: unknown;
  schema: SchemaLike;
}

/** One zod issue as problems (an unknown-keys issue yields one per key). */
export function issueToProblems(issue: Issue, ctx: IssueContext): Problem[] {
  const { locator, data } = ctx;
  const path = issue.path;
  const at = formatPath(path);
  const last = path[path.length - 1];
  const raw = valueAt(data, path);
  const parent = path.length > 0 ? valueAt(data, path.slice(0, -1)) : undefined;
  const missing = isMap(parent) && !Object.prototype.hasOwnProperty.call(parent, last as PropertyKey);

  if (missing && issue.code !== 'unrecognized_keys' && issue.code !== 'custom') {
    const hint = example(last, `add ${String(last)}: ...`);
    return [locator.problem(path, `missing required key "${String(last)}" ${inside(path.slice(0, -1))}`, hint)];
  }

  switch (issue.code) {
    case 'unrecognized_keys': {
      const found = schemaAt(ctx.schema, path);
      const shape = found ? (defOf(found).shape as Record<string, unknown> | undefined) : undefined;
      const allowed = shape ? Object.keys(shape) : [];
      return issue.keys.map((key) =>
        locator.problem(
          [...path, key],
          `unknown key "${clipText(key)}" ${inside(path)}`,
          didYouMean(key, allowed, 'keys here', 'remove it'),
          'key',
        ),
      );
    }
    case 'invalid_type': {
      const found = schemaAt(ctx.schema, path);
      const whole = issue.expected === 'number' && found !== undefined && /int/.test(String(defOf(found).format));
      const kind = KINDS[whole ? 'int' : issue.expected] ?? issue.expected;
      const fallback = kindHint(issue.expected);
      return [locator.problem(path, `${at} must be ${kind}, not ${describeValue(raw)}`, example(last, fallback))];
    }
    case 'too_small': {
      if (issue.origin === 'number' || issue.origin === 'int') {
        const bound = issue.inclusive ? `at least ${issue.minimum}` : `greater than ${issue.minimum}`;
        return [locator.problem(path, `${at} must be ${bound}, not ${describeValue(raw)}`, example(last, ''))];
      }
      const what = issue.origin === 'string' ? 'text' : 'list';
      return [locator.problem(path, `${at} must not be an empty ${what}`, example(last, 'give a value or remove the key'))];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      if (values.length === 1) {
        return [locator.problem(path, `${at} must be ${values[0]}, not ${describeValue(raw)}`, example(last, ''))];
      }
      const word = typeof raw === 'string' ? clipText(raw) : describeValue(raw);
      const hint = didYouMean(word, values, `${String(last)} values`);
      const suffix = hint.startsWith('did you mean') ? ` (one of ${quoteList(values)})` : '';
      return [locator.problem(path, `unknown ${String(last)} "${word}" ${inside(path.slice(0, -1))}`, hint + suffix)];
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { hint?: string; at?: 'key' | 'value' };
      return [locator.problem(path, issue.message.replaceAll('{at}', at), params.hint ?? '', params.at ?? 'value')];
    }
    default:
      return [locator.problem(path, `${at}: ${issue.message}`, '')];
  }
}

function kindHint(expected: string): string {
  switch (expected) {
    case 'array':
      return 'write a list: [a, b], or one "- item" a line';
    case 'object':
    case 'record':
      return 'write a map: "key: value" lines, or { key: value }';
    case 'boolean':
      return 'write true or false';
    case 'string':
      return 'write text (quote it if it looks like a number or a map)';
    default:
      return '';
  }
}
