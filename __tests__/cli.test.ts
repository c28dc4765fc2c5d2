import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { USAGE, cli, parseArgs, usage } from '../src/cli.js';
import { COMMANDS, InputNames } from '../src/io/constants.js';
import { ALL_COMMANDS, CLI_FLAGS, HELP_FLAGS, INPUT_FLAGS, VERSION_FLAGS, parsedFlags } from '../src/io/flags.js';
import { parseInputs } from '../src/io/inputs.js';
import { removeTempDirs, writeTree } from './helpers/tree.js';

afterAll(removeTempDirs);

interface ActionInput {
  description: string;
  default?: string;
}
const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as { inputs: Record<string, ActionInput> };
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Whether the parser takes `--name` (with a value after it). */
function accepted(name: string): boolean {
  try {
    parseArgs(['plan', `--${name}`, 'x']);
    return true;
  } catch {
    return false;
  }
}

/** The flags a usage text lists, e.g. ['--topology', '-h', '--help']. */
function listed(text: string): string[] {
  return [...text.matchAll(/^ {2}(-[\w-]+(?:, -[\w-]+)?)/gm)].flatMap((m) => m[1].split(', '));
}

/** What cli() writes to stdout and stderr, and the exit code it sets. */
async function run(argv: string[]): Promise<{ out: string; code: number | string | undefined; err: string }> {
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const before = process.exitCode;
  let out = '';
  let err = '';
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => {
    err += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    await cli(argv);
    // Node's own warnings (jest runs with experimental VM modules) are not the CLI's.
    return { out, code: process.exitCode, err: err.replace(/^\(node:\d+\) \w*Warning: .*\n(\(Use `node --trace-warnings .*\n)?/gm, '') };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
    process.exitCode = before;
  }
}

describe('parseArgs', () => {
  it('takes the command, flags with values, bare booleans and --flag=value', () => {
    expect(parseArgs(['plan', '--topology', 't.yml', '--offline', '--clouds=aws-*', '--json'])).toEqual({
      command: 'plan',
      values: { command: 'plan', topology: 't.yml', offline: 'true', clouds: 'aws-*', json: 'true' },
      json: true,
    });
  });

  it('lets a boolean take an explicit value', () => {
    expect(parseArgs(['lifecycle', '--delete', 'false']).values.delete).toBe('false');
  });

  it('rejects unknown flags and missing values', () => {
    expect(() => parseArgs(['plan', '--topolgy', 'x'])).toThrow('unknown option "--topolgy" — did you mean "--topology"?');
    expect(() => parseArgs(['plan', '--topology'])).toThrow('option --topology needs a value');
  });

  it('takes every input of the action as a flag', () => {
    expect(Object.values(InputNames).filter((name) => !accepted(name))).toEqual([]);
  });
});

describe('the usage text', () => {
  it('lists every flag the parser accepts, and --help and --version', () => {
    const candidates = [...Object.values(InputNames), ...Object.keys(CLI_FLAGS), ...parsedFlags().map(([name]) => name)];
    const flags = [...new Set(candidates)].filter(accepted).map((name) => `--${name}`);
    expect(flags.length).toBeGreaterThanOrEqual(Object.keys(InputNames).length);
    const shown = new Set(listed(USAGE));
    expect([...flags, ...HELP_FLAGS, ...VERSION_FLAGS].filter((flag) => !shown.has(flag))).toEqual([]);
  });

  it('lists no flag the parser refuses', () => {
    const own: string[] = [...HELP_FLAGS, ...VERSION_FLAGS];
    expect(listed(USAGE).filter((flag) => !own.includes(flag) && !accepted(flag.replace(/^--/, '')))).toEqual([]);
  });

  it("gives each input action.yml's description and default", () => {
    expect(Object.values(InputNames).sort()).toEqual(Object.keys(action.inputs).sort());
    for (const [key, name] of Object.entries(InputNames) as Array<[keyof typeof InputNames, string]>) {
      const spec = INPUT_FLAGS[key];
      expect({ name, description: spec.description }).toEqual({ name, description: action.inputs[name].description });
      if (spec.default !== undefined) expect({ name, default: spec.default }).toEqual({ name, default: action.inputs[name].default });
      const line = USAGE.split('\n').find((l) => l.startsWith(`  --${name} `) || l === `  --${name}`);
      expect(line).toContain(spec.description);
    }
  });

  it('says the defaults parseInputs applies, and marks exactly the boolean inputs as bare flags', () => {
    const unset = parseInputs(() => '');
    for (const [key, name] of Object.entries(InputNames) as Array<[keyof typeof InputNames, string]>) {
      const spec = INPUT_FLAGS[key];
      if (spec.default !== undefined)
        expect({ name, parsed: parseInputs((n) => (n === name ? (spec.default as string) : '')) }).toEqual({ name, parsed: unset });
      if (key === 'command') continue;
      const maybe = (): unknown => parseInputs((n) => (n === name ? 'maybe' : ''));
      if (spec.value === undefined) expect(maybe).toThrow('write true or false');
      else expect(maybe).not.toThrow('write true or false');
    }
  });

  it('gives each input the commands its action.yml description names', () => {
    for (const [key, name] of Object.entries(InputNames) as Array<[keyof typeof InputNames, string]>) {
      const prefix = /^([a-z]+(?:, [a-z]+)*): /.exec(action.inputs[name].description);
      // The terminal's own commands (run, status) read inputs too; action.yml names the action's.
      const actionCommands = INPUT_FLAGS[key].commands.filter((c) => (COMMANDS as readonly string[]).includes(c));
      if (prefix) expect({ name, commands: [...actionCommands].sort() }).toEqual({ name, commands: prefix[1].split(', ').sort() });
    }
  });
});

describe('cli', () => {
  it.each(ALL_COMMANDS)('%s --help (and help %s) lists the flags it reads, and only those', async (command) => {
    const { out, code } = await run([command, '--help']);
    expect(out).toBe(usage(command) + '\n');
    expect(code).toBeUndefined();
    expect(await run(['help', command])).toEqual({ out, code: undefined, err: '' });
    const reads = parsedFlags()
      .filter(([, spec]) => spec.commands.includes(command))
      .map(([name]) => `--${name}`);
    expect(listed(out).sort()).toEqual([...reads, ...HELP_FLAGS, ...VERSION_FLAGS].sort());
  });

  it('prints the whole usage for --help, -h and no arguments (exit code 2)', async () => {
    expect(await run(['--help'])).toEqual({ out: USAGE + '\n', code: undefined, err: '' });
    expect(await run(['-h'])).toEqual({ out: USAGE + '\n', code: undefined, err: '' });
    expect(await run(['help'])).toEqual({ out: USAGE + '\n', code: undefined, err: '' });
    expect(await run([])).toEqual({ out: USAGE + '\n', code: 2, err: '' });
    for (const command of ALL_COMMANDS) expect(USAGE).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
  });

  it("prints package.json's version for --version and -v", async () => {
    expect(await run(['--version'])).toEqual({ out: `${version}\n`, code: undefined, err: '' });
    expect(await run(['plan', '-v'])).toEqual({ out: `${version}\n`, code: undefined, err: '' });
  });
});

describe('cli exit codes: 2 for a command line that cannot run as written, 1 for a failure', () => {
  /** A local fleet (a pinned base disk, so plan and status need no mirror) and its topology file. */
  function fleet(): string {
    const dir = writeTree({
      'base/base.qcow2': 'disk',
      'base/vmlinuz': 'k',
      'base/initrd.img': 'i',
      'topology.yml': `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
  web:
    extends: base
sources:
  debian12:
    local: { image: base/base.qcow2 }
clouds:
  - name: lab
    provider: local
    store: store
    build_region: rack1
    regions:
      rack1: { instances: [ { name: n, image: base, os: debian12 }, { name: w, image: web, os: debian12 } ] }
      rack2: { instances: [ { name: n, image: base, os: debian12 } ] }
`,
    });
    cpSync(path.resolve('playbooks'), path.join(dir, 'playbooks'), { recursive: true });
    return path.join(dir, 'topology.yml');
  }

  it('suggests the command meant, for a mistyped command, its --help and help', async () => {
    for (const argv of [['pln'], ['pln', '--help'], ['help', 'pln']]) {
      const { out, code, err } = await run(argv);
      expect({ argv, out, code }).toEqual({ argv, out: '', code: 2 });
      expect(err).toBe(
        'image-builder: unknown command "pln" — did you mean "plan"? (commands: run, status, plan, build, verify, distribute, lifecycle)\n' +
          '(image-builder --help lists the options)\n',
      );
    }
    expect((await run(['stauts'])).err).toContain('did you mean "status"?');
  });

  it('suggests the option meant, and refuses a bad value with exit code 2', async () => {
    const typo = await run(['plan', '--topolgy', 't.yml']);
    expect(typo).toEqual({
      out: '',
      code: 2,
      err: 'image-builder: unknown option "--topolgy" — did you mean "--topology"?\n(image-builder plan --help lists the options)\n',
    });
    expect((await run(['plan', '--max-cells', 'many'])).err).toMatch(
      /^image-builder: input "max-cells" is "many": write a whole number from 1 to 256\n/,
    );
    expect((await run(['plan', '--max-cells', 'many'])).code).toBe(2);
    expect(await run(['run', '--parallel', '0'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--parallel is "0": write a whole number from 1 to 16'),
    });
  });

  it('refuses --clouds and --images that match nothing, naming what exists', async () => {
    const topology = fleet();
    const clouds = await run(['plan', '--topology', topology, '--offline', '--clouds', 'lba']);
    expect({ code: clouds.code, err: clouds.err }).toEqual({
      code: 2,
      err: `image-builder: clouds "lba" matches no cloud of ${topology} — did you mean "lab"?\n(image-builder plan --help lists the options)\n`,
    });
    const images = await run(['distribute', '--topology', topology, '--images', 'nosuch*', '--dry-run']);
    expect(images.code).toBe(2);
    expect(images.err).toContain(`images "nosuch*" matches no recipe of ${topology} — its recipes: "base", "web"`);
  });

  it('exits 1 for a failure', async () => {
    const { code, err } = await run(['plan', '--topology', path.join(writeTree({}), 'missing.yml'), '--offline']);
    expect(code).toBe(1);
    expect(err).toMatch(/^image-builder: .*missing\.yml/m);
  });

  it('plan shows its picture on the terminal, and not with --json', async () => {
    const topology = fleet();
    const planFile = path.join(path.dirname(topology), 'plan.json');
    const { out, code } = await run(['plan', '--topology', topology, '--offline', '--plan-file', planFile]);
    expect(code).toBeUndefined();
    expect(out).toMatch(
      /Images and regions:\nlab\n├─ base\/debian12 {2}[0-9a-f]{12}\n│ {2}├─ rack1 {2}build\n│ {2}└─ rack2 {2}copy from rack1\n└─ web\/debian12 {2}[0-9a-f]{12}\n {3}└─ rack1 {2}build\n/,
    );
    const json = await run(['plan', '--topology', topology, '--offline', '--plan-file', planFile, '--json']);
    expect(json.out).not.toContain('Images and regions');
    expect(JSON.parse(json.out)).toEqual(JSON.parse(readFileSync(planFile, 'utf8')));
  });

  it('status --json prints what the store holds as JSON only, and writes no plan file', async () => {
    const topology = fleet();
    const planned = () => (existsSync('image-builder-plan.json') ? statSync('image-builder-plan.json').mtimeMs : 0);
    const before = planned();
    const { out, code } = await run(['status', '--topology', topology, '--json']);
    expect(code).toBeUndefined();
    const status = JSON.parse(out);
    expect(status.clouds.map((c: { cloud: string }) => c.cloud)).toEqual(['lab']);
    const lines = (r: { region: string; lines: { image: string; drift: string; next: string[] }[] }) => [
      r.region,
      r.lines.map((l) => [l.image, l.drift, l.next.map((n) => n.replace(/ \(.*\)$/, ''))]),
    ];
    expect(status.clouds[0].regions.map(lines)).toEqual([
      [
        'rack1',
        [
          ['base', 'missing', ['build']],
          ['web', 'missing', ['build']],
        ],
      ],
      ['rack2', [['base', 'missing', ['copy from rack1 after the build']]]],
    ]);
    expect(status.plan).toEqual({ builds: 2, copies: 1, retirements: 0, images: 2 });
    expect(planned()).toBe(before);
  });
});

describe('cli without cloud credentials', () => {
  const KEYS = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_EC2_METADATA_DISABLED',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_CONFIG_FILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_FEDERATED_TOKEN_FILE',
    'IMAGE_BUILDER_AZURE_ACCESS_TOKEN',
    'ACTIONS_ID_TOKEN_REQUEST_URL',
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'NO_PROXY',
  ];
  const saved = KEYS.map((k) => process.env[k]);
  beforeAll(() => {
    for (const k of KEYS) delete process.env[k];
    const none = path.join(writeTree({}), 'none');
    Object.assign(process.env, {
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SHARED_CREDENTIALS_FILE: none,
      AWS_CONFIG_FILE: none,
      // Whatever would still leave this machine fails at once instead.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '',
    });
  });
  afterAll(() => KEYS.forEach((k, i) => (saved[i] === undefined ? delete process.env[k] : (process.env[k] = saved[i]))));

  function clouds(): string {
    const dir = writeTree({
      'topology.yml': `version: 1
images:
  base:
    playbooks: [playbooks/provision.yml]
sources:
  debian12:
    aws: { ami: ami-0123456789abcdef0 }
    azure: { publisher: Debian, offer: debian-12, sku: 12-gen2, version: "0.20250101.1" }
clouds:
  - name: aws-prod
    provider: aws
    account: "123456789012"
    regions: { eu-west-1: { instances: [ { name: n, image: base, os: debian12 } ] } }
  - name: azure-prod
    provider: azure
    subscription: 00000000-0000-0000-0000-000000000001
    resource_group: images-rg
    gallery: image_builder
    regions: { westeurope: { instances: [ { name: n, image: base, os: debian12 } ] } }
`,
    });
    cpSync(path.resolve('playbooks'), path.join(dir, 'playbooks'), { recursive: true });
    return path.join(dir, 'topology.yml');
  }

  it('says "no credentials found" for AWS, not that EC2 rejected a request', async () => {
    const topology = clouds();
    const { code, err } = await run(['plan', '--topology', topology, '--clouds', 'aws-prod', '--plan-file', `${topology}.plan.json`]);
    expect(code).toBe(1);
    expect(err).toContain('no credentials found for cloud "aws-prod" (aws), so no request reached EC2: set AWS_ACCESS_KEY_ID');
    expect(err).not.toContain('EC2 rejected');
  });

  it("says it for Azure in one line, not the SDK's whole credential chain", async () => {
    const topology = clouds();
    const { code, err } = await run(['plan', '--topology', topology, '--clouds', 'azure-prod', '--plan-file', `${topology}.plan.json`]);
    expect(code).toBe(1);
    expect(err).toContain('no credentials found for cloud "azure-prod" (azure): on GitHub, run azure/login first');
    expect(err).not.toContain('CredentialUnavailableError');
    expect(
      err
        .trimEnd()
        .split('\n')
        .filter((l) => l.startsWith('image-builder:')),
    ).toHaveLength(1);
  });
});
