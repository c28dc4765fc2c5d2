import { parseCell } from '../../src/commands/cell.js';

const CELL = {
  cloud: 'lab',
  provider: 'local',
  image: 'base',
  os: 'debian12',
  fingerprint: '0123456789abcdef',
  name: 'ib-base-debian12-0123456789abcdef',
  region: 'rack1',
  regions: ['rack1'],
};

describe('parseCell', () => {
  it('takes a matrix cell', () => {
    expect(parseCell(JSON.stringify(CELL))).toEqual(CELL);
  });

  // The cell's cloud and name become file names (work folder, result file).
  it.each([
    ['name', '../../escape'],
    ['name', 'a/b'],
    ['name', '..'],
    ['cloud', 'lab\\x'],
    ['cloud', '.hidden'],
  ])('refuses a %s of %j, naming the field', (field, value) => {
    expect(() => parseCell(JSON.stringify({ ...CELL, [field]: value }))).toThrow(
      new RegExp(`input "cell" is not a matrix cell \\(check ${field}\\)`),
    );
  });

  it('says what to pass when the cell is empty or not JSON', () => {
    expect(() => parseCell('')).toThrow(/input "cell" is empty/);
    expect(() => parseCell('{')).toThrow(/input "cell" is not JSON/);
  });
});
