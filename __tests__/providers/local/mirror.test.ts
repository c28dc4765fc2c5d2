import { aptMirror, debianMirror } from '../../../src/providers/local/mirror.js';
import { writeTree } from '../../helpers/tree.js';

describe('debianMirror', () => {
  it('reads the first non-security URI of deb822 sources', () => {
    const apt = writeTree({
      'sources.list.d/debian.sources':
        'Types: deb\nURIs: http://mirror.test/debian\nSuites: bookworm bookworm-updates\n\nTypes: deb\nURIs: http://mirror.test/debian-security\nSuites: bookworm-security\n',
    });
    expect(aptMirror(apt)).toBe('http://mirror.test/debian');
  });

  it('falls back to sources.list, skipping security lines', () => {
    const apt = writeTree({
      'sources.list':
        'deb http://sec.test/debian-security bookworm-security main\ndeb [arch=amd64] http://mirror.test/debian bookworm main\n',
    });
    expect(aptMirror(apt)).toBe('http://mirror.test/debian');
  });

  it('prefers the explicit mirror, then the environment', () => {
    const apt = writeTree({ 'sources.list': 'deb http://mirror.test/debian bookworm main\n' });
    expect(debianMirror('http://explicit.test/debian', {}, apt)).toBe('http://explicit.test/debian');
    expect(debianMirror(undefined, { IMAGE_BUILDER_DEBIAN_MIRROR: 'http://env.test/debian' }, apt)).toBe('http://env.test/debian');
    expect(debianMirror(undefined, {}, apt)).toBe('http://mirror.test/debian');
  });

  it('says how to set one when there is none', () => {
    expect(() => debianMirror(undefined, {}, writeTree({}))).toThrow(/no Debian mirror found: set `mirror:`/);
  });
});
