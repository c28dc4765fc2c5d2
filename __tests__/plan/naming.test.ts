import { buildStamp, imageName, isValidName } from '../../src/plan/naming.js';
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

  it('a build adds its start time (UTC, to the second) to the planned name', () => {
    const at = new Date('2026-11-28T20:10:15.789Z');
    expect(buildStamp(at)).toBe('20261128201015');
    expect(imageName('aws', 'base', 'debian12', FP, at)).toBe('ib-base-debian12-0123456789abcdef-20261128201015');
    expect(imageName('gcp', 'base', 'debian12', FP, at)).toBe(`${imageName('gcp', 'base', 'debian12', FP)}-20261128201015`);
  });

  it('two builds of one fingerprint get two names (#6): rebuilds never meet the image already there', () => {
    const first = new Date('2026-11-28T20:10:15Z');
    const second = new Date('2026-11-28T20:10:16Z');
    for (const provider of PROVIDERS) {
      expect(imageName(provider, 'base', 'debian12', FP, first)).not.toBe(imageName(provider, 'base', 'debian12', FP, second));
    }
  });

  it.each(PROVIDERS)('built names stay valid for %s, keeping the fingerprint and the whole stamp', (provider) => {
    const at = new Date('2026-12-31T23:59:59Z');
    for (const recipe of ['Web_Server.v2', 'a'.repeat(200), '--edge--']) {
      for (const osName of ['debian12', 'b'.repeat(90)]) {
        const name = imageName(provider, recipe, osName, FP, at);
        expect({ name, valid: isValidName(provider, name) }).toEqual({ name, valid: true });
        expect(name.endsWith('-0123456789abcdef-20261231235959')).toBe(true);
      }
    }
    // The tightest limits: GCP 63 (images.name), Azure managed images 80.
    expect(imageName('gcp', 'x'.repeat(80), 'debian12', FP, at).length).toBe(63);
    expect(imageName('azure', 'x'.repeat(80), 'debian12', FP, at).length).toBe(80);
  });
});
