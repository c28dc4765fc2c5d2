import { imageName, isValidName } from '../../src/plan/naming.js';
import { PROVIDERS } from '../../src/topology/model.js';

const FP = '0123456789abcdef0123456789abcdef';

describe('imageName', () => {
  it('carries the recipe, os and 16 fingerprint characters', () => {
    expect(imageName('aws', 'base', 'debian12', FP)).toBe('ib-base-debian12-0123456789abcdef');
  });

  it.each(PROVIDERS)('is valid for %s whatever the recipe and os names', (provider) => {
    const awkward = ['Web_Server.v2', 'x', 'UPPER CASE', 'a'.repeat(200), 'ünïcode/ok', '--edge--', '9lives'];
    for (const recipe of awkward) {
      for (const osName of ['debian12', 'Ubuntu-22.04', 'b'.repeat(90)]) {
        const name = imageName(provider, recipe, osName, FP);
        expect({ name, valid: isValidName(provider, name) }).toEqual({ name, valid: true });
        expect(name.endsWith('-0123456789abcdef')).toBe(true);
      }
    }
  });

  it('keeps GCP names within 63 characters, lowercase, starting with a letter', () => {
    const name = imageName('gcp', 'Controller_With_A_Very_Long_Name_Indeed', 'debian12-bookworm-amd64', FP);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });

  it('keeps AWS names within 128 characters and the allowed set', () => {
    const name = imageName('aws', 'r'.repeat(300), 'o', FP);
    expect(name.length).toBe(128);
    expect(isValidName('aws', 'ab')).toBe(false);
    expect(isValidName('aws', 'a#b')).toBe(false);
    expect(isValidName('aws', "ok (v1) [x] a.b/c-d'e@f_g")).toBe(true);
  });

  it('rejects names each cloud would refuse', () => {
    expect(isValidName('gcp', 'Upper')).toBe(false);
    expect(isValidName('gcp', '1abc')).toBe(false);
    expect(isValidName('gcp', 'abc-')).toBe(false);
    expect(isValidName('gcp', 'a'.repeat(64))).toBe(false);
    expect(isValidName('azure', '-abc')).toBe(false);
    expect(isValidName('azure', 'abc.')).toBe(false);
    expect(isValidName('local', '../etc')).toBe(false);
  });

  it('differs when only the fingerprint differs', () => {
    expect(imageName('gcp', 'base', 'debian12', FP)).not.toBe(imageName('gcp', 'base', 'debian12', 'f' + FP.slice(1)));
  });
});
