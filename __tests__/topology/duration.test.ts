/** rebuild_after and delete_retired_after: durations as the topology writes them, their errors with positions, and inheritance. */
import { describe, expect, it } from '@jest/globals';
import { formatAge, parseDuration, retiredWindow } from '../../src/topology/duration.js';
import { parseTopology, resolveRecipe } from '../../src/topology/index.js';
import { problemsOf } from '../helpers/topology.js';
import { writeTree } from '../helpers/tree.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function topology(recipeLine: string, lifecycleLine = ''): string {
  return `version: 1
images:
  base:
    playbooks: [p.yml]
${recipeLine}
  web:
    extends: base
sources:
  debian12:
    local: { suite: bookworm }
clouds:
  - name: lab
    provider: local
    regions:
      rack1:
        instances:
          - { name: n, image: web, os: debian12 }
lifecycle:
  keep: 3
${lifecycleLine}
`;
}

describe('durations', () => {
  it('reads hours, days and weeks, and never; refuses anything else', () => {
    expect([parseDuration('12h'), parseDuration('30d'), parseDuration(' 2W '), parseDuration('never')]).toEqual([
      12 * HOUR,
      30 * DAY,
      14 * DAY,
      Infinity,
    ]);
    for (const bad of ['30', '30m', '0d', '-1d', '1.5d', 'd', '30 days', '999999d', '']) expect(parseDuration(bad)).toBeUndefined();
  });

  it('tells an age in hours below two days, else in days', () => {
    expect([formatAge(HOUR), formatAge(47 * HOUR), formatAge(2 * DAY), formatAge(41 * DAY + 5 * HOUR)]).toEqual([
      '1 hour',
      '47 hours',
      '2 days',
      '41 days',
    ]);
  });
});

describe('rebuild_after in the topology', () => {
  it('a recipe inherits it, the lifecycle holds the default, and neither enters the recipe as a variable', () => {
    const dir = writeTree({ 'p.yml': '- hosts: all\n  tasks: []\n' });
    const loaded = parseTopology(topology('    rebuild_after: 2w', '  rebuild_after: 30d'), `${dir}/topology.yml`);
    expect(loaded.lifecycle.rebuild_after).toBe('30d');
    expect(resolveRecipe(loaded, 'web')).toMatchObject({ rebuild_after: '2w', variables: {} });
  });

  it('a bad value is an error at its line and column, saying what to write', () => {
    const dir = writeTree({ 'p.yml': '- hosts: all\n  tasks: []\n' });
    const problems = problemsOf(topology('    rebuild_after: 30', '  rebuild_after: monthly'), `${dir}/topology.yml`);
    expect(problems.map((p) => [p.line, p.col, p.message])).toEqual([
      [5, 20, 'images.base.rebuild_after is 30, not a duration'],
      [20, 18, 'lifecycle.rebuild_after is "monthly", not a duration'],
    ]);
    expect(problems[0].hint).toBe(
      'write a whole number and a unit: 12h (hours), 30d (days) or 2w (weeks); or never, to rebuild only when something changed',
    );
  });
});

describe('lifecycle.delete_retired_after in the topology', () => {
  it('is read as written, defaults to 7d, and never means never deleted', () => {
    const dir = writeTree({ 'p.yml': '- hosts: all\n  tasks: []\n' });
    const file = `${dir}/topology.yml`;
    const unset = parseTopology(topology(''), file);
    expect(unset.lifecycle.delete_retired_after).toBeUndefined();
    expect(retiredWindow(unset.lifecycle)).toBe(7 * DAY);
    const twoWeeks = parseTopology(topology('', '  delete_retired_after: 2w'), file);
    expect([twoWeeks.lifecycle.delete_retired_after, retiredWindow(twoWeeks.lifecycle)]).toEqual(['2w', 14 * DAY]);
    expect(retiredWindow(parseTopology(topology('', '  delete_retired_after: never'), file).lifecycle)).toBe(Infinity);
  });

  it('a bad value is an error at its line and column, saying what to write and what never means there', () => {
    const dir = writeTree({ 'p.yml': '- hosts: all\n  tasks: []\n' });
    for (const [value, shown] of [
      ['7', '7'],
      ['7 days', '"7 days"'],
      ['[7d]', 'a list'],
    ]) {
      const problems = problemsOf(topology('', `  delete_retired_after: ${value}`), `${dir}/topology.yml`);
      expect(problems.map((p) => [p.line, p.col, p.message])).toEqual([
        [20, 25, `lifecycle.delete_retired_after is ${shown}, not a duration`],
      ]);
      expect(problems[0].hint).toBe(
        'write a whole number and a unit: 12h (hours), 30d (days) or 2w (weeks); or never, to deactivate retired images and never delete them',
      );
    }
  });
});
