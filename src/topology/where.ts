/**
 * Where something is in a loaded topology, for errors raised after loading
 * (a source the cloud could not resolve): the file is read again only then,
 * so loading keeps no positions it rarely needs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter } from 'yaml';
import { readDocument } from './document.js';
import { Locator, type Path } from './positions.js';

/** `topology.yml:12:7` (relative to the working folder when inside it), or the file alone when it cannot be read again. */
export function whereIs(file: string, at: Path): string {
  const relative = path.relative(process.cwd(), file);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  try {
    const lines = new LineCounter();
    const doc = readDocument(readFileSync(file, 'utf8'), shown, lines);
    const problem = new Locator(doc, lines, shown).problem(at, '', '', 'key');
    return `${shown}:${problem.line}:${problem.col}`;
  } catch {
    return shown;
  }
}
