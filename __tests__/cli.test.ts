import { parseArgs } from '../src/cli.js';

describe('parseArgs', () => {
  it('takes the command, flags with values, bare booleans and --flag=value', () => {
    expect(parseArgs(['plan', '--topology', 't.yml', '--offline', '--clouds=aws-*', '--json'])).toEqual({
      values: { command: 'plan', topology: 't.yml', offline: 'true', clouds: 'aws-*', json: 'true' }, json: true,
    });
  });

  it('lets a boolean take an explicit value', () => {
    expect(parseArgs(['lifecycle', '--delete', 'false']).values.delete).toBe('false');
  });

  it('rejects unknown flags and missing values', () => {
    expect(() => parseArgs(['plan', '--topolgy', 'x'])).toThrow('unknown option "--topolgy"');
    expect(() => parseArgs(['plan', '--topology'])).toThrow('option --topology needs a value');
  });
});
