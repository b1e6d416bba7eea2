#!/usr/bin/env node
// @ts-check
'use strict';
// Keeps the docs and comments pointing at things that exist in this repository (run by `npm run lint`):
// - every markdown link in README.md and docs/**.md resolves to a file or folder inside the repository
//   (web links and in-page anchors aside; a link out of the repository, `../x` from the root, fails);
// - every path in backticks there that looks like a repository file (`src/...`, `docs/....md`, `deploy/...`,
//   `test/...`, `bench/...`, `scripts/...`, `catalog-templates/...`, and in docs/architecture.md paths relative
//   to src/ such as `http/middleware.ts`) exists;
// - no file under src/, test/, bench/, deploy/, scripts/, docs/, catalog-templates/ (nor a file at the root, such as
//   README.md or jest.config.js) refers to the owners' notes
//   outside the repository or to issue numbers: a reader of the repository has neither.
// Usage: node scripts/check-doc-links.js [ROOT]; exit status 1 and one line per finding when something is wrong.

const fs = require('node:fs');
const path = require('node:path');

const CODE_DIRS = ['src', 'test', 'bench', 'deploy', 'scripts', 'docs', 'catalog-templates'];
/** Files at the root that are not checked for references (generated). */
const ROOT_SKIP = new Set(['package-lock.json']);
const TOP_PATHS = /^(?:src|docs|deploy|test|bench|scripts|catalog-templates)\/[\w.@/-]*$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'coverage', '.git']);
/** This checker and its test quote the forbidden references on purpose. */
const SELF = new Set(['scripts/check-doc-links.js', 'test/unit/lint/doc-links.test.ts']);
/** Built from parts so that this file does not match itself. */
const FORBIDDEN = [
  { re: new RegExp(['\\.\\.', 'shared'].join('/')), what: 'a path outside the repository (../shared)' },
  { re: new RegExp(['STYLE', 'DESIGN'].map((n) => `\\b${n}\\.md\\b`).join('|')), what: "the owners' notes" },
  { re: new RegExp(['\\bissues?', '#?\\d+\\b'].join(' ')), what: 'an issue number', flags: 'i' },
];

/**
 * @param {string} dir
 * @param {(rel: string) => boolean} keep
 * @param {string} root
 * @returns {string[]} paths relative to root
 */
function walk(dir, keep, root) {
  if (!fs.existsSync(dir)) return [];
  /** @type {string[]} */
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(e.name)) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full, keep, root));
    else {
      const rel = path.relative(root, full).split(path.sep).join('/');
      if (keep(rel)) out.push(rel);
    }
  }
  return out;
}

/**
 * @param {string} root
 * @param {string} rel
 */
function exists(root, rel) {
  return fs.existsSync(path.join(root, rel));
}

/**
 * Markdown links and backticked paths of one document.
 * @param {string} root
 * @param {string} doc path relative to root
 * @returns {string[]} findings
 */
function checkDocument(root, doc) {
  /** @type {string[]} */
  const findings = [];
  const text = fs.readFileSync(path.join(root, doc), 'utf8');
  const srcFolders = fs.existsSync(path.join(root, 'src'))
    ? fs
        .readdirSync(path.join(root, 'src'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
    : [];
  const lines = text.split('\n');
  let fenced = false;
  lines.forEach((line, i) => {
    const where = `${doc}:${i + 1}`;
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const m of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = /** @type {string} */ (m[1]);
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const file = decodeURIComponent(target.split('#')[0] ?? '');
      const resolved = path.normalize(path.join(path.dirname(doc), file));
      if (resolved.startsWith('..') || path.isAbsolute(file)) {
        findings.push(`${where}: link ${target} points outside the repository`);
      } else if (!exists(root, resolved)) {
        findings.push(`${where}: link ${target} names ${resolved}, which does not exist`);
      }
    }
    for (const m of line.matchAll(/`([^`\s]+)`/g)) {
      const token = /** @type {string} */ (m[1]).replace(/[:,.;)]+$/, '');
      if (token.startsWith('../')) {
        findings.push(`${where}: \`${token}\` points outside the repository`);
        continue;
      }
      const candidates = [];
      if (TOP_PATHS.test(token)) candidates.push(token);
      else if (
        doc === 'docs/architecture.md' &&
        /^[\w-]+\/[\w./-]*$/.test(token) &&
        srcFolders.includes(token.split('/')[0] ?? '')
      ) {
        candidates.push(`src/${token}`);
      }
      for (const c of candidates) {
        if (!exists(root, c)) findings.push(`${where}: \`${token}\` names ${c}, which does not exist`);
      }
    }
  });
  return findings;
}

/**
 * @param {string} root
 * @param {string} file
 * @returns {string[]} findings
 */
function checkReferences(root, file) {
  if (SELF.has(file)) return [];
  /** @type {string[]} */
  const findings = [];
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  if (text.includes('\u0000')) return [];
  text.split('\n').forEach((line, i) => {
    for (const f of FORBIDDEN) {
      const re = f.flags ? new RegExp(f.re.source, f.flags) : f.re;
      if (re.test(line)) findings.push(`${file}:${i + 1}: refers to ${f.what}: ${line.trim().slice(0, 120)}`);
    }
  });
  return findings;
}

/**
 * Every finding for the repository at root.
 * @param {string} root
 * @returns {string[]}
 */
function checkRepository(root) {
  const docs = [
    ...(exists(root, 'README.md') ? ['README.md'] : []),
    ...walk(path.join(root, 'docs'), (rel) => rel.endsWith('.md'), root),
  ];
  const rootFiles = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isFile() && !ROOT_SKIP.has(e.name))
    .map((e) => e.name);
  const code = [
    ...rootFiles,
    ...CODE_DIRS.flatMap((d) =>
      walk(
        path.join(root, d),
        (rel) => !rel.startsWith('test/fixtures/') && !rel.startsWith('test/conformance/'),
        root,
      ),
    ),
  ];
  return [...docs.flatMap((d) => checkDocument(root, d)), ...code.flatMap((f) => checkReferences(root, f))];
}

module.exports = { checkRepository, checkDocument, checkReferences };

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
  const findings = checkRepository(root);
  for (const f of findings) console.error(f);
  if (findings.length) {
    console.error(`check-doc-links: ${findings.length} finding(s)`);
    process.exit(1);
  }
}
