/**
 * The owner of a topology's images (ib-owner): the namespace when given,
 * else the repository and the topology's path in it; always label-safe;
 * the same in a GitHub run and a local run of the same clone.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ownerValue, repositoryOfUrl, topologyOwner } from '../../src/topology/owner.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

afterAll(removeTempDirs);

/** GCP label values: lowercase letters, digits, `_` and `-`, at most 63 (labels.ts cites the rule). */
const LABEL_SAFE = /^[a-z0-9_-]{1,63}$/;
const NO_GITHUB = {};

/** A clone: `.git/config` with an origin remote, and a topology in `infra/`. */
function clone(url: string, topology = 'infra/topology.yml'): { root: string; file: string } {
  const root = writeTree({
    '.git/config': `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`,
    [topology]: 'version: 1\n',
  });
  return { root, file: path.join(root, topology) };
}

describe('topologyOwner', () => {
  it('takes the namespace as written, whatever the repository', () => {
    const { file } = clone('https://github.com/acme/images.git');
    expect(topologyOwner({ file, namespace: 'team-a' }, { GITHUB_REPOSITORY: 'acme/images' })).toEqual({
      value: 'team-a',
      from: 'namespace',
    });
  });

  it('derives <owner>-<repo>-<hash of repository and path> from GITHUB_REPOSITORY and the path from the repository root', () => {
    const { file } = clone('https://github.com/someone-else/fork.git');
    const owner = topologyOwner({ file }, { GITHUB_REPOSITORY: 'Acme/Images' });
    const hash = createHash('sha256').update('acme/images:infra/topology.yml').digest('hex').slice(0, 8);
    expect(owner).toEqual({
      value: `acme-images-${hash}`,
      from: 'GITHUB_REPOSITORY',
      repository: 'acme/images',
      path: 'infra/topology.yml',
    });
  });

  it('is the same in a GitHub run and a local run of a clone whose origin is the GitHub repository, in any URL form', () => {
    const github = topologyOwner({ file: clone('https://github.com/acme/images').file }, { GITHUB_REPOSITORY: 'acme/images' });
    for (const url of [
      'https://github.com/acme/images.git',
      'git@github.com:acme/images.git',
      'ssh://git@github.com:22/acme/images.git',
      'https://x-access-token:secret@github.com/Acme/Images',
    ]) {
      const local = topologyOwner({ file: clone(url).file }, NO_GITHUB);
      expect({ url, value: local.value, from: local.from }).toEqual({ url, value: github.value, from: 'git remote' });
    }
  });

  it('tells two topologies of one repository apart by their path', () => {
    const root = writeTree({
      '.git/config': '[remote "origin"]\n\turl = git@github.com:acme/images.git\n',
      'a/topology.yml': '',
      'b/topology.yml': '',
    });
    const a = topologyOwner({ file: path.join(root, 'a/topology.yml') }, NO_GITHUB);
    const b = topologyOwner({ file: path.join(root, 'b/topology.yml') }, NO_GITHUB);
    expect(a.value).not.toBe(b.value);
    expect([a.path, b.path]).toEqual(['a/topology.yml', 'b/topology.yml']);
  });

  it('falls back to the first remote, then to the folder name of the repository root', () => {
    const upstream = writeTree({ '.git/config': '[remote "upstream"]\n\turl = https://github.com/acme/images.git\n', 'topology.yml': '' });
    expect(topologyOwner({ file: path.join(upstream, 'topology.yml') }, NO_GITHUB)).toMatchObject({
      from: 'git remote',
      repository: 'acme/images',
    });
    const bare = writeTree({ '.git/HEAD': 'ref: refs/heads/main\n', 'sub/topology.yml': '' });
    expect(topologyOwner({ file: path.join(bare, 'sub/topology.yml') }, NO_GITHUB)).toMatchObject({
      from: 'folder name',
      repository: path.basename(bare).toLowerCase(),
      path: 'sub/topology.yml',
    });
  });

  it('finds the git folder of a worktree through its .git file and commondir', () => {
    const main = writeTree({
      '.git/config': '[remote "origin"]\n\turl = git@github.com:acme/images.git\n',
      '.git/worktrees/wt/commondir': '../..\n',
    });
    const worktree = writeTree({ '.git': `gitdir: ${path.join(main, '.git/worktrees/wt')}\n`, 'topology.yml': '' });
    expect(topologyOwner({ file: path.join(worktree, 'topology.yml') }, NO_GITHUB)).toMatchObject({
      from: 'git remote',
      repository: 'acme/images',
      path: 'topology.yml',
    });
  });

  it('is stable: the same inputs give the same value', () => {
    const { file } = clone('git@github.com:acme/images.git');
    expect(topologyOwner({ file }, NO_GITHUB)).toEqual(topologyOwner({ file }, NO_GITHUB));
  });
});

describe('ownerValue', () => {
  it('is label-safe and at most 63 characters, even for long or odd repository names', () => {
    const long = `${'o'.repeat(39)}/${'r'.repeat(100)}`;
    for (const repository of ['acme/images', long, 'Über.Org/my_repo.v2', '---/---', '']) {
      const value = ownerValue(repository, 'topology.yml');
      expect({ repository, value, safe: LABEL_SAFE.test(value) }).toEqual({ repository, value, safe: true });
      expect(value).toMatch(/^[a-z0-9][a-z0-9-]*-[0-9a-f]{8}$/);
    }
    expect(ownerValue('Über.Org/my_repo.v2', 't.yml')).toMatch(/^ber-org-my-repo-v2-[0-9a-f]{8}$/);
    expect(ownerValue('---/---', 't.yml')).toMatch(/^topology-[0-9a-f]{8}$/);
  });

  it('keeps long repositories apart: the hash covers the whole name, not only the readable part', () => {
    const prefix = 'a'.repeat(60);
    expect(ownerValue(`${prefix}/one`, 'topology.yml')).not.toBe(ownerValue(`${prefix}/two`, 'topology.yml'));
  });
});

describe('repositoryOfUrl', () => {
  it('keeps the last two path segments, never credentials or host', () => {
    expect(repositoryOfUrl('https://github.com/acme/images.git')).toBe('acme/images');
    expect(repositoryOfUrl('git@github.com:acme/images.git')).toBe('acme/images');
    expect(repositoryOfUrl('ssh://git@github.com:22/acme/images/')).toBe('acme/images');
    expect(repositoryOfUrl('https://user:token@gitlab.example.com/group/sub/images.git')).toBe('sub/images');
    expect(repositoryOfUrl('/srv/git/images.git')).toBe('git/images');
    expect(repositoryOfUrl('https://github.com/')).toBeUndefined();
  });
});
