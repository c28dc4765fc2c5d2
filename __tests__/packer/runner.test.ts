import { packerInfo } from '../../src/packer/runner.js';

describe('packerInfo', () => {
  it('is undefined when Packer cannot be run', async () => {
    expect(await packerInfo('no-such-program-here')).toBeUndefined();
  });
});
