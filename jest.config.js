/** Jest in ESM mode with ts-jest (see README, "Development"). */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/__tests__/helpers/setup-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/test-mirror.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  testTimeout: 60000,
};
