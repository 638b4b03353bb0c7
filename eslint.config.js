import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

// src/core must run unchanged in a Web Worker, in Node (CLI, tests) and as a published library:
// no DOM, no React, no Node-only modules. This is enforced here rather than by convention.
const coreForbiddenImports = {
  paths: ['react', 'react-dom', 'zustand', 'comlink', 'idb-keyval', 'fs', 'path', 'os', 'child_process', 'crypto', 'url', 'worker_threads'].map((name) => ({
    name,
    message: 'src/core is pure TypeScript: no DOM, React or Node-only imports (inject I/O from src/cli or src/workers).',
  })),
  patterns: [
    { group: ['node:*'], message: 'src/core must not import Node built-ins.' },
    { group: ['react-dom/*', 'zustand/*', '**/ui/**', '**/workers/**', '**/cli/**'], message: 'src/core must not depend on ui, workers or cli.' },
  ],
};
// The type-level guard is tsconfig.core.json (no DOM lib, no @types/node); this names the usual suspects early.
const coreForbiddenGlobals = [
  'window', 'self', 'globalThis', 'document', 'location', 'fetch', 'XMLHttpRequest', 'localStorage', 'sessionStorage', 'indexedDB',
  'navigator', 'postMessage', 'process', 'Buffer', 'require', '__dirname',
].map(
  (name) => ({ name, message: 'src/core must not touch host globals; take them as parameters.' }),
);

export default tseslint.config(
  { ignores: ['dist', 'dist-cli', 'dist-lib', 'docs/api', 'node_modules', 'test-results', 'playwright-report', 'bench/out', '.bench-build'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // An import cycle makes module initialisation order matter (a const read before it is set) and layers
    // meaningless; none is allowed anywhere in src.
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // push(...items) passes each item as an argument: a large array overflows the stack (src/core/append.ts).
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement",
          message: 'push(...items) overflows the stack on a large array: use appendAll(target, items) from src/core/append.',
        },
      ],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': ['error', coreForbiddenImports],
      'no-restricted-globals': ['error', ...coreForbiddenGlobals],
    },
  },
);
