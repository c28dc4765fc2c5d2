/**
 * The plan's view of the repository's history (commands/history.ts) in a real
 * git repository in a temp folder: files changed or newly present since a
 * build commit, a recipe's variables at that commit, and nothing (never an
 * error) where the checkout lacks the commit or there is no repository.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitHistory } from '../../src/commands/history.js';
import { buildCommit } from '../../src/util/git.js';
import { removeTempDirs, writeTree } from '../helpers/tree.js';

afterAll(removeTempDirs);

const TOPOLOGY = `version: 1
images:
  base:
    playbooks: [playbooks/site.yml]
    variables: { packages: [jq], port: 80 }
  web:
    extends: base
    variables: { port: 8080 }
`;

function repo() {
  const root = writeTree({
    'README.md': 'x\n',
    'infra/topology.yml': TOPOLOGY,
    'infra/playbooks/site.yml': '- hosts: all\n',
    'infra/playbooks/roles/a/tasks/main.yml': 'a\n',
  });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-C', root, ...args], { encoding: 'utf8' }).trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'one');
  const dir = path.join(root, 'infra');
  return { root, dir, git, commit: git('rev-parse', 'HEAD'), history: gitHistory({ dir, file: path.join(dir, 'topology.yml') }) };
}

describe('gitHistory', () => {
  it('names the files changed since a commit and those the commit did not hold, relative to the topology folder', () => {
    const { dir, git, commit, history } = repo();
    writeFileSync(path.join(dir, 'playbooks/roles/a/tasks/main.yml'), 'a changed\n');
    mkdirSync(path.join(dir, 'playbooks/roles/b/tasks'), { recursive: true });
    writeFileSync(path.join(dir, 'playbooks/roles/b/tasks/main.yml'), 'b\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'two');
    writeFileSync(path.join(dir, 'playbooks/site.yml'), '- hosts: all\n  roles: [a, b]\n'); // uncommitted: the checkout is what is built
    const files = ['playbooks/site.yml', 'playbooks/roles/a/tasks/main.yml', 'playbooks/roles/b/tasks/main.yml', 'topology.yml'];
    expect(history.changedSince(commit, files)).toEqual({
      changed: ['playbooks/roles/a/tasks/main.yml', 'playbooks/site.yml'],
      added: ['playbooks/roles/b/tasks/main.yml'],
    });
  });

  it("reads a recipe's variables as the topology at the commit resolved them (extends applied)", () => {
    const { dir, commit, history } = repo();
    writeFileSync(path.join(dir, 'topology.yml'), TOPOLOGY.replace('port: 8080', 'port: 9090'));
    expect(history.variablesAt(commit, 'web')).toEqual({ packages: ['jq'], port: 8080 });
    expect(history.variablesAt(commit, 'missing')).toBeUndefined();
  });

  it('answers undefined for a commit the checkout lacks, a malformed one, or a folder outside any repository', () => {
    const { history } = repo();
    expect(history.changedSince('0'.repeat(40), ['topology.yml'])).toBeUndefined();
    expect(history.variablesAt('0'.repeat(40), 'web')).toBeUndefined();
    expect(history.changedSince('--output=/tmp/x', ['topology.yml'])).toBeUndefined();
    const outside = writeTree({ 'topology.yml': TOPOLOGY });
    expect(
      gitHistory({ dir: outside, file: path.join(outside, 'topology.yml') }).changedSince('a'.repeat(40), ['topology.yml']),
    ).toBeUndefined();
  });

  it("the build commit: GITHUB_SHA in a workflow, else the checkout's HEAD, else none", () => {
    const { dir, commit } = repo();
    expect(buildCommit(dir, {})).toBe(commit);
    expect(buildCommit(dir, { GITHUB_SHA: 'b'.repeat(40) })).toBe('b'.repeat(40));
    expect(buildCommit(writeTree({}), {})).toBeUndefined();
  });
});
