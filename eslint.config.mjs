import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const LIB_BOUNDARIES = [
  {
    group: ['**/apps/**', '@sunshine/*/**'],
    message: 'Import another context only through its index: @sunshine/<context>.',
  },
  {
    group: ['../../../*', '../../../../*'],
    message: 'Do not reach into another lib by relative path; use @sunshine/<context>.',
  },
];
const DB_ONLY = 'Reach the database through Db from @sunshine/core: it keeps a transaction on its own connection.';
/** Where the DataSource itself may be used: the kernel's database folder, and bulk imports that run outside requests. */
const DATA_SOURCE_OWNERS = [
  'libs/core/src/database/**',
  'libs/regions/src/import/region-import.service.ts',
  'libs/regions/src/builtin-regions.loader.ts',
  'libs/**/*.spec.ts',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.data/**',
      'coverage/**',
      'node_modules/**',
      'test/contract/generated/**',
      'apps/web/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/explicit-module-boundary-types': 'off',
    },
  },
  {
    // Context boundaries: a lib never reaches into an app or into another lib's internals;
    // contexts talk through each other's index (`@sunshine/<context>`). The database is reached
    // through `Db` only, which keeps every statement of a transaction on its connection.
    files: ['libs/**/*.ts'],
    ignores: DATA_SOURCE_OWNERS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'typeorm', importNames: ['DataSource'], message: DB_ONLY },
            { name: '@nestjs/typeorm', importNames: ['InjectDataSource', 'InjectRepository'], message: DB_ONLY },
          ],
          patterns: LIB_BOUNDARIES,
        },
      ],
    },
  },
  {
    files: DATA_SOURCE_OWNERS,
    rules: { 'no-restricted-imports': ['error', { patterns: LIB_BOUNDARIES }] },
  },
  {
    files: ['apps/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@sunshine/*/**', '**/libs/*/src/**'],
              message: 'Import a context through its index: @sunshine/<context>.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The web portal runs in the browser (its .vue files are type-checked by vue-tsc in build:web).
    files: ['apps/web/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
