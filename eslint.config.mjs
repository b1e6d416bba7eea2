import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const demoBoundary = {
  group: ['**/demo', '**/demo/**'],
  message: 'src/demo (the demo cloud, published passwords) is not part of the proxy; src/main.ts loads it dynamically.',
};
const providerClients = ['undici', 'http-proxy'];
const pureLayerBans = ['express', 'undici', 'http', 'https'];

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
  // ESLint keeps only the last block's options for a rule, so every no-restricted-imports block below repeats the
  // demo boundary (and the blocks for files that overlap repeat each other's paths) instead of relying on merging.
  {
    // Production code never imports the simulators (their passwords are published): src/main.ts reaches
    // them only through a dynamic import of src/demo/start.ts, which this rule does not see.
    files: ['src/**/*.ts'],
    ignores: ['src/demo/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [demoBoundary] }] },
  },
  {
    // Only upstream/ talks to providers.
    files: ['src/**/*.ts'],
    ignores: ['src/upstream/**', 'src/demo/**', 'src/main.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: providerClients, patterns: [demoBoundary] }] },
  },
  {
    // Pure layers never touch HTTP frameworks or the network (STYLE.md habit 12).
    files: ['src/config/**', 'src/errors/**', 'src/catalog/**', 'src/fanout/merge/**', 'src/location/parse-*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [...new Set([...pureLayerBans, ...providerClients])], patterns: [demoBoundary] },
      ],
    },
  },
);
