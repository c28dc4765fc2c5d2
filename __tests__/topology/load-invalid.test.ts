/**
 * Every file in fixtures/topology/invalid/ is a topology with known mistakes.
 * Its first lines state what the loader must report, exactly and nothing more:
 *   # expect: LINE:COL | part of the message | part of the hint
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problemsOf } from '../helpers/topology.js';

const dir = join(process.cwd(), '__tests__/fixtures/topology/invalid');

interface Expected {
  line: number;
  col: number;
  message: string;
  hint: string;
}

function expectations(text: string): Expected[] {
  return text
    .split('\n')
    .map((line) => /^# expect: (\d+):(\d+) \| (.+?) \| (.+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ line: Number(m[1]), col: Number(m[2]), message: m[3], hint: m[4] }));
}

const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((f) => [f.replace(/\.yml$/, ''), f] as const);

describe('invalid topologies', () => {
  it('has at least 35 cases, each with an expectation', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
    for (const [, f] of cases) expect(expectations(readFileSync(join(dir, f), 'utf8')).length).toBeGreaterThan(0);
  });

  it.each(cases)('%s', (_name, f) => {
    const file = join(dir, f);
    const text = readFileSync(file, 'utf8');
    const problems = problemsOf(text, file);
    const got = problems.map((p) => ({ line: p.line, col: p.col, message: p.message, hint: p.hint }));
    const want = expectations(text).map((e) => ({
      line: e.line,
      col: e.col,
      message: expect.stringContaining(e.message),
      hint: expect.stringContaining(e.hint),
    }));
    expect(got).toEqual(want);
    for (const p of problems) expect(p.file).toBe(file);
  });
});
