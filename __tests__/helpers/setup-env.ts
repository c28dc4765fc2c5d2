/**
 * Runs before every test file: the host locks of cloud runs (providers/locks.ts)
 * go to a folder of this worker's own, so test files running side by side in
 * other workers never wait for each other's clouds.
 */
import os from 'node:os';
import path from 'node:path';

process.env.IMAGE_BUILDER_LOCK_DIR ??= path.join(os.tmpdir(), `image-builder-test-locks-${process.pid}`);
