/**
 * Bounds what anchors and aliases may expand to (audit A02, A03). The yaml
 * library's `maxAliasCount` limits how many aliases there are, not what
 * they weigh: a 60k-key map aliased 999 times stays under it, and the
 * canonical JSON of the result exhausted the heap from a 0.8 MB file.
 *
 * One walk in file order computes, for every node, its size once expanded
 * (values, characters, nesting). An alias can only name an anchor defined
 * before it, so its target's size is known when the alias is met, unless
 * the target is one of the alias's own parents: a cycle, which would make
 * the data infinite.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Alias, type Document, type Node } from 'yaml';
import type { Problem } from './errors.js';
import { MAX_ALIAS_CHARS, MAX_ALIAS_VALUES, MAX_ALIASES, MAX_NESTING } from './limits.js';
import type { Locator } from './positions.js';

interface Size {
  values: number;
  chars: number;
  /** Levels of lists and maps (a scalar is 0). */
  depth: number;
}

const EMPTY: Size = { values: 0, chars: 0, depth: 0 };

class AliasWalk {
  private readonly sizes = new Map<Node, Size>();
  private readonly open = new Set<Node>();
  private addedValues = 0;
  private addedChars = 0;
  private count = 0;
  problem?: Problem;

  constructor(
    private readonly doc: Document,
    private readonly locator: Locator,
  ) {}

  /** The expanded size of `node`, found `level` lists and maps deep in the file. */
  size(node: unknown, level: number): Size {
    if (this.problem || node === null || node === undefined) return EMPTY;
    if (isAlias(node)) return this.alias(node, level);
    if (isScalar(node)) {
      const text = typeof node.value === 'string' ? node.value : String(node.value);
      return { values: 1, chars: text.length, depth: 0 };
    }
    if (!isMap(node) && !isSeq(node)) return EMPTY;
    this.open.add(node);
    let values = 1;
    let chars = 0;
    let depth = 0;
    for (const item of node.items) {
      const parts = isPair(item) ? [item.key, item.value] : [item];
      for (const part of parts) {
        const s = this.size(part, level + 1);
        values += s.values;
        chars += s.chars;
        depth = Math.max(depth, s.depth);
      }
    }
    this.open.delete(node);
    const size = { values, chars, depth: depth + 1 };
    this.sizes.set(node, size);
    return size;
  }

  private alias(alias: Alias, level: number): Size {
    const target = alias.resolve(this.doc) as Node | undefined;
    if (!target) return EMPTY; // an undefined anchor is a YAML error, reported before
    const name = `*${alias.source}`;
    if (++this.count > MAX_ALIASES) {
      return this.fail(
        alias,
        `more than ${MAX_ALIASES} aliases: this one (${name}) is alias number ${this.count}`,
        'repeat less: write shared data once and let recipes share it through extends',
      );
    }
    if (this.open.has(target)) {
      return this.fail(
        alias,
        `the alias ${name} is inside the node it names, so it would repeat for ever`,
        'remove the alias, or anchor a node that does not contain it',
      );
    }
    const size = this.sizes.get(target) ?? (isScalar(target) ? this.size(target, level) : EMPTY);
    this.addedValues += size.values;
    this.addedChars += size.chars;
    if (this.addedValues > MAX_ALIAS_VALUES || this.addedChars > MAX_ALIAS_CHARS) {
      return this.fail(
        alias,
        `aliases expand to too much data by this one (${name}): more than ${MAX_ALIAS_VALUES.toLocaleString('en')} values ` +
          `or ${MAX_ALIAS_CHARS / 1024 / 1024} MiB of text in all`,
        'repeat less: alias small maps and lists, or write the data once and let recipes share it through extends',
      );
    }
    if (level + size.depth > MAX_NESTING) {
      return this.fail(
        alias,
        `with ${name} expanded, lists and maps nest more than ${MAX_NESTING} levels deep here`,
        'flatten the data, or alias a smaller part of it',
      );
    }
    return size;
  }

  private fail(alias: Alias, message: string, hint: string): Size {
    this.problem ??= this.locator.problemAt(alias, message, hint);
    return EMPTY;
  }
}

/** The first problem with the document's aliases: a cycle, too many, too much expanded data, or too deep. */
export function aliasProblem(doc: Document, locator: Locator): Problem | undefined {
  const walk = new AliasWalk(doc, locator);
  walk.size(doc.contents, 0);
  return walk.problem;
}
