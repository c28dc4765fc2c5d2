/**
 * Bad input, table-driven (bad-input-cases.ts): every case must fail with a
 * TopologyError whose problem sits at the expected line and column and says
 * what is wrong and what to write instead; the error carries no stack trace;
 * nothing is written. A handful run through the CLI (src/cli.ts), which must
 * exit 1, print `file:line:col`, print no stack trace and write no plan file.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../../src/cli.js';
import { loadTopology, TopologyError } from '../../src/topology/index.js';
import { removeTempDirs, tempDir } from '../helpers/tree.js';
import { CASES, MARK, cloud, topology, type BadCase } from './bad-input-cases.js';

afterAll(removeTempDirs);

/** 1-based line and column of offset `at` in `text`, counted as the YAML positions are (a leading BOM is not a character). */
function position(text: string, at: number): { line: number; col: number } {
  const start = text.startsWith('\ufeff') ? 1 : 0;
  const before = text.slice(start, at);
  const lines = before.split('\n');
  return { line: lines.length, col: lines[lines.length - 1].length + 1 };
}

interface Prepared {
  root: string;
  repo: string;
  file: string;
  line: number;
  col: number;
}

/** The case's tree: repo/.git, repo/playbooks, outside/x.yml, and the topology file. */
function prepare(c: BadCase): Prepared {
  const root = tempDir('ib-bad-');
  const repo = path.join(root, 'repo');
  mkdirSync(path.join(repo, '.git'), { recursive: true });
  mkdirSync(path.join(repo, 'playbooks'), { recursive: true });
  mkdirSync(path.join(root, 'outside'), { recursive: true });
  writeFileSync(path.join(repo, 'playbooks/provision.yml'), '- name: Provision\n  hosts: all\n  tasks: []\n');
  writeFileSync(path.join(repo, 'playbooks/verify.yml'), '- name: Verify\n  hosts: all\n  tasks: []\n');
  writeFileSync(path.join(root, 'outside/x.yml'), '- name: Outside\n  hosts: all\n  tasks: []\n');
  const file = path.resolve(repo, c.load ?? 'topology.yml');
  let line = c.line ?? 1;
  let col = c.col ?? 1;
  if (c.text !== undefined) {
    const at = c.text.indexOf(MARK);
    if (at >= 0) ({ line, col } = position(c.text, at));
    const text = c.text.replace(MARK, '');
    const bytes = c.bad
      ? Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(c.bad), Buffer.from(text.slice(at))])
      : Buffer.from(text);
    writeFileSync(file, bytes);
  }
  c.setup?.(root, repo);
  return { root, repo, file, line, col };
}

