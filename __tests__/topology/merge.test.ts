import { clonePlain, deepMerge } from '../../src/topology/merge.js';

describe('deepMerge', () => {
  it('merges maps key by key, at any depth', () => {
    expect(deepMerge({ a: { b: 1, c: { d: 1 } }, e: 1 }, { a: { c: { f: 2 } }, g: 2 })).toEqual({
      a: { b: 1, c: { d: 1, f: 2 } },
      e: 1,
      g: 2,
    });
  });
  it('replaces lists and scalars, and a map by a scalar or a list', () => {
    expect(deepMerge({ l: [1, 2], s: 'a', m: { x: 1 } }, { l: [3], s: 'b', m: [1] })).toEqual({ l: [3], s: 'b', m: [1] });
    expect(deepMerge({ m: { x: 1 } }, { m: null })).toEqual({ m: null });
  });
  it('ignores undefined values of the child', () => {
    expect(deepMerge({ a: 1 }, { a: undefined })).toEqual({ a: 1 });
  });
  it('never modifies nor shares its inputs', () => {
    const parent = { m: { l: [1] } };
    const child = { n: { l: [2] } };
    const out = deepMerge(parent, child);
    (out.m as { l: number[] }).l.push(9);
    (out.n as { l: number[] }).l.push(9);
    expect(parent).toEqual({ m: { l: [1] } });
    expect(child).toEqual({ n: { l: [2] } });
  });
});

describe('clonePlain', () => {
  it('copies nested maps and lists', () => {
    const value = { a: [{ b: 1 }] };
    const copy = clonePlain(value);
    expect(copy).toEqual(value);
    expect(copy.a[0]).not.toBe(value.a[0]);
  });
});
