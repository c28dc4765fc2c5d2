import { LineCounter, parseDocument } from 'yaml';
import { duplicateKeys } from '../../src/topology/duplicate-keys.js';

function repeated(text: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  expect(doc.errors).toEqual([]);
  return duplicateKeys(doc, lines);
}

/** What yaml's own (quadratic) check reports, for comparison. */
function yamlOwn(text: string) {
  const doc = parseDocument(text, { prettyErrors: true, lineCounter: new LineCounter() });
  return doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.linePos?.[0]);
}

describe('duplicateKeys', () => {
  test('finds nothing when every map has distinct keys, even if maps share keys', () => {
    expect(repeated('a: 1\nb:\n  a: 2\n  b: [ { a: 3 }, { a: 4 } ]\n')).toEqual([]);
  });

  test('points at the second and later occurrences, in file order, at any depth', () => {
    const text = [
      'images:', //            1
      '  base: {}', //         2
      '  app:', //             3
      '    extends: base', //  4
      '    extends: web', //   5
      '  base: {}', //         6
      'list:', //              7
      '  - { x: 1, x: 2 }', // 8
      'images: {}', //         9
    ].join('\n');
    expect(repeated(text)).toEqual([
      { line: 5, col: 5 },
      { line: 6, col: 3 },
      { line: 8, col: 13 },
      { line: 9, col: 1 },
    ]);
  });

  test('compares scalar keys by value: 1 and "1" differ, "a" and a match', () => {
    expect(repeated('1: x\n"1": y\n')).toEqual([]);
    expect(repeated('a: x\n"a": y\n')).toEqual([{ line: 2, col: 1 }]);
  });

  test('reports the same positions as the yaml library does', () => {
    const text = 'a: 1\nb:\n  c: 1\n  c: 2\n  d:\n    - { e: 1, e: 2, e: 3 }\na: 3\n';
    expect(repeated(text)).toEqual(yamlOwn(text));
    expect(repeated(text)).toHaveLength(4);
  });
});
