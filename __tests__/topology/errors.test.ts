import { formatProblem, sortProblems, TopologyError, type Problem } from '../../src/topology/errors.js';

const p = (line: number, col: number, message: string, hint = ''): Problem => ({ file: 't.yml', line, col, message, hint });

describe('TopologyError', () => {
  it('formats each problem as file:line:col: message — hint', () => {
    expect(formatProblem(p(12, 9, 'unknown key "playbook" in images.base', 'did you mean "playbooks"?'))).toBe(
      't.yml:12:9: unknown key "playbook" in images.base — did you mean "playbooks"?',
    );
    expect(formatProblem(p(1, 1, 'no hint'))).toBe('t.yml:1:1: no hint');
  });

  it('keeps every problem, sorted by position, without exact repeats', () => {
    const error = new TopologyError('t.yml', [p(9, 1, 'b'), p(2, 5, 'a'), p(9, 1, 'b'), p(2, 3, 'c')]);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TopologyError');
    expect(error.problems.map((x) => `${x.line}:${x.col}:${x.message}`)).toEqual(['2:3:c', '2:5:a', '9:1:b']);
    expect(error.message).toBe(['t.yml: 3 problems in the topology file', 't.yml:2:3: c', 't.yml:2:5: a', 't.yml:9:1: b'].join('\n'));
  });

  it('says "1 problem" for one', () => {
    expect(new TopologyError('t.yml', [p(1, 1, 'x')]).message.split('\n')[0]).toBe('t.yml: 1 problem in the topology file');
    expect(sortProblems([])).toEqual([]);
  });
});
