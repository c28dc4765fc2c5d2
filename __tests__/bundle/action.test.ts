/**
 * The bundle a user runs: `node dist/index.js` as the action (inputs through
 * INPUT_* variables, outputs through a GITHUB_OUTPUT file) and through the
 * CLI (bin/image-builder.js). Build it first: `npm run build`.
 *
 * A module hook (node --import) records every file the ESM loader loads, so
 * the tests see which ncc chunks (dist/NNN.index.js) a plan pulls in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fingerprinted } from '../../src/plan/images.js';
import { parseInputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import { imageTags } from '../../src/images/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { topologyOwner } from '../../src/topology/owner.js';
import { startEc2Fake, type Ec2Fake } from '../fakes/aws/server.js';
import { mirrorEnv, TEST_BOOKWORM } from '../helpers/mirror-env.js';
import { releaseFile } from '../fakes/debian/mirror.js';
import { createHash } from 'node:crypto';
import { parseOutputs } from '../helpers/action-run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist');
const BUNDLE = path.join(DIST, 'index.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  chunks: string[];
}

let hooks: string;
beforeAll(() => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
  hooks = mkdtempSync(path.join(os.tmpdir(), 'ib-hooks-'));
  writeFileSync(
    path.join(hooks, 'hooks.mjs'),
    [
      "import { appendFileSync } from 'node:fs';",
      'export async function load(url, context, next) {',
      "  if (process.env.IB_LOAD_LOG && url.startsWith('file:')) appendFileSync(process.env.IB_LOAD_LOG, url + '\\n');",
      '  return next(url, context);',
      '}',
    ].join('\n'),
  );
  writeFileSync(
    path.join(hooks, 'register.mjs'),
    "import { register } from 'node:module';\nregister(new URL('./hooks.mjs', import.meta.url));\n",
  );
});

/** Runs `node [--import hook] args` in `cwd` with only `env` (plus PATH and HOME). */
function run(cwd: string, args: string[], env: Record<string, string>): Promise<Run> {
  const files = mkdtempSync(path.join(os.tmpdir(), 'ib-run-'));
  const paths = { output: path.join(files, 'output'), summary: path.join(files, 'summary.md'), loads: path.join(files, 'loads') };
  for (const file of Object.values(paths)) writeFileSync(file, '');
  const fullEnv = {
    PATH: process.env.PATH ?? '',
    HOME: files,
    GITHUB_OUTPUT: paths.output,
    GITHUB_STEP_SUMMARY: paths.summary,
    IB_LOAD_LOG: paths.loads,
    // The stand-in Debian mirror (helpers/test-mirror.ts): an online plan of a local source reads its Release there.
    ...mirrorEnv(),
    ...env,
  };
  const argv = ['--import', pathToFileURL(path.join(hooks, 'register.mjs')).href, ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd, env: fullEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const chunks = readFileSync(paths.loads, 'utf8')
        .split('\n')
        .filter((u) => u.startsWith(pathToFileURL(DIST).href + '/'))
        .map((u) => path.basename(fileURLToPath(u)));
      resolve({
        code,
        stdout,
        stderr,
        outputs: parseOutputs(readFileSync(paths.output, 'utf8')),
        summary: readFileSync(paths.summary, 'utf8'),
        chunks: [...new Set(chunks)].sort(),
      });
    });
  });
}

/** Which SDK each chunk carries, read from its content (chunk ids change between builds). */
function chunkKinds(): Record<string, string[]> {
  const markers: Record<string, RegExp> = {
    aws: /DescribeImagesCommand|createAwsProvider/,
    gcp: /google\.cloud\.compute\.v1|createGcpProvider|GoogleAuth/,
    azure: /ComputeManagementClient|DefaultAzureCredential|createAzureProvider/,
  };
  const kinds: Record<string, string[]> = { aws: [], gcp: [], azure: [] };
  for (const file of readdirSync(DIST).filter((f) => /^\d+\.index\.js$/.test(f))) {
    const text = readFileSync(path.join(DIST, file), 'utf8');
    for (const [kind, re] of Object.entries(markers)) if (re.test(text)) kinds[kind].push(file);
  }
  return kinds;
}

/** The local example in a temp dir, with the repository's playbooks where it expects them. */
function localExample(): { dir: string; topology: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ib-bundle-'));
  mkdirSync(path.join(root, 'examples/local'), { recursive: true });
  writeFileSync(path.join(root, 'examples/local/topology.yml'), readFileSync(path.join(ROOT, 'examples/local/topology.yml')));
  // Playbooks must lie inside the topology's repository, symlinks resolved (src/topology/paths.ts): a copy, in a folder marked as one.
  mkdirSync(path.join(root, '.git'));
  cpSync(path.join(ROOT, 'playbooks'), path.join(root, 'playbooks'), { recursive: true });
  return { dir: root, topology: 'examples/local/topology.yml' };
}

