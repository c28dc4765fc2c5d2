import { LineCounter, parseDocument } from 'yaml';
import { formatPath, Locator } from '../../src/topology/positions.js';

function locator(text: string) {
  const lines = new LineCounter();
  return new Locator(parseDocument(text, { lineCounter: lines }), lines, 'f.yml');
}

describe('formatPath', () => {
  it('writes keys dotted and indexes in brackets', () => {
    expect(formatPath(['clouds', 0, 'regions', 'eu-west-1', 'instances', 2, 'os'])).toBe('clouds[0].regions.eu-west-1.instances[2].os');
    expect(formatPath([])).toBe('the top level');
  });
});

describe('Locator', () => {
  const text = 'a:\n  b: [x, { c: 1 }]\n  empty:\nd: 2\n';
  const at = (path: (string | number)[], target?: 'key' | 'value') => {
    const p = locator(text).problem(path, 'm', 'h', target);
    return `${p.line}:${p.col}`;
  };
  it('points at values, keys, and into lists', () => {
    expect(at(['a', 'b'])).toBe('2:6');
    expect(at(['a', 'b'], 'key')).toBe('2:3');
    expect(at(['a', 'b', 1, 'c'])).toBe('2:15');
    expect(at(['d'])).toBe('4:4');
  });
  it('points a missing key at the map that lacks it, an empty value at its key', () => {
    expect(at(['a', 'nope'])).toBe('2:3');
    expect(at(['a', 'b', 1, 'nope'])).toBe('2:10');
    expect(at(['a', 'empty'])).toBe('3:3');
  });
  it('points at the top of an empty file', () => {
    const p = locator('').problem(['x'], 'm', 'h');
    expect([p.line, p.col]).toEqual([1, 1]);
  });
  it('follows aliases', () => {
    const p = locator('x: &m { k: 1 }\ny: *m\n').problem(['y', 'k'], 'm', 'h');
    expect([p.line, p.col]).toEqual([1, 12]);
  });
});
