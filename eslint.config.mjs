import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The folder table of docs/architecture.md, enforced. For each folder of src/: the other src/ folders it may import
// (relative imports into any other folder are refused) and the packages it may not use. Every folder gets exactly
// one no-restricted-imports block built here, with disjoint `files`: in flat config a later block's options for a
// rule replace the earlier ones, so overlapping blocks would silently drop restrictions.
// test/unit/lint/boundaries.test.ts lints probe files against this table.
export const FOLDERS = [
  'catalog',
  'cli',
  'cluster',
  'config',
  'demo',
  'errors',
  'fanout',
  'http',
  'identity',
  'location',
  'observability',
  'services',
  'state',
  'upstream',
];
const FRAMEWORK = ['express'];
/** Clients that reach providers: only upstream/ holds them. */
const PROVIDER_CLIENT = ['undici', 'http-proxy'];
/** Sockets and servers; their header types stay importable (`import type`). */
const NETWORK = ['http', 'https', 'http2', 'net', 'tls', 'dgram'];
const REDIS = ['ioredis'];
export const LAYERS = {
  config: { imports: [], bans: [FRAMEWORK, PROVIDER_CLIENT, NETWORK, REDIS] },
  errors: { imports: [], bans: [FRAMEWORK, PROVIDER_CLIENT, NETWORK, REDIS] },
  observability: { imports: ['config'], bans: [FRAMEWORK, PROVIDER_CLIENT, NETWORK, REDIS] },
  upstream: { imports: ['config', 'errors', 'observability'], bans: [FRAMEWORK, REDIS] },
  state: { imports: ['config', 'errors', 'observability'], bans: [FRAMEWORK, PROVIDER_CLIENT, NETWORK] },
  catalog: { imports: ['config', 'errors'], bans: [FRAMEWORK, PROVIDER_CLIENT, NETWORK, REDIS] },
  identity: {
    imports: ['config', 'errors', 'observability', 'upstream', 'state', 'catalog'],
    bans: [FRAMEWORK, PROVIDER_CLIENT, NETWORK, REDIS],
  },
  location: { imports: ['config', 'errors', 'state'], bans: [FRAMEWORK, PROVIDER_CLIENT, NETWORK, REDIS] },
  fanout: { imports: ['errors'], bans: [FRAMEWORK, PROVIDER_CLIENT, NETWORK, REDIS] },
  http: { imports: ['config', 'errors', 'observability'], bans: [PROVIDER_CLIENT, REDIS] },
  services: {
    imports: [
      'config',
      'errors',
      'observability',
      'upstream',
      'state',
      'catalog',
      'identity',
      'location',
      'fanout',
      'http',
    ],
    bans: [PROVIDER_CLIENT, REDIS],
  },
  // The supervisor of `ocx-proxy --workers N` and what its workers share through it.
  cluster: { imports: ['config', 'errors', 'observability', 'state'], bans: [FRAMEWORK, PROVIDER_CLIENT, REDIS] },
  cli: {
    imports: ['config', 'errors', 'observability', 'state', 'upstream'],
    bans: [FRAMEWORK, PROVIDER_CLIENT, REDIS],
  },
  // The demo cloud is its own program (fakes with published passwords); it reads the proxy's config only.
  demo: { imports: ['config'], bans: [PROVIDER_CLIENT, REDIS] },
};
/** src/app.ts and src/main.ts wire everything; main.ts reaches src/demo only through a dynamic import. */
const TOP = { imports: FOLDERS.filter((f) => !['demo'].includes(f)), bans: [PROVIDER_CLIENT, REDIS] };
/** A folder not (yet) in the table: never the demo, never a provider client. */
export const OTHER = { imports: FOLDERS.filter((f) => f !== 'demo'), bans: [PROVIDER_CLIENT] };

/** A relative import whose path has the segment `folder` (e.g. `../../http/context` for http/). */
function folderPattern(folder, owner) {
  return {
    regex: `^\\.{1,2}/(?:\\.\\./)*(?:.*/)?${folder.replace(/[-/]/g, '\\$&')}(?:/|$)`,
    message: `${owner} may not import src/${folder}/ (docs/architecture.md, "Folders and the direction of dependencies").`,
  };
}

function restrictions(owner, { imports, bans }) {
  const self = owner.replace(/^src\//, '').split('/')[0]; // '' for src/*.ts
  const banned = FOLDERS.filter((f) => f !== self && !imports.includes(f));
  const paths = bans.flat().flatMap((name) => {
    const message = `${owner} may not use ${name} (docs/architecture.md, "Folders and the direction of dependencies").`;
    const allowTypeImports = NETWORK.includes(name);
    const names = NETWORK.includes(name) ? [name, `node:${name}`] : [name];
    return names.map((n) => ({ name: n, message, allowTypeImports }));
  });
  return ['error', { paths, patterns: banned.map((f) => folderPattern(f, owner)) }];
}

const boundaries = [
  ...Object.entries(LAYERS).map(([folder, layer]) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': restrictions(`src/${folder}/`, layer) },
  })),
  { files: ['src/*.ts'], rules: { 'no-restricted-imports': restrictions('src/', TOP) } },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/*.ts', ...FOLDERS.map((f) => `src/${f}/**`)],
    rules: { 'no-restricted-imports': restrictions('a folder of src/ outside the table', OTHER) },
  },
];

const NODE_GLOBALS = Object.fromEntries(
  [
    'require',
    'module',
    'exports',
    '__dirname',
    '__filename',
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'AbortController',
    'AbortSignal',
    'fetch',
    'performance',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'TextEncoder',
    'TextDecoder',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'deploy/**',
      '**/*.js',
      '!bench/**/*.js',
      '!scripts/**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The benchmarks and scripts are CommonJS run by node as they are (type-checked by tsconfig.bench.json).
    files: ['bench/**/*.js', 'scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: NODE_GLOBALS },
    // soak.js takes undici's fetch for its dispatcher option.
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-redeclare': ['error', { builtinGlobals: false }] },
  },
  // Nothing after these blocks may set no-restricted-imports for src/ (it would replace them).
  ...boundaries,
);
