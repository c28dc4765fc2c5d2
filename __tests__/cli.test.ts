import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { USAGE, cli, parseArgs, usage } from '../src/cli.js';
import { COMMANDS, InputNames } from '../src/io/constants.js';
import { CLI_FLAGS, HELP_FLAGS, INPUT_FLAGS, VERSION_FLAGS, parsedFlags } from '../src/io/flags.js';
import { parseInputs } from '../src/io/inputs.js';

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

/** What cli() writes to stdout, and the exit code it sets. */
async function run(argv: string[]): Promise<{ out: string; code: number | string | undefined }> {
  const write = process.stdout.write.bind(process.stdout);
  const before = process.exitCode;
  let out = '';
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await cli(argv);
    return { out, code: process.exitCode };
  } finally {
    process.stdout.write = write;
    process.exitCode = before;
  }
}

describe('parseArgs', () => {
  it('takes the command, flags with values, bare booleans and --flag=value', () => {
    expect(parseArgs(['plan', '--topology', 't.yml', '--offline', '--clouds=aws-*', '--json'])).toEqual({
      values: { command: 'plan', topology: 't.yml', offline: 'true', clouds: 'aws-*', json: 'true' },
      json: true,
    });
  });

  it('lets a boolean take an explicit value', () => {
    expect(parseArgs(['lifecycle', '--delete', 'false']).values.delete).toBe('false');
  });

  it('rejects unknown flags and missing values', () => {
    expect(() => parseArgs(['plan', '--topolgy', 'x'])).toThrow('unknown option "--topolgy"');
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
      if (prefix)
        expect({ name, commands: [...INPUT_FLAGS[key].commands].sort() }).toEqual({ name, commands: prefix[1].split(', ').sort() });
    }
  });
});

describe('cli', () => {
  it.each(COMMANDS)('%s --help lists the flags %s reads, and only those', async (command) => {
    const { out, code } = await run([command, '--help']);
    expect(out).toBe(usage(command) + '\n');
    expect(code).toBeUndefined();
    const reads = parsedFlags()
      .filter(([, spec]) => spec.commands.includes(command))
      .map(([name]) => `--${name}`);
    expect(listed(out).sort()).toEqual([...reads, ...HELP_FLAGS, ...VERSION_FLAGS].sort());
  });

  it('prints the whole usage for --help, -h and no arguments (exit code 2)', async () => {
    expect(await run(['--help'])).toEqual({ out: USAGE + '\n', code: undefined });
    expect(await run(['-h'])).toEqual({ out: USAGE + '\n', code: undefined });
    expect(await run([])).toEqual({ out: USAGE + '\n', code: 2 });
  });

  it("prints package.json's version for --version and -v", async () => {
    expect(await run(['--version'])).toEqual({ out: `${version}\n`, code: undefined });
    expect(await run(['plan', '-v'])).toEqual({ out: `${version}\n`, code: undefined });
  });
});
