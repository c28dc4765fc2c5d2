// ESLint flat config: typescript-eslint's recommended rules for the action's
// sources and tests, ESLint's recommended rules for the plain-JS bench and
// helper scripts, and eslint-config-prettier last so no rule fights Prettier
// (formatting is Prettier's job: `npm run lint` checks both, `npm run format` fixes both).
//
// Not type-aware: recommendedTypeChecked takes over a minute on this tree on
// two shared cores; `tsc --noEmit` (npm run typecheck) already checks the types.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// `_`-prefixed names mark deliberately unused parameters, caught errors and
// destructured leftovers (`const { a: _a, ...rest } = x`).
const unusedVars = [
  'error',
  { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
];

export default defineConfig(
  // Build output, the committed bundle, installed packages, coverage, and
  // test and bench data (some of it deliberately broken).
  globalIgnores(['dist/', 'lib/', 'node_modules/', 'coverage/', '__tests__/fixtures/', 'bench/fixtures/']),
  {
    // A disable comment that no longer disables anything fails the lint;
    // `npm run format` (eslint --fix) removes it.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['src/**/*.ts', '__tests__/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
    },
  },
  {
    // The fake cloud APIs answer whatever JSON the real SDKs send and read it
    // the loose way the real services do; typing every request body would
    // duplicate the SDKs' models. `any` stays an error everywhere else
    // (src/ has one, disabled on its line with a reason).
    files: ['__tests__/fakes/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Plain ESM run by Node: the bench, helper scripts, the CLI shim and root configs.
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: globals.node,
    },
    rules: {
      'no-unused-vars': unusedVars,
    },
  },
  prettier,
);
