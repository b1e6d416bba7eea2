import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folder boundaries of eslint.config.mjs fire: probe sources, linted with ESLint's Node API as if they were
 * files of src/ (`lintText` with a `filePath`; nothing is written), report a violation for every import the table
 * of docs/architecture.md forbids and none for what it allows. ESLint runs in a child process because it loads
 * its flat config (an ES module) with a dynamic import that Jest's module system does not provide.
 */
const ROOT = join(__dirname, '..', '..', '..');

interface Probe {
  filePath: string;
  code: string;
}
interface Linted {
  filePath: string;
  messages: string[];
}
interface Table {
  folders: string[];
  layers: Record<string, { imports: string[] }>;
}

const RUNNER = `
const { ESLint } = require('eslint');
const { pathToFileURL } = require('node:url');
(async () => {
  const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const p of probes) {
    const [r] = await eslint.lintText(p.code, { filePath: p.filePath });
    out.push({ filePath: p.filePath, messages: r.messages.map((m) => (m.ruleId ?? 'fatal') + ': ' + m.message) });
  }
  const cfg = await import(pathToFileURL(require('node:path').resolve('eslint.config.mjs')).href);
  process.stdout.write(JSON.stringify({ out, table: { folders: cfg.FOLDERS, layers: cfg.LAYERS } }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function lint(probes: Probe[]): { byPath: Map<string, string[]>; table: Table } {
  const r = spawnSync(process.execPath, ['-e', RUNNER], {
    cwd: ROOT,
    input: JSON.stringify(probes),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`eslint runner failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as { out: Linted[]; table: Table };
  return { byPath: new Map(parsed.out.map((l) => [l.filePath, l.messages])), table: parsed.table };
}

const valueImport = (spec: string): string => `import * as m from '${spec}';\nexport const probe = m;\n`;
const typeImport = (spec: string): string => `import type * as m from '${spec}';\nexport type Probe = typeof m;\n`;

const probes: Array<Probe & { violation: boolean }> = [
  // The examples a reviewer found linting clean.
  { filePath: 'src/errors/probe-express.ts', code: valueImport('express'), violation: true },
  { filePath: 'src/errors/format/probe-http.ts', code: valueImport('node:http'), violation: true },
  { filePath: 'src/config/probe-bare-http.ts', code: valueImport('http'), violation: true },
  { filePath: 'src/location/probe-http.ts', code: valueImport('node:http'), violation: true },
  { filePath: 'src/fanout/probe-express.ts', code: valueImport('express'), violation: true },
  // Header types from node:http are not the network.
  { filePath: 'src/identity/probe-http-types.ts', code: typeImport('node:http'), violation: false },
  // Only upstream/ holds the provider client.
  { filePath: 'src/upstream/probe-undici.ts', code: valueImport('undici'), violation: false },
  { filePath: 'src/services/front-engine/probe-undici.ts', code: valueImport('undici'), violation: true },
  { filePath: 'src/new-folder/probe-undici.ts', code: valueImport('undici'), violation: true },
  { filePath: 'src/probe-undici.ts', code: valueImport('undici'), violation: true },
  // Direction of dependencies: lower folders never import higher ones; nothing imports the demo.
  { filePath: 'src/http/probe-services.ts', code: valueImport('../services/forward'), violation: true },
  { filePath: 'src/location/probe-identity.ts', code: valueImport('../identity/caller'), violation: true },
  { filePath: 'src/errors/probe-config.ts', code: valueImport('../config/types'), violation: true },
  { filePath: 'src/services/front-engine/probe-demo.ts', code: valueImport('../../demo/start'), violation: true },
  { filePath: 'src/services/front-engine/probe-http.ts', code: valueImport('../../http/context'), violation: false },
  { filePath: 'src/demo/probe-identity.ts', code: valueImport('../identity/caller'), violation: true },
  { filePath: 'src/identity/k2k/probe-state.ts', code: valueImport('../../state/cache'), violation: false },
  { filePath: 'src/errors/format/probe-own.ts', code: valueImport('../errors'), violation: false },
];

/** Every folder of the table gets its own block: a provider client is refused everywhere but upstream/. */
const FOLDERS = readdirFolders();
function readdirFolders(): string[] {
  const cfg = readFileSync(join(ROOT, 'eslint.config.mjs'), 'utf8');
  const list = /export const FOLDERS = \[([^\]]*)\]/.exec(cfg)?.[1] ?? '';
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1] as string);
}
for (const folder of FOLDERS) {
  probes.push({
    filePath: `src/${folder}/deep/probe-undici-${folder}.ts`,
    code: valueImport('undici'),
    violation: folder !== 'upstream',
  });
}

describe('lint boundaries (eslint.config.mjs)', () => {
  const { byPath, table } = lint(probes);

  it.each(probes.map((p) => [p.filePath, p.code.split('\n')[0], p.violation] as const))(
    '%s: %s → violation %s',
    (filePath, _line, violation) => {
      const messages = byPath.get(filePath) ?? ['(not linted)'];
      expect(messages.filter((m) => !m.startsWith('no-restricted-imports'))).toEqual([]);
      expect(messages.length > 0).toBe(violation);
    },
  );

  it('lints the table of at least a dozen folders', () => {
    expect(FOLDERS.length).toBeGreaterThanOrEqual(12);
    expect(table.folders).toEqual(FOLDERS);
  });

  it("docs/architecture.md's table says what each folder may import, as the lint rule enforces", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const rows = new Map<string, string[]>();
    for (const line of doc.split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      const folder = /^`([a-z-]+)\/`$/.exec(cells[1] ?? '')?.[1];
      if (!folder || !table.layers[folder]) continue;
      const mayImport = cells[3] ?? '';
      rows.set(
        folder,
        table.folders.filter((f) => f !== folder && new RegExp(`\\b${f}\\b`).test(mayImport)),
      );
    }
    const expected = Object.fromEntries(Object.entries(table.layers).map(([f, l]) => [f, [...l.imports].sort()]));
    const documented = Object.fromEntries([...rows].map(([f, i]) => [f, [...i].sort()]));
    expect(documented).toEqual(expected);
  });
});
