/**
 * For a child process started with a fresh environment: the stand-in Debian
 * mirror every test file gets (test-mirror.ts), so an online plan of a local
 * source in that process reads its Release there, never the machine's mirror.
 */
export function mirrorEnv(): Record<string, string> {
  const url = process.env.IMAGE_BUILDER_DEBIAN_MIRROR;
  return url ? { IMAGE_BUILDER_DEBIAN_MIRROR: url } : {};
}

/** The bookworm Release the stand-in mirror serves (test-mirror.ts publishes it). */
export const TEST_BOOKWORM = { version: '12.7', date: 'Sat, 31 Aug 2024 10:13:22 UTC' };