async function expectedCells(dir: string, topology: string) {
  const file = path.join(dir, topology);
  const images = fingerprinted(
    await loadTopology(file),
    parseInputs(() => ''),
  );
  return images.map((i) => ({
    cloud: i.cloud,
    provider: i.provider,
    image: i.image,
    os: i.os,
    fingerprint: i.fingerprint,
    name: i.name,
    region: i.buildRegion,
    regions: i.regions,
  }));
}

/**
 * A local cell as an online plan writes it: the base image it resolved (the
 * stand-in mirror's bookworm Release: sha256 of the file, its Date) and why
 * it is built.
 */
function newLocalCell(cell: Awaited<ReturnType<typeof expectedCells>>[number]) {
  const release = releaseFile('bookworm', TEST_BOOKWORM);
  return {
    ...cell,
    resolved: {
      id: `sha256:${createHash('sha256').update(release).digest('hex').slice(0, 16)}`,
      name: `bookworm ${TEST_BOOKWORM.date}`,
      created: new Date(TEST_BOOKWORM.date).toISOString(),
      pinned: false,
    },
    why: `new line: ${cell.cloud} has no ${cell.image}/${cell.os} image yet`,
  };
}

describe('node dist/index.js (the action)', () => {
  it('plans the local example: exact outputs, plan file and job summary', async () => {
    const { dir, topology } = localExample();
    const cells = (await expectedCells(dir, topology)).map(newLocalCell);
    const r = await run(dir, [BUNDLE], { INPUT_TOPOLOGY: topology, 'INPUT_PLAN-FILE': 'out/plan.json' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(cells.map((c) => c.image)).toEqual(['base', 'web']);
    expect(r.outputs).toEqual({
      matrix: JSON.stringify({ include: cells }),
      'has-builds': 'true',
      'build-count': '2',
      'copy-count': '1',
      'retire-count': '0',
      'chunk-count': '1',
      chunks: '[0]',
      'plan-file': path.join(dir, 'out/plan.json'),
      providers: '["local"]',
    });
    const plan = JSON.parse(readFileSync(path.join(dir, 'out/plan.json'), 'utf8'));
    expect(plan).toMatchObject({ version: 1, offline: false, builds: cells, retirements: [] });
    expect(r.summary).toContain('## Image plan\n\n2 builds, 1 copy, 0 retirements for 2 images');
    expect(r.summary).toContain('```mermaid');
    const kinds = chunkKinds();
    expect(r.chunks.filter((c) => [...kinds.aws, ...kinds.gcp, ...kinds.azure].includes(c))).toEqual([]);
  });

  it('has nothing to build once the store holds every image', async () => {
    const { dir, topology } = localExample();
    const cells = await expectedCells(dir, topology);
    const topo = await loadTopology(path.join(dir, topology));
    const store = new LocalProvider(topo.clouds[0], { baseDir: topo.dir });
    for (const cell of cells) {
      for (const region of cell.regions) {
        await store.add(
          {
            name: cell.name,
            cloud: cell.cloud,
            region,
            fingerprint: cell.fingerprint,
            image: cell.image,
            os: cell.os,
            state: 'available',
            channel: 'gold',
            verified: 'passed',
            createdAt: '2025-01-01T00:00:00.000Z',
            // The owner as the bundle derives it, in its environment (no GITHUB_REPOSITORY).
            tags: imageTags({
              fingerprint: cell.fingerprint,
              image: cell.image,
              os: cell.os,
              cloud: cell.cloud,
              owner: topologyOwner(topo, {}).value,
              channel: 'gold',
            }),
          },
          {},
        );
      }
    }
    const r = await run(dir, [BUNDLE], { INPUT_TOPOLOGY: topology, 'INPUT_PLAN-FILE': 'plan.json' });
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({
      matrix: '{"include":[]}',
      'has-builds': 'false',
      'build-count': '0',
      'copy-count': '0',
      'retire-count': '0',
      'chunk-count': '1',
      chunks: '[0]',
      'plan-file': path.join(dir, 'plan.json'),
      providers: '["local"]',
    });
    expect(r.summary).toContain('0 builds, 0 copies, 0 retirements for 2 images');
  });

  it('fails a bad topology with one annotation per problem, at its line and column, and no stack trace', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-bundle-'));
    writeFileSync(path.join(dir, 'topology.yml'), 'version: 1\nimages: {}\nclouds:\n  - name: x\n    provider: nope\n');
    const r = await run(dir, [BUNDLE], { INPUT_TOPOLOGY: 'topology.yml' });
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^::error title=topology,file=topology\.yml,line=1,col=1::missing required key "sources"/),
      expect.stringMatching(/^::error title=topology,file=topology\.yml,line=2,col=9::images is empty/),
      expect.stringMatching(/^::error title=topology,file=topology\.yml,line=4,col=5::missing required key "regions" in clouds\[0\]/),
      '::error title=topology,file=topology.yml,line=5,col=15::unknown provider "nope" in clouds[0] — known provider values: "aws", "gcp", "azure", "local", "openstack"',
      '::error::image-builder: topology.yml: 4 problems in the topology file (see above)',
    ]);
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^ {4}at /m);
    expect(r.outputs).toEqual({});
  });

  it('fails an unknown command, saying which ones exist', async () => {
    const { dir, topology } = localExample();
    const r = await run(dir, [BUNDLE], { INPUT_COMMAND: 'deploy', INPUT_TOPOLOGY: topology });
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe(
      '::error::image-builder: input "command" is "deploy": write one of plan, build, verify, distribute, lifecycle',
    );
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/^ {4}at /m);
  });

  it('serves the CLI: image-builder plan --topology FILE --json prints the plan', async () => {
    const { dir, topology } = localExample();
    const cells = (await expectedCells(dir, topology)).map(newLocalCell);
    const r = await run(
      dir,
      [path.join(ROOT, 'bin/image-builder.js'), 'plan', '--topology', topology, '--json', '--plan-file', 'p.json'],
      {},
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.builds).toEqual(cells);
    expect(plan).toEqual(JSON.parse(readFileSync(path.join(dir, 'p.json'), 'utf8')));
    expect(r.outputs).toEqual({});
  });
});

