/**
 * Maps a path in the parsed data (["clouds", 0, "regions"]) back to the YAML
 * node it came from, and that node to a line and column.
 *
 * Position rules: a wrong value points at the value; an unknown key points at
 * the key; a missing key points at the map that lacks it; an empty value
 * (`key:` with nothing after it) points at its key.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Problem } from './errors.js';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];
/** Which part of a key/value pair a problem is about. */
export type Target = 'value' | 'key';

interface Found {
  /** The node at the full path, when every segment was found. */
  node?: Node | null;
  /** The key node of the last pair walked through. */
  key?: Node;
  /** The deepest node reached (the map or list that lacks the next segment). */
  deepest?: Node;
  found: boolean;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** Dotted path for messages: `clouds[0].regions.eu-central-1.instances[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || 'the top level';
}

export class Locator {
  /** Each map's pairs by key text, made on first use: a lookup stays cheap in a map of 100k keys. */
  private readonly index = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  private pairOf(map: YAMLMap, key: string): Pair | undefined {
    let pairs = this.index.get(map);
    if (!pairs) {
      pairs = new Map();
      // The first of repeated keys wins, as a linear search would find it.
      for (const pair of map.items) if (!pairs.has(keyText(pair.key))) pairs.set(keyText(pair.key), pair);
      this.index.set(map, pairs);
    }
    return pairs.get(key);
  }

  private deref(node: unknown): Node | null | undefined {
    if (isAlias(node)) return node.resolve(this.doc) as Node | undefined;
    return node as Node | null | undefined;
  }

  find(path: readonly PropertyKey[]): Found {
    let cur = this.deref(this.doc.contents);
    let key: Node | undefined;
    for (const seg of path) {
      if (isMap(cur)) {
        const pair = this.pairOf(cur, String(seg));
        if (!pair) return { deepest: cur, key, found: false };
        key = pair.key as Node;
        cur = this.deref(pair.value);
      } else if (isSeq(cur) && typeof seg === 'number' && seg < cur.items.length) {
        key = undefined;
        cur = this.deref(cur.items[seg]);
      } else {
        return { deepest: cur ?? undefined, key, found: false };
      }
    }
    return { node: cur, key, deepest: cur ?? undefined, found: true };
  }

  /** The node a problem about `path` should point at. */
  nodeFor(path: readonly PropertyKey[], target: Target = 'value'): Node | undefined {
    const found = this.find(path);
    if (!found.found) return found.deepest ?? found.key;
    if (target === 'key' && found.key) return found.key;
    const node = found.node;
    const empty = !node || (isScalar(node) && node.value === null && !node.source);
    if (empty) return found.key ?? found.deepest;
    return node;
  }

  /** A problem about the node at `path`. */
  problem(path: readonly PropertyKey[], message: string, hint: string, target: Target = 'value'): Problem {
    return this.problemAt(this.nodeFor(path, target), message, hint);
  }

  /** A problem about a node (the top of the file when there is none). */
  problemAt(node: Node | undefined, message: string, hint: string): Problem {
    const range = node?.range;
    if (!range) return { file: this.file, line: 1, col: 1, message, hint };
    const start = this.lines.linePos(range[0]);
    const end = this.lines.linePos(Math.max(range[0], range[1]));
    return { file: this.file, line: start.line, col: start.col, endLine: end.line, endCol: end.col, message, hint };
  }

  /** The 1-based line of the node at `path` (for "also defined at line N"). */
  lineOf(path: readonly PropertyKey[]): number | undefined {
    const node = this.nodeFor(path);
    return node?.range ? this.lines.linePos(node.range[0]).line : undefined;
  }
}
