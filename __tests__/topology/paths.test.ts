import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { outsideRepository, repositoryRoot, storeProblem, within } from '../../src/topology/paths.js';
import { removeTempDirs, tempDir } from '../helpers/tree.js';

afterAll(removeTempDirs);

describe('repositoryRoot', () => {
  it('is the nearest folder above holding .git', () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'repo/.git'), { recursive: true });
    mkdirSync(path.join(root, 'repo/infra/fleet'), { recursive: true });
    expect(repositoryRoot(path.join(root, 'repo/infra/fleet'))).toBe(path.join(root, 'repo'));
    // A worktree or submodule has a .git file, not a folder.
    mkdirSync(path.join(root, 'repo/sub/x'), { recursive: true });
    writeFileSync(path.join(root, 'repo/sub/.git'), 'gitdir: ../.git/modules/sub\n');
    expect(repositoryRoot(path.join(root, 'repo/sub/x'))).toBe(path.join(root, 'repo/sub'));
  });

  it('without .git: the working directory when it holds the topology, else the topology folder', () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'a/b'), { recursive: true });
    expect(repositoryRoot(path.join(root, 'a/b'))).toBe(path.join(root, 'a/b'));
    const cwd = process.cwd();
    try {
      process.chdir(path.join(root, 'a'));
      expect(repositoryRoot(path.join(root, 'a/b'))).toBe(path.join(root, 'a'));
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('outsideRepository', () => {
  const root = tempDir();
  const repo = path.join(root, 'repo');
  mkdirSync(path.join(repo, 'infra'), { recursive: true });
  mkdirSync(path.join(root, 'elsewhere'), { recursive: true });
  writeFileSync(path.join(root, 'elsewhere/x.yml'), '');
  symlinkSync(path.join(root, 'elsewhere'), path.join(repo, 'infra/out'));
  symlinkSync(path.join(repo, 'infra'), path.join(repo, 'in'));

  it.each([
    ['../site.yml', undefined],
    ['site.yml', undefined],
    ['../in/site.yml', undefined],
    ['../../elsewhere/x.yml', 'is outside the repository'],
    ['/etc/passwd', 'is an absolute path'],
    ['out/x.yml', 'leads through a symlink'],
    ['out/missing.yml', 'leads through a symlink'],
  ])('%s', (rel, problem) => {
    const found = outsideRepository(rel, path.join(repo, 'infra'), repo, 'playbook');
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found?.message).toContain(problem);
  });

  it('within() compares whole segments', () => {
    expect(within('/a/b', '/a/b')).toBe(true);
    expect(within('/a/b', '/a/b/c')).toBe(true);
    expect(within('/a/b', '/a/bc')).toBe(false);
    expect(within('/a/b', '/a')).toBe(false);
  });
});

describe('storeProblem', () => {
  it.each([
    ['.images', undefined],
    ['/var/lib/image-builder', undefined],
    ['/srv/images/', undefined],
    ['../images', 'is outside the repository'],
    ['/', 'is a system folder'],
    ['/usr', 'is a system folder'],
    ['/home/', 'is a system folder'],
    ['/var/lib/../lib/images', 'is not a normal absolute path'],
    ['/srv//images', 'is not a normal absolute path'],
  ])('%s', (store, problem) => {
    const repo = tempDir();
    const found = storeProblem(store, repo, repo);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found?.message).toContain(problem);
  });
});
