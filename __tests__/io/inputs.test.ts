import { parseInputs } from '../../src/io/inputs.js';

const from = (values: Record<string, string>) => (name: string) => values[name] ?? '';

describe('parseInputs', () => {
  it('has defaults for everything', () => {
    expect(parseInputs(from({}))).toEqual({
      command: 'plan',
      topology: 'topology.yml',
      offline: false,
      clouds: [],
      images: [],
      force: false,
      maxCells: 256,
      chunk: undefined,
      planFile: 'image-builder-plan.json',
      cell: undefined,
      dryRun: false,
      results: 'image-builder-results',
      delete: false,
      concurrency: 8,
      gcpAccessToken: undefined,
      azureCloud: undefined,
      token: undefined,
      summary: true,
      buildTimeoutMinutes: 120,
      workDir: 'image-builder-work',
      copyLimit: 5,
      copyTimeoutMinutes: 120,
    });
  });

  it('reads lists, booleans and numbers', () => {
    const inputs = parseInputs(
      from({
        command: 'distribute',
        clouds: 'aws-*, lab\ngcp',
        offline: 'TRUE',
        'dry-run': 'yes',
        delete: 'false',
        chunk: '2',
        'max-cells': '100',
      }),
    );
    expect(inputs).toMatchObject({
      command: 'distribute',
      clouds: ['aws-*', 'lab', 'gcp'],
      offline: true,
      dryRun: true,
      delete: false,
      chunk: 2,
      maxCells: 100,
    });
  });

  it.each([
    [{ command: 'deploy' }, 'input "command" is "deploy": write one of plan, build, verify, distribute, lifecycle'],
    [{ offline: 'maybe' }, 'input "offline" is "maybe": write true or false'],
    [{ 'max-cells': '300' }, 'input "max-cells" is "300": write a whole number from 1 to 256'],
    [{ chunk: '-1' }, 'input "chunk" is "-1": write a whole number from 0 to 10000'],
    [{ concurrency: '2.5' }, 'input "concurrency" is "2.5": write a whole number from 1 to 64'],
  ])('rejects %j clearly', (values, message) => {
    expect(() => parseInputs(from(values))).toThrow(message);
  });
});
