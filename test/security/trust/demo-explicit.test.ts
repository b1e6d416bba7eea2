// The demo cloud (simulated providers with published passwords) starts only when asked for by name: a mistyped
// flag, a flag without its value or a missing configuration stop the proxy with exit 2 instead, and a production
// start never loads the simulators (the container image leaves dist/demo out).
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { passwordAuth } from '../../support/keystone-auth';

const root = path.resolve(__dirname, '../../..');
const dist = path.join(root, 'dist');
const main = path.join(dist, 'main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'ocx-demo-explicit-'));

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** The environment of a shell with neither OCX_CONFIG nor PORT set. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('OCX_CONFIG' in extra)) delete env['OCX_CONFIG'];
  return env;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Whether anything answered /healthz on PORT while the process ran. */
  listened: boolean;
}

/** Runs the built proxy with PORT set, watching the port, until it exits or 8 s pass (then it is killed). */
async function runWatched(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const port = await freePort();
  const child = spawn(process.execPath, [main, ...args], {
    env: cleanEnv({ PORT: String(port), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let exited: number | null | undefined;
  const done = new Promise<void>((r) =>
    child.on('exit', (code) => {
      exited = code;
      r();
    }),
  );
  let listened = false;
  const deadline = Date.now() + 8000;
  while (exited === undefined && Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.status > 0) listened = true;
    } catch {
      /* nothing listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exited === undefined) child.kill('SIGKILL');
  await done;
  return { status: exited ?? null, stdout, stderr, listened };
}

const goodConfig = (port = 0): string => `
listen: { host: 127.0.0.1, port: ${port} }
public_url: http://127.0.0.1:8080
home: home
providers:
  home: { keystone_url: http://127.0.0.1:5001 }
`;

describe('the demo cloud starts only when asked for', () => {
  it('a mistyped flag (--confg x.yaml) is an error, exit 2, and nothing listens with the demo passwords', async () => {
    const r = await runWatched(['--confg', 'x.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--confg');
    expect(r.listened).toBe(false);
    expect(r.stdout).not.toContain('demo-secret');
  });

  it('--config without a value is an error naming --config, exit 2', async () => {
    const r = await runWatched(['--config']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--config');
    expect(r.listened).toBe(false);
  });

  it('--config followed by another flag is not taken as the file name', async () => {
    const r = await runWatched(['--config', '--verbose']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--config');
    expect(r.listened).toBe(false);
  });

  it('a stray positional argument is an error, exit 2', async () => {
    const r = await runWatched(['ocx.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ocx.yaml');
    expect(r.listened).toBe(false);
  });

  it('no --config, no OCX_CONFIG and no demo: an error naming both ways to give the configuration, exit 2', async () => {
    const r = await runWatched([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--config');
    expect(r.stderr).toContain('OCX_CONFIG');
    expect(r.stderr).toContain('demo');
    expect(r.listened).toBe(false);
  });

  it('an empty OCX_CONFIG counts as none', async () => {
    const r = await runWatched([], { OCX_CONFIG: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('OCX_CONFIG');
    expect(r.listened).toBe(false);
  });

  it('demo takes no unknown flags either', async () => {
    const r = await runWatched(['demo', '--prot', '9999']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--prot');
    expect(r.listened).toBe(false);
  });

  it('`demo` starts the demo cloud on PORT and drains on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [main, 'demo'], {
      env: cleanEnv({ PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('demo cloud on')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`demo exited ${code}: ${out}`)));
    });
    try {
      expect(out).toContain(`http://127.0.0.1:${port}`);
      const res = await fetch(`http://127.0.0.1:${port}/identity/v3/auth/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(passwordAuth('demo', 'demo-secret', 'demo')),
      });
      expect(res.status).toBe(201);
    } finally {
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('npm start runs the demo subcommand', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start']).toMatch(/node dist\/main\.js demo$/);
  });
});

/** Starts `mainJs --config` on a valid config, waits until it listens, stops it with SIGTERM; its stderr. */
async function serveOnce(mainJs: string, nodeArgs: string[] = []): Promise<{ status: number | null; stderr: string }> {
  const file = path.join(dir, `ocx-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, goodConfig());
  const child = spawn(process.execPath, [...nodeArgs, mainJs, '--config', file], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const listening = await Promise.race([
    new Promise<boolean>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ocx-proxy listening')) resolve(true);
      }),
    ),
    exited.then(() => false),
  ]);
  expect({ listening, stderr }).toEqual({ listening: true, stderr: expect.any(String) });
  child.kill('SIGTERM');
  return { status: await exited, stderr };
}

describe('a production start does not load the demo', () => {
  it('the proxy started with a config loads no module of dist/demo', async () => {
    const preload = path.join(dir, 'report-modules.js');
    // Written at exit: every module file the process loaded.
    writeFileSync(
      preload,
      "process.on('exit', () => process.stderr.write('MODULES ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n",
    );
    const { status, stderr } = await serveOnce(main, ['-r', preload]);
    expect(status).toBe(0);
    const modules = JSON.parse(/MODULES (.*)/.exec(stderr)?.[1] ?? '[]') as string[];
    expect(modules).toContain(main);
    expect(modules.filter((m) => m.startsWith(path.join(dist, 'demo') + path.sep))).toEqual([]);
  });

  it('no compiled module outside dist/demo requires one inside it', () => {
    const offenders: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const p = path.join(d, name);
        if (p === path.join(dist, 'demo')) continue;
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.js') && /require\("(\.\.?\/)+(\.\.\/)*demo\//.test(readFileSync(p, 'utf8'))) {
          offenders.push(path.relative(dist, p));
        }
      }
    };
    walk(dist);
    expect(offenders).toEqual([]);
  });

  it('a build without dist/demo (as the container image ships) runs the proxy, and `demo` says why it cannot', async () => {
    const copy = path.join(dir, 'app');
    cpSync(dist, path.join(copy, 'dist'), {
      recursive: true,
      filter: (src) => src !== path.join(dist, 'demo'),
    });
    // What deploy/Dockerfile puts beside dist/: the dependencies and the default catalog template.
    cpSync(path.join(root, 'catalog-templates'), path.join(copy, 'catalog-templates'), { recursive: true });
    symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
    writeFileSync(path.join(copy, 'package.json'), readFileSync(path.join(root, 'package.json')));
    expect(existsSync(path.join(copy, 'dist/demo'))).toBe(false);
    expect((await serveOnce(path.join(copy, 'dist/main.js'))).status).toBe(0);
    const demo = spawnSync(process.execPath, [path.join(copy, 'dist/main.js'), 'demo'], {
      encoding: 'utf8',
      env: cleanEnv({ PORT: String(await freePort()) }),
      timeout: 10000,
    });
    expect(demo.status).toBe(2);
    expect(demo.stderr).toContain('demo cloud is not part of this build');
  });
});

describe('the lint boundary around src/demo', () => {
  // ESLint loads its flat config with a dynamic import, which Jest's module system refuses: run it as a child.
  const lint = async (filePath: string, code: string): Promise<string[]> => {
    const r = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', filePath, '-f', 'json'],
      { cwd: root, input: code, encoding: 'utf8' },
    );
    const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it.each([
    ['src/main.ts', "import { startDemoCloud } from './demo/demo-cloud';\nvoid startDemoCloud;\n"],
    ['src/cli/probe.ts', "import { startDemo } from '../demo/run';\nvoid startDemo;\n"],
    ['src/services/probe.ts', "import { FakeCompute } from '../demo/fake-compute';\nvoid FakeCompute;\n"],
    ['src/config/probe.ts', "import { FakeCompute } from '../demo/fake-compute';\nvoid FakeCompute;\n"],
    ['src/upstream/probe.ts', "export { FakeCompute } from '../demo/fake-compute';\n"],
  ])('%s may not import src/demo', async (file, code) => {
    expect((await lint(file, code)).join('\n')).toContain('src/demo');
  });

  it('code inside src/demo may import from it', async () => {
    expect(
      await lint('src/demo/probe.ts', "import { FakeCompute } from './fake-compute';\nvoid FakeCompute;\n"),
    ).toEqual([]);
  });

  it('the other boundaries still hold where they overlap with it', async () => {
    expect((await lint('src/config/probe.ts', "import express from 'express';\nvoid express;\n")).length).toBe(1);
    expect((await lint('src/services/probe.ts', "import { fetch } from 'undici';\nvoid fetch;\n")).length).toBe(1);
  });
});
