/**
 * A local fleet for `image-builder run` tests: two recipes (base, web) on a
 * local store with two regions (base in both, web in rack1), a real qcow2
 * base disk, the slow Packer stand-in first on PATH, and a stand-in for the
 * terminal (or a pipe) that records what the run prints.
 */
import { EventEmitter } from 'node:events';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPipeline, type RunDeps, type RunOptions } from '../../src/commands/run.js';
import { parseInputs, type Inputs } from '../../src/io/inputs.js';
import { LocalProvider } from '../../src/providers/local/store.js';
import type { ImageRecord } from '../../src/images/index.js';
import type { RunReport } from '../../src/report/run-report.js';
import { runPacker, type RunPacker, type RunPackerOptions } from './fake-packer-run.js';
import { writeTree } from './tree.js';

const ROOT = process.cwd();

export const TOPOLOGY = `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
    variables: { packages: [jq] }
  web:
    extends: base
    variables: { packages: [jq, nginx-light] }
sources:
  debian12:
    local: { image: base/base.qcow2 }
clouds:
  - name: lab
    provider: local
    store: store
    build_region: rack1
    regions:
      rack1:
        instances:
          - { name: node, image: base, os: debian12 }
          - { name: web, image: web, os: debian12 }
      rack2:
        instances:
          - { name: node, image: base, os: debian12 }
lifecycle:
  keep: 2
`;

/** What a run prints, as a terminal (isTTY) or a pipe would receive it. */
export class Screen {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 160,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface RunFixture {
  dir: string;
  inputs: Inputs;
  packer: RunPacker;
  /** SIGINT and SIGTERM of the runs (emit('SIGINT', 'SIGINT') is a Ctrl-C). */
  signals: EventEmitter;
  out: Screen;
  err: Screen;
  /** One run, with the fixture's streams and signals; PATH has the stand-in first for its length. */
  run(options?: RunOptions, deps?: RunDeps, inputs?: Partial<Inputs>): Promise<RunReport>;
  /** What the store holds in a region. */
  store(region: string): Promise<ImageRecord[]>;
  planAfter(): { builds: unknown[]; copies: unknown[] };
}

export function runFixture(packerOptions: RunPackerOptions = {}, tty = false): RunFixture {
  const dir = writeTree({ 'base/vmlinuz': 'k', 'base/initrd.img': 'i', 'topology.yml': TOPOLOGY });
  cpSync(path.join(ROOT, 'playbooks'), path.join(dir, 'playbooks'), { recursive: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(dir, 'base/base.qcow2'), '16M']);
  const packer = runPacker(dir, packerOptions);
  const values: Record<string, string> = {
    topology: path.join(dir, 'topology.yml'),
    'plan-file': path.join(dir, 'state', 'plan.json'),
    results: path.join(dir, 'state', 'results'),
    'work-dir': path.join(dir, 'state', 'work'),
  };
  const inputs = parseInputs((n) => values[n] ?? '');
  const signals = new EventEmitter();
  const fixture: RunFixture = {
    dir,
    inputs,
    packer,
    signals,
    out: new Screen(tty),
    err: new Screen(tty),
    async run(options = {}, deps = {}, extra = {}) {
      const saved = process.env.PATH;
      process.env.PATH = `${packer.bin}:${saved}`;
      try {
        return await runPipeline({ ...inputs, ...extra }, options, {
          out: fixture.out,
          err: fixture.err,
          signals,
          tickMs: 0,
          tools: () => true,
          env: { IMAGE_BUILDER_ACCELERATOR: 'tcg' },
          ...deps,
        });
      } finally {
        process.env.PATH = saved;
      }
    },
    store: (region) =>
      new LocalProvider(
        { name: 'lab', provider: 'local', store: 'store', build_region: 'rack1', regions: {}, share: { accounts: [], public: false } },
        { baseDir: dir },
      ).inventory(region),
    planAfter: () => JSON.parse(readFileSync(path.join(dir, 'state', 'plan-after.json'), 'utf8')),
  };
  return fixture;
}

/** A topology change that gives web a new fingerprint. */
export function changeWeb(dir: string): void {
  writeFileSync(path.join(dir, 'topology.yml'), TOPOLOGY.replace('nginx-light]', 'nginx-light, curl]'));
}