/** Every file under `dir` with its size and time, to see that nothing was written. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const p = path.join(e.parentPath, e.name);
      const s = statSync(p);
      return `${path.relative(dir, p)} ${s.size} ${s.mtimeMs}`;
    })
    .sort();
}

async function problemsOf(file: string): Promise<TopologyError> {
  try {
    await loadTopology(file);
  } catch (error) {
    if (error instanceof TopologyError) return error;
    throw new Error(`not a TopologyError: ${(error as Error).stack}`, { cause: error });
  }
  throw new Error('the topology loaded without problems');
}

describe('bad input', () => {
  it('has at least 100 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const p = prepare(c);
    const before = snapshot(p.root);
    const error = await problemsOf(p.file);
    const where = error.problems.map((x) => `${x.line}:${x.col} ${x.message}`);
    const found = error.problems.find((x) => x.line === p.line && x.col === p.col && x.message.includes(c.message));
    if (!found) throw new Error(`no problem at ${p.line}:${p.col} saying "${c.message}"; got:\n${where.join('\n')}`);
    expect(found.file).toBe(p.file);
    expect(found.hint.length).toBeGreaterThan(0);
    if (c.hint) expect(found.hint).toContain(c.hint);
    expect(error.message).toContain(`${p.file}:${p.line}:${p.col}: `);
    expect(error.message).not.toMatch(/\n\s+at /);
    expect(found.message.length + found.hint.length).toBeLessThan(600);
    expect(snapshot(p.root)).toEqual(before);
  });
});

describe('what the checks let through', () => {
  const loads = async (text: string, setup?: BadCase['setup']) => {
    const p = prepare({ name: 'valid', text, message: '', setup });
    return loadTopology(p.file);
  };

  it.each([
    [
      'aws',
      [
        'eu-central-1',
        'us-gov-west-1',
        'cn-northwest-1',
        'us-iso-east-1',
        'us-isob-east-1',
        'eu-isoe-west-1',
        'us-isof-south-1',
        'eusc-de-east-1',
        'il-central-1',
        'ap-southeast-7',
      ],
    ],
    ['gcp', ['europe-west1', 'northamerica-northeast1', 'me-central2', 'europe-west12', 'us-east5', 'africa-south1']],
    ['azure', ['westeurope', 'eastus2', 'usgovvirginia', 'australiacentral2', 'eastus2euap', 'swedencentral']],
    ['local', ['rack1', 'rack-2', 'r.1', '0rack', 'lab_a']],
  ])('region names of %s as each provider writes them', async (provider, regions) => {
    for (const region of regions) {
      const t = await loads(topology({ clouds: cloud(provider, region) }));
      expect(Object.keys(t.clouds[0].regions)).toEqual([region]);
    }
  });

  it('templates in recipe variables and descriptions, which go to Ansible literally', async () => {
    const t = await loads(
      topology({
        recipe: `    description: "{{ not for packer }}"\n`,
        variables: `      motd: "{{ lookup('pipe', 'id') }}"\n      nested: { list: ["{% raw %}", { k: "{{ x }}" }] }\n`,
      }),
    );
    expect(t.images.base.variables).toMatchObject({
      motd: "{{ lookup('pipe', 'id') }}",
      nested: { list: ['{% raw %}', { k: '{{ x }}' }] },
    });
  });

  it('suites and mirrors as Debian writes them', async () => {
    const t = await loads(
      topology({
        sources:
          '  other:\n    local: { suite: trixie, mirror: "http://mirror.example.org:8080/debian/" }\n  sid:\n    local: { suite: sid }\n',
      }),
    );
    expect(t.sources.other.local).toMatchObject({ suite: 'trixie', mirror: 'http://mirror.example.org:8080/debian/' });
  });

  it('paths inside the repository: above the topology folder, through a symlink inside, an absolute store', async () => {
    const p = prepare({ name: 'valid', message: '' });
    mkdirSync(path.join(p.repo, 'infra'));
    mkdirSync(path.join(p.repo, 'shared'));
    writeFileSync(path.join(p.repo, 'shared/site.yml'), '- hosts: all\n');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(path.join(p.repo, 'shared'), path.join(p.repo, 'infra/linked'));
    const text = topology({ clouds: cloud('local', 'rack1', '    store: /var/lib/image-builder\n') })
      .replace('playbooks: [playbooks/provision.yml]', 'playbooks: [../playbooks/provision.yml, linked/site.yml]')
      .replace('    variables:', '    verify: ../playbooks/verify.yml\n    variables:');
    writeFileSync(path.join(p.repo, 'infra/topology.yml'), text);
    const t = await loadTopology(path.join(p.repo, 'infra/topology.yml'));
    expect(t.images.base.playbooks).toEqual(['../playbooks/provision.yml', 'linked/site.yml']);
    expect(t.clouds[0].store).toBe('/var/lib/image-builder');
  });

  it('anchors and aliases of modest size', async () => {
    const t = await loads(
      topology({
        variables: `      common: &common { a: 1, b: [x, y] }\n      copies: [${Array.from({ length: 50 }, () => '*common').join(', ')}]\n`,
      }),
    );
    expect((t.images.base.variables as { copies: unknown[] }).copies).toHaveLength(50);
    // An anchor holding 20 aliases, used 60 times: the yaml library's own heuristic (uses x aliases
    // inside > maxAliasCount) refused this at 1:1; it expands to a few thousand values.
    const inner = Array.from({ length: 20 }, () => '*s').join(', ');
    const nested = await loads(
      topology({ variables: `      s: &s x\n      a: &a [${inner}]\n      l: [${Array.from({ length: 60 }, () => '*a').join(', ')}]\n` }),
    );
    expect((nested.images.base.variables as { l: string[][] }).l.flat()).toHaveLength(1200);
  });

  it('a 1.5 MB topology of 5,000 instances and a long value', async () => {
    const instances = Array.from({ length: 5_000 }, (_, i) => `          - { name: node-${i}, image: base, os: debian12, count: 1 }`);
    const clouds = `  - name: lab\n    provider: local\n    regions:\n      rack1:\n        instances:\n${instances.join('\n')}\n`;
    const text = topology({ clouds, variables: `      motd: "${'m'.repeat(1_200_000)}"\n` });
    expect(Buffer.byteLength(text)).toBeGreaterThan(1_500_000);
    const t = await loads(text);
    expect(t.clouds[0].regions.rack1.instances).toHaveLength(5_000);
  });
});

/** What cli() writes to stdout and stderr, and the exit code it sets. */
async function run(argv: string[]): Promise<{ out: string; err: string; code: number | string | undefined }> {
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const before = process.exitCode;
  let out = '';
  let err = '';
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    await cli(argv);
    return { out, err, code: process.exitCode };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = before;
  }
}

describe('bad input through the CLI (plan --offline)', () => {
  const picked = [
    'A03 a 60k-key anchored map aliased 999 times',
    'A02 a 1 MB string aliased 999 times',
    'A03 20,000 nested "[" (aborted Node in the YAML library)',
    'A09 a Latin-1 byte in a value',
    'A44 !!binary (would be a Buffer)',
    'B8 a playbook path with {{ uuid }} (became a random id)',
    'B8 an AWS availability zone',
    'B8 a suite that is a debootstrap option',
    'A27 a playbook that is a symlink to a file outside',
    'A03 a file over 5 MiB',
  ];

  it.each(picked)('%s', async (name) => {
    const c = CASES.find((x) => x.name === name) as BadCase;
    expect(c).toBeDefined();
    const p = prepare(c);
    const planFile = path.join(p.root, 'plan', 'plan.json');
    const before = snapshot(p.root);
    const result = await run(['plan', '--offline', '--topology', p.file, '--plan-file', planFile]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`${p.file}:${p.line}:${p.col}: `);
    expect(result.err).toContain(c.message);
    expect(result.err + result.out).not.toMatch(/\n\s+at /);
    expect(snapshot(p.root)).toEqual(before);
  });
});
