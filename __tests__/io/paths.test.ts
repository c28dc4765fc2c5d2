import { readFileSync } from 'node:fs';
import { productVersion } from '../../src/io/paths.js';

describe('productVersion', () => {
  it("is package.json's version", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(productVersion()).toBe(pkg.version);
  });
});
