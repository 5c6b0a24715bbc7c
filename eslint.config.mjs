// ESLint: typescript-eslint's recommended-type-checked rules over the server, its tests, the bench,
// the migrations and the console, and its untyped rules over the plain Node scripts (scripts/);
// formatting is Prettier's (eslint-config-prettier turns the stylistic rules off). `npm run lint`
// runs it; `npm test` runs it first.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'sdk/src/generated/**', 'client/dist/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs', '!scripts/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `_name` marks a binding kept on purpose (a destructured field left out, an interface parameter)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // providers, stores and test fakes implement async interfaces without always awaiting
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // e2e and integration tests read HTTP bodies and SQL rows as untyped JSON (`res.body`,
    // `rows[0]`) and assert their shape with expect(); typing every body would add casts, not safety
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // expect(mock.method).toHaveBeenCalled… reads a jest mock, never calls it unbound
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // plain Node scripts run before anything is compiled (scripts/build.mjs): no types to check
    files: ['scripts/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
  prettier,
  {
    // Prettier wraps code at 160 but cannot break a long string, template or comment; this keeps
    // every line within 160 too. Only what cannot be broken is exempt: URLs and regex literals.
    rules: { 'max-len': ['error', { code: 160, ignoreUrls: true, ignoreRegExpLiterals: true }] },
  },
);
