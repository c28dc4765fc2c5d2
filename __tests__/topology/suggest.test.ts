import { didYouMean, editDistance, quoteList, suggest } from '../../src/topology/suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['playbook', 'playbooks', 1],
    ['gpc', 'gcp', 1],
    ['kitten', 'sitting', 3],
    ['eu-central1', 'eu-central-1', 1],
  ])('%s -> %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('suggest', () => {
  const keys = ['extends', 'description', 'playbooks', 'variables', 'verify', 'build'];
  it.each([
    ['playbook', 'playbooks'],
    ['varaibles', 'variables'],
    ['Verify', 'verify'],
    ['extend', 'extends'],
    ['descr', 'description'],
  ])('suggests %s -> %s', (word, want) => {
    expect(suggest(word, keys)).toBe(want);
  });
  it('suggests a name the word abbreviates, the shortest first', () => {
    expect(suggest('cnt', ['name', 'count', 'content'])).toBe('count');
  });
  it('says nothing when nothing is close', () => {
    expect(suggest('zzz', keys)).toBeUndefined();
    expect(suggest('x', [])).toBeUndefined();
    expect(suggest('verify', keys)).toBeUndefined();
  });
});

describe('didYouMean', () => {
  it('suggests, else lists what is known, else falls back', () => {
    expect(didYouMean('awz', ['aws', 'gcp'], 'providers')).toBe('did you mean "aws"?');
    expect(didYouMean('zzz', ['aws', 'gcp'], 'providers')).toBe('known providers: "aws", "gcp"');
    expect(didYouMean('zzz', [], 'providers', 'add one')).toBe('add one');
  });
  it('shortens long lists', () => {
    expect(quoteList(['a', 'b', 'c'], 2)).toBe('"a", "b", and 1 more');
  });
});
