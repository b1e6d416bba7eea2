import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'deploy/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Pure layers never touch HTTP frameworks or the network (STYLE.md habit 12).
    files: ['src/config/**', 'src/errors/**', 'src/catalog/**', 'src/fanout/merge/**', 'src/location/parse-*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['express', 'undici', 'http', 'https'] }],
    },
  },
  {
    // Only upstream/ talks to providers.
    files: ['src/**/*.ts'],
    ignores: ['src/upstream/**', 'src/demo/**', 'src/main.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['undici', 'http-proxy'] }] },
  },
);
