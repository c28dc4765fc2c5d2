import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readResults, resultFile, writeResult, type BuildResult } from '../../src/commands/results.js';
import { removeTempDirs, tempDir } from '../helpers/tree.js';

afterAll(removeTempDirs);

const RESULT: BuildResult = {
  version: 1,
  cloud: 'lab',
  provider: 'local',
  image: 'base',
  os: 'debian12',
  fingerprint: '0123456789abcdef',
  name: 'ib-base-debian12-0123456789abcdef',
  region: 'rack1',
  regions: ['rack1'],
  imageId: 'rack1/ib-base-debian12-0123456789abcdef',
  builtAt: '2026-01-01T00:00:00.000Z',
  durationSeconds: 1,
  packerVersion: '1.6.6',
  verified: 'unverified',
};

describe('result files', () => {
  it('round-trip, from subfolders too', async () => {
    const dir = tempDir();
    await writeResult(path.join(dir, 'artifact-1'), RESULT);
    await writeResult(dir, { ...RESULT, cloud: 'lab2', verified: 'passed', verifiedAt: '2026-01-02T00:00:00.000Z' });
    // In the order of their paths: artifact-1/lab--…, then lab2--….
    expect(await readResults(dir)).toEqual([
      RESULT,
      { ...RESULT, cloud: 'lab2', verified: 'passed', verifiedAt: '2026-01-02T00:00:00.000Z' },
    ]);
  });

  // Audit section 8: a result whose name held "../" made verify write outside the results folder.
  it.each([
    ['name', '../../escape'],
    ['name', 'a/b'],
    ['name', 'a\\b'],
    ['name', '..'],
    ['name', 'x..y'],
    ['name', '.hidden'],
    ['name', ''],
    ['cloud', '/etc'],
    ['cloud', 'lab/..'],
  ] as const)('refuse a %s of %j: no file is written', async (field, value) => {
    const dir = tempDir();
    const results = path.join(dir, 'results');
    await expect(writeResult(results, { ...RESULT, [field]: value })).rejects.toThrow(
      new RegExp(`a build result's ${field} .* cannot name a file in .*: it must be one name of letters, digits`),
    );
    expect(() => resultFile(results, { ...RESULT, [field]: value })).toThrow(/cannot name a file/);
    const written = readdirSync(dir, { recursive: true }).map(String);
    expect(written.filter((f) => f.endsWith('.json') || f.includes('tmp'))).toEqual([]);
  });

  // Audit A35: garbage result files gave raw JavaScript errors.
  it.each([
    ['null', 'null', /is not a build result \(check \(the whole file\)\)/],
    ['an empty object', '{}', /is not a build result \(check version, cloud, provider/],
    ['a list', '[1, 2]', /is not a build result \(check \(the whole file\)\)/],
    ['text', 'hello', /is not a build result: not JSON/],
    ['an empty file', '', /is not a build result: not JSON/],
    ['a name with a path', JSON.stringify({ ...RESULT, name: '../../x' }), /is not a build result \(check name\)/],
    ['an unknown verdict', JSON.stringify({ ...RESULT, verified: 'maybe' }), /is not a build result \(check verified\)/],
    ['regions that are not a list', JSON.stringify({ ...RESULT, regions: 'rack1' }), /is not a build result \(check regions\)/],
  ])('%s: a clear error naming the file, and what to do', async (_what, text, message) => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'artifact'));
    const file = path.join(dir, 'artifact', 'lab--x.json');
    writeFileSync(file, text);
    const error = await readResults(dir).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toContain("download the build job's artifact again");
    expect((error as Error).message).not.toMatch(/Cannot read properties|TypeError/);
  });

  it('skips a folder whose name ends in .json; a missing results folder holds no results', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'odd.json'));
    await writeResult(dir, RESULT);
    expect(await readResults(dir)).toEqual([RESULT]);
    expect(await readResults(path.join(dir, 'none'))).toEqual([]);
    expect(existsSync(path.join(dir, 'none'))).toBe(false);
  });
});
