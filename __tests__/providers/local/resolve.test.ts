/**
 * Resolving a local source to the suite's Release file on the Debian mirror
 * (a fake archive on 127.0.0.1), and the base image cache following it.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { startDebianMirror, type DebianMirror } from '../../fakes/debian/mirror.js';
import { startSilentServer } from '../../helpers/silent-server.js';
import { removeTempDirs, writeTree } from '../../helpers/tree.js';
import { resolveLocalSource } from '../../../src/providers/local/resolve.js';
import { LocalProvider } from '../../../src/providers/local/store.js';
import { LocalBuildHooks } from '../../../src/providers/local/build.js';
import { BASE_PACKAGES, BASE_RECIPE_VERSION, baseImageDir } from '../../../src/providers/local/base-image.js';
import { canonicalJson } from '../../../src/util/canonical.js';
import { sha256 } from '../../../src/util/hash.js';
import { ProviderError } from '../../../src/providers/errors.js';
import type { Cloud } from '../../../src/topology/model.js';

const REGION = 'lab';
const LAB: Cloud = { name: 'local-lab', provider: 'local', build_region: REGION, regions: {}, share: { accounts: [], public: false } };
const BOOKWORM = { version: '12.7', date: 'Sat, 31 Aug 2024 10:13:22 UTC' };
let mirror: DebianMirror | undefined;
const sleeps: number[] = [];

afterEach(async () => {
  await mirror?.close();
  mirror = undefined;
  sleeps.splice(0);
});
afterAll(removeTempDirs);

async function start(): Promise<DebianMirror> {
  mirror = await startDebianMirror();
  return mirror;
}

const options = { cloud: 'local-lab', env: {}, sleep: async (ms: number) => void sleeps.push(ms), aptDir: writeTree({}) };
const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('local resolveSource', () => {
  it("resolves a suite to its Release file's digest and Date, with one GET", async () => {
    const m = await start();
    const text = m.publish('bookworm', BOOKWORM);
    m.publish('trixie', { version: '13.0', date: 'Sat, 09 Aug 2025 09:00:00 UTC', suite: 'testing' });
    expect(await resolveLocalSource(REGION, { suite: 'bookworm', mirror: `${m.url}/` }, options)).toEqual({
      id: digest(text),
      name: 'bookworm Sat, 31 Aug 2024 10:13:22 UTC',
      created: '2024-08-31T10:13:22.000Z',
      pinned: false,
    });
    expect(m.requests).toEqual(['GET /debian/dists/bookworm/Release']);
  });

  it('a new Release (a point release) moves the source; the same file on another mirror does not', async () => {
    const m = await start();
    m.publish('bookworm', BOOKWORM);
    const before = await resolveLocalSource(REGION, { suite: 'bookworm', mirror: m.url }, options);
    m.publish('bookworm', { version: '12.8', date: 'Sat, 09 Nov 2024 10:05:36 UTC' });
    const after = await resolveLocalSource(REGION, { suite: 'bookworm', mirror: m.url }, options);
    expect(after.id).not.toBe(before.id);
    expect(after.created).toBe('2024-11-09T10:05:36.000Z');
    const other = await startDebianMirror('/pub/debian');
    try {
      other.publish('bookworm', { version: '12.8', date: 'Sat, 09 Nov 2024 10:05:36 UTC' });
      expect((await resolveLocalSource(REGION, { suite: 'bookworm', mirror: other.url }, options)).id).toBe(after.id);
    } finally {
      await other.close();
    }
  });

  it("takes the mirror from the environment, else from this machine's apt configuration, and bookworm when no suite is named", async () => {
    const m = await start();
    const text = m.publish('bookworm', BOOKWORM);
    const apt = writeTree({ 'sources.list.d/debian.sources': `Types: deb\nURIs: ${m.url}\nSuites: bookworm bookworm-updates\n` });
    expect((await resolveLocalSource(REGION, {}, { ...options, aptDir: apt })).id).toBe(digest(text));
    const provider = new LocalProvider(LAB, {
      baseDir: writeTree({}),
      env: { IMAGE_BUILDER_DEBIAN_MIRROR: m.url },
    });
    expect((await provider.resolveSource(REGION, { suite: 'bookworm' })).id).toBe(digest(text));
    expect(m.requests).toHaveLength(2);
  });

  it('a local image is pinned and asks no mirror', async () => {
    const m = await start();
    expect(await resolveLocalSource(REGION, { image: 'images/debian-12.qcow2', mirror: m.url }, options)).toEqual({
      id: 'file:images/debian-12.qcow2',
      name: 'images/debian-12.qcow2',
      pinned: true,
    });
    expect(m.requests).toEqual([]);
  });

  it('a suite the mirror lacks is a not-found error naming the cloud, the source and the URL, not retried', async () => {
    const m = await start();
    const error = await failure(resolveLocalSource(REGION, { suite: 'bookwrom', mirror: m.url }, options));
    expect(error.kind).toBe('not-found');
    expect(error.message).toMatch(
      /^cloud "local-lab" \(local\): the source suite bookwrom, mirror http:\/\/127\.0\.0\.1:\d+\/debian in lab resolves to no image: check the suite and the mirror/,
    );
    expect(error.message).toContain(`GET ${m.url}/dists/bookwrom/Release answered HTTP 404`);
    expect(m.requests).toHaveLength(1);
  });

  it('a page that is not a Release file (a mirror URL that is not the archive root) is a not-found error', async () => {
    const m = await start();
    m.failNext({ status: 200, body: '<html><body>Welcome</body></html>' });
    const error = await failure(resolveLocalSource(REGION, { suite: 'bookworm', mirror: m.url }, options));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain('is not a Release file (it has no Date field)');
  });

  it('a refused GET (403) is a permission error, not retried', async () => {
    const m = await start();
    m.failNext({ status: 403 });
    const error = await failure(resolveLocalSource(REGION, { suite: 'bookworm', mirror: m.url }, options));
    expect(error.kind).toBe('permission');
    expect(error.message).toContain('cannot be looked up: grant read access to');
    expect(m.requests).toHaveLength(1);
  });

  it('429 (Retry-After) and 503 are retried under the shared policy, then the suite resolves', async () => {
    const m = await start();
    const text = m.publish('bookworm', BOOKWORM);
    m.failNext({ status: 429, retryAfter: 3 });
    m.failNext({ status: 503 });
    expect((await resolveLocalSource(REGION, { suite: 'bookworm', mirror: m.url }, options)).id).toBe(digest(text));
    expect(m.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
  });

  it('a mirror that never answers fails after the retries, naming the deadline', async () => {
    const silent = await startSilentServer();
    try {
      const error = await failure(resolveLocalSource(REGION, { suite: 'bookworm', mirror: silent.url }, { ...options, timeoutMs: 50 }));
      expect(error.kind).toBe('transient');
      expect(error.message).toContain('could not be resolved');
      expect(error.message).toContain('no answer within 50 ms');
      expect(silent.requests).toHaveLength(6);
    } finally {
      await silent.close();
    }
  });
});

describe('the base image follows the Release', () => {
  it('a new Release digest keys a new base image; without one the key is as before', () => {
    const base = { storeRoot: '/store', suite: 'bookworm', mirror: 'http://mirror.test/debian' };
    const plain = baseImageDir(base);
    const first = baseImageDir({ ...base, release: 'sha256:0123456789abcdef' });
    const second = baseImageDir({ ...base, release: 'sha256:fedcba9876543210' });
    expect(new Set([plain, first, second]).size).toBe(3);
    expect(path.dirname(first)).toBe(path.join('/store', '.base'));
    expect(baseImageDir({ ...base, release: 'sha256:0123456789abcdef' })).toBe(first);
    // The key without a release is the one earlier versions used, so existing caches stay valid.
    const before = sha256(canonicalJson({ suite: base.suite, mirror: base.mirror, packages: BASE_PACKAGES, v: BASE_RECIPE_VERSION }));
    expect(path.basename(plain)).toBe(`bookworm-${before.slice(0, 16)}`);
  });
});

describe('a local build boots the base image of the Release the plan resolved', () => {
  it('takes the base image cached under that Release digest', async () => {
    const baseDir = writeTree({});
    const cloud = LAB;
    const hooks = new LocalBuildHooks(cloud, { baseDir, env: {} });
    const source = { suite: 'bookworm', mirror: 'http://mirror.test/debian' };
    const resolved = { id: 'sha256:0123456789abcdef', name: 'bookworm Sat, 31 Aug 2024 10:13:22 UTC', pinned: false };
    const storeRoot = new LocalProvider(cloud, { baseDir }).root;
    const cached = baseImageDir({ storeRoot, ...source, release: resolved.id });
    writeTree({ 'credentials.json': JSON.stringify({ user: 'root', password: 'pw' }) }, cached);
    const setup = await hooks.machine({
      name: 'ib-base-debian12-x',
      source,
      resolved,
      work: writeTree({}),
      dryRun: false,
      log: () => undefined,
      group: (_title, fn) => fn(),
    });
    expect(setup.files.baseImage).toBe(path.join(cached, 'base.qcow2'));
  });
});