describe('node dist/index.js against the EC2 fake', () => {
  let ec2: Ec2Fake;
  beforeAll(async () => {
    ec2 = await startEc2Fake({ account: '123456789012' });
  });
  afterAll(async () => ec2?.close());

  it('plans an AWS cloud from AWS_ENDPOINT_URL_EC2, loading the AWS chunk and no GCP or Azure code', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ib-bundle-aws-'));
    mkdirSync(path.join(dir, 'playbooks'));
    writeFileSync(path.join(dir, 'playbooks/provision.yml'), '- name: Provision\n  hosts: all\n  tasks: []\n');
    writeFileSync(
      path.join(dir, 'topology.yml'),
      `version: 1
images:
  base: { playbooks: [playbooks/provision.yml] }
sources:
  debian12: { aws: { owner: "136693071363", name: "debian-12-amd64-*" } }
clouds:
  - name: aws-prod
    provider: aws
    account: "123456789012"
    build_region: eu-west-1
    regions:
      eu-west-1: { instances: [ { name: n, image: base, os: debian12 } ] }
      us-east-1: { instances: [ { name: n, image: base, os: debian12 } ] }
      ap-southeast-2: { instances: [ { name: n, image: base, os: debian12 } ] }
`,
    );
    const [cell] = await expectedCells(dir, 'topology.yml');
    // What the source resolves to in the build region (one DescribeImages there).
    ec2.state.publishUpstream({
      region: 'eu-west-1',
      ownerId: '136693071363',
      name: 'debian-12-amd64-20261101-1000',
      creationDate: '2026-11-01T10:00:00Z',
    });
    const ami = ec2.state.seedImage({
      region: 'eu-west-1',
      name: cell.name,
      tags: imageTags({
        fingerprint: cell.fingerprint,
        image: 'base',
        os: 'debian12',
        cloud: 'aws-prod',
        owner: topologyOwner({ file: path.join(dir, 'topology.yml') }, {}).value,
      }),
    });
    const r = await run(dir, [BUNDLE], {
      INPUT_TOPOLOGY: 'topology.yml',
      AWS_ENDPOINT_URL_EC2: ec2.url,
      AWS_ACCESS_KEY_ID: 'AKIDFAKE',
      AWS_SECRET_ACCESS_KEY: 'fake-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1',
    });
    expect(r.code).toBe(0);
    expect(r.outputs).toMatchObject({
      'has-builds': 'false',
      'build-count': '0',
      'copy-count': '2',
      'retire-count': '0',
      matrix: '{"include":[]}',
      providers: '["aws"]',
    });
    const plan = JSON.parse(readFileSync(r.outputs['plan-file'], 'utf8'));
    expect(plan.copies.map((c: { from: string; to: string; sourceId: string }) => [c.from, c.to, c.sourceId])).toEqual([
      ['eu-west-1', 'ap-southeast-2', ami.id],
      ['eu-west-1', 'us-east-1', ami.id],
    ]);
    // One inventory list per region, plus one resolution of the source in the build region.
    expect(['eu-west-1', 'us-east-1', 'ap-southeast-2'].map((region) => ec2.count('DescribeImages', region))).toEqual([2, 1, 1]);

    const kinds = chunkKinds();
    expect(kinds.gcp.length).toBeGreaterThan(0);
    expect(kinds.azure.length).toBeGreaterThan(0);
    expect(r.chunks.filter((c) => kinds.aws.includes(c)).length).toBeGreaterThan(0);
    expect(r.chunks.filter((c) => kinds.gcp.includes(c) || kinds.azure.includes(c))).toEqual([]);
  });
});
