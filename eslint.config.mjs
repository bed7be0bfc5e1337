import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Package arrows (STYLE.md): pure `core` imports nothing of ours; `policy`,
 * `runner`, `state`, `vcs`, `tui` and `test-utils` import only `core`; `github`
 * imports `core` and `policy`; `cli`
 * is the composition root and may import everything.
 */
export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.stackfleet/**'] },
  // Type-checked rules (issue #10 item 8) over every TypeScript file lint sees, tests included.
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts', '**/*.tsx'] })),
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      // One program for all of it (tsconfig.eslint.json): the project service only finds tsconfig.json files, and those leave tests out.
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin },
    rules: {
      // `async` is how sync bodies meet Promise-returning contracts (Store, command handlers, loaders), and it turns their throws into rejections.
      '@typescript-eslint/require-await': 'off',
      // `const { key: _key, ...rest } = value` is how we drop a key from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // Type-only imports say so (`import { run, type RunPlan }`): they vanish from the output.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      // Named exports only (STYLE.md): one name per thing, greppable, and renamed by tools everywhere.
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use a named export (no default exports).' },
        { selector: 'ExportSpecifier[exported.name="default"]', message: 'Use a named export (no default exports).' },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:policy', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:runner', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:state', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:vcs', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:github', onlyDependOnLibsWithTags: ['scope:core', 'scope:policy'] },
            { sourceTag: 'scope:tui', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:test-utils', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Tool configuration files are loaded by their tool through a default export.
    files: ['**/vitest.config.ts', '**/*.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Tests (and their fixtures, kept out of the build) may use the private test-utils package on top of their own arrows.
    files: ['**/*.test.ts', '**/*.test.tsx', '**/*.fixtures.ts', '**/*.fixtures.tsx'],
    rules: {
      // vitest's asymmetric matchers (`expect.stringContaining(...)` inside `toMatchObject`) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          depConstraints: ['core', 'policy', 'runner', 'state', 'vcs', 'github', 'tui', 'test-utils'].map((scope) => ({
            sourceTag: `scope:${scope}`,
            onlyDependOnLibsWithTags:
              scope === 'core' ? ['scope:test-utils'] : scope === 'github' ? ['scope:core', 'scope:policy', 'scope:test-utils'] : ['scope:core', 'scope:test-utils'],
          })).concat([
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['*'] },
          ]),
        },
      ],
    },
  },
  {
    // Pure packages never touch the disk, the environment, the clock or processes.
    files: ['packages/core/src/**/*.ts', 'packages/policy/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:fs', 'fs', 'node:fs/*', 'fs/*', 'node:child_process', 'child_process', 'node:os', 'os', 'node:process', 'process'], message: 'core and policy are pure: pass cwd, env and now in instead.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'core and policy are pure: pass env/cwd in.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'core and policy are pure: pass now in.' }],
    },
  },
];
