import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// scripts/check-doc-links.js is plain JavaScript (run by `npm run lint` with node), checked with // @ts-check.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkRepository } = require('../../../scripts/check-doc-links.js') as {
  checkRepository: (root: string) => string[];
};

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'doc-links-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

const CLEAN = {
  'README.md': 'See [the map](docs/architecture.md), [config](docs/configuration.md#keys) and `src/app.ts`.\n',
  'docs/architecture.md': 'Start at [the README](../README.md); `http/middleware.ts` and `deploy/` exist.\n',
  'docs/configuration.md': 'Keys. Web links are not checked: [Nova](https://docs.openstack.org/nova/).\n',
  'src/app.ts': '// Why this is so: docs/architecture.md.\nexport {};\n',
  'src/http/middleware.ts': 'export {};\n',
  'deploy/Dockerfile': 'FROM node:20\n',
};

it('a repository whose links, paths and comments all point inside it passes', () => {
  write(CLEAN);
  expect(checkRepository(root)).toEqual([]);
});

it('fails on a broken link, a link out of the repository, a missing backticked path and a reference to an issue', () => {
  write({
    ...CLEAN,
    'README.md': 'The contract: [design](../shared/contract.md). Also [gone](docs/gone.md).\n',
    'docs/architecture.md': 'Walk: `http/missing.ts`, then `src/app.ts`, then `docs/nowhere.md`.\n',
    'src/app.ts': `// Done for ${'issue'} 12.\nexport {};\n`,
    'test/a.test.ts': `// See ${'DESIGN'}.md "Errors".\n`,
    'jest.config.js': `// Layers (${'STYLE'}.md).\n`,
  });
  const findings = checkRepository(root);
  expect(findings).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^README\.md:1: link \.\.\/shared\/contract\.md points outside the repository/),
      expect.stringMatching(/^README\.md:1: link docs\/gone\.md names docs\/gone\.md, which does not exist/),
      expect.stringMatching(/^docs\/architecture\.md:1: `http\/missing\.ts` names src\/http\/missing\.ts/),
      expect.stringMatching(/^docs\/architecture\.md:1: `docs\/nowhere\.md` names docs\/nowhere\.md/),
      expect.stringMatching(/^src\/app\.ts:1: refers to an issue number/),
      expect.stringMatching(/^test\/a\.test\.ts:1: refers to the owners' notes/),
      expect.stringMatching(/^README\.md:1: refers to a path outside the repository/),
      expect.stringMatching(/^jest\.config\.js:1: refers to the owners' notes/),
    ]),
  );
  expect(findings.some((f) => f.includes('`src/app.ts`'))).toBe(false);
});

it('does not read paths inside fenced code blocks as claims', () => {
  write({ ...CLEAN, 'docs/configuration.md': '```sh\ncat `src/made-up.ts`\n```\n' });
  expect(checkRepository(root)).toEqual([]);
});
