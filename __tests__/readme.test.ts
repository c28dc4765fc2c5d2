import { readFileSync } from 'node:fs';
// @ts-expect-error plain ESM script without types
import { readmeTables, tablesIn } from '../scripts/readme-tables.mjs';

describe('README', () => {
  it('lists every input and output of action.yml, as action.yml says', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(tablesIn(readme)).toBe(readmeTables(readFileSync('action.yml', 'utf8')));
  });

  it('names only scripts and examples that exist', () => {
    const readme = readFileSync('README.md', 'utf8');
    const paths = [
      ...readme.matchAll(/(?<![\w./-])((?:scripts|examples|bin|playbooks|workflows|\.github\/workflows)\/[\w./-]+\.(?:sh|yml|js|mjs|md))/g),
    ].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(3);
    for (const p of new Set(paths))
      expect({
        path: p,
        exists: (() => {
          try {
            readFileSync(p);
            return true;
          } catch {
            return false;
          }
        })(),
      }).toEqual({ path: p, exists: true });
  });
});
