/**
 * Runs in every test file, before its own hooks: a Debian archive's Release
 * files on 127.0.0.1 stand in for the machine's apt mirror, so an online plan
 * of a local `suite:` source (providers/local/resolve.ts) never reaches the
 * internet from a test. A test that points IMAGE_BUILDER_DEBIAN_MIRROR at a
 * mirror of its own on 127.0.0.1 keeps it.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { startDebianMirror, type DebianMirror } from '../fakes/debian/mirror.js';
import { TEST_BOOKWORM } from './mirror-env.js';

let mirror: DebianMirror | undefined;
let before: string | undefined;

beforeAll(async () => {
  before = process.env.IMAGE_BUILDER_DEBIAN_MIRROR;
  if (before?.startsWith('http://127.0.0.1:')) return;
  mirror = await startDebianMirror();
  mirror.publish('bookworm', TEST_BOOKWORM);
  mirror.publish('trixie', { version: '13.1', date: TEST_BOOKWORM.date });
  mirror.publish('bullseye', { version: '11.11', date: TEST_BOOKWORM.date });
  process.env.IMAGE_BUILDER_DEBIAN_MIRROR = mirror.url;
});

afterAll(async () => {
  if (!mirror) return;
  if (before === undefined) delete process.env.IMAGE_BUILDER_DEBIAN_MIRROR;
  else process.env.IMAGE_BUILDER_DEBIAN_MIRROR = before;
  await mirror.close();
});
