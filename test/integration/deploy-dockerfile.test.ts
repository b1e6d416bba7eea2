// `docker build` cannot run here (no Docker engine on these machines), so the Dockerfile is checked for consistency
// with the project instead: its stages, what each installs and builds, and the entrypoint, against package.json,
// tsconfig.build.json, .dockerignore and the files it copies.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DockerfileParser, type Copy, type Instruction } from 'dockerfile-ast';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  bin: Record<string, string>;
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
const dockerfile = DockerfileParser.parse(readFileSync(path.join(root, 'deploy/Dockerfile'), 'utf8'));
const ignore = readFileSync(path.join(root, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

interface Stage {
  name: string;
  image: string;
  instructions: Instruction[];
}

/** The instructions of each stage, ARG defaults substituted into FROM. */
function stages(): Stage[] {
  const args = Object.fromEntries(
    dockerfile.getARGs().map((a) => [a.getProperty()?.getName() ?? '', a.getProperty()?.getValue() ?? '']),
  );
  const out: Stage[] = [];
  for (const i of dockerfile.getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const [image = '', , name = ''] = i.getArguments().map((a) => a.getValue());
      out.push({ name, image: image.replace(/\$\{(\w+)\}/g, (_m, n: string) => args[n] ?? ''), instructions: [] });
    } else {
      out.at(-1)?.instructions.push(i);
    }
  }
  return out;
}
const all = stages();
const byName = (name: string) => all.find((s) => s.name === name) as Stage;
const of = (s: Stage, keyword: string) => s.instructions.filter((i) => i.getKeyword() === keyword);
const runs = (s: Stage) => of(s, 'RUN').map((i) => i.getArgumentsContent() ?? '');

describe('deploy/Dockerfile against package.json', () => {
  it('has a build stage and a final runtime stage, both on a Node that satisfies engines.node', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'runtime']);
    const minMajor = Number(/>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);
    for (const s of all) {
      const m = /^node:(\d+)(?:[.-]|$)/.exec(s.image);
      expect(m).not.toBeNull();
      expect(Number(m?.[1])).toBeGreaterThanOrEqual(minMajor);
    }
  });

  it('build: installs every dependency from the lockfile, then runs the package build script into dist/', () => {
    const build = byName('build');
    const r = runs(build);
    const ci = r.findIndex((c) => /^npm ci\b/.test(c) && !c.includes('--omit=dev'));
    const compile = r.findIndex((c) => c === 'npm run build');
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(compile).toBeGreaterThan(ci);
    expect(pkg.scripts['build']).toBe('tsc -p tsconfig.build.json');
    const copied = of(build, 'COPY').flatMap((c) =>
      c
        .getArguments()
        .slice(0, -1)
        .map((a) => a.getValue()),
    );
    expect(copied).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src']),
    );
    const tsBuild = JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8'));
    expect(tsBuild.compilerOptions.outDir).toBe('dist');
    expect(pkg.main).toBe('dist/main.js');
  });

  it('build: removes the compiled demo cloud (dist/demo) after compiling, before the runtime stage copies dist/', () => {
    const r = runs(byName('build'));
    const compile = r.findIndex((c) => c === 'npm run build');
    const drop = r.findIndex((c) => /^rm -rf dist\/demo$/.test(c));
    expect(drop).toBeGreaterThan(compile);
    // Nothing after the removal may put it back.
    expect(r.slice(drop + 1).some((c) => /\b(npm run build|tsc)\b/.test(c))).toBe(false);
    // The runtime stage starts only the proxy: no demo argument baked into ENTRYPOINT or CMD.
    const runtime = byName('runtime');
    const entry = [...of(runtime, 'ENTRYPOINT'), ...of(runtime, 'CMD')].map((i) => i.getArgumentsContent() ?? '');
    expect(entry.join(' ')).not.toMatch(/\bdemo\b/);
  });

  it('runtime: production dependencies only, the compiled dist/ from the build stage, no compiler run', () => {
    const runtime = byName('runtime');
    const r = runs(runtime);
    expect(r.some((c) => /^npm ci\b.*--omit=dev/.test(c))).toBe(true);
    expect(r.some((c) => /npm run build|\btsc\b|npm (ci|install)(?!.*--omit=dev)/.test(c))).toBe(false);
    const fromBuild = (of(runtime, 'COPY') as Copy[]).filter((c) => c.getFromFlag()?.getValue() === 'build');
    expect(fromBuild.map((c) => c.getArguments().map((a) => a.getValue()))).toEqual([['/src/dist', './dist']]);
    expect(of(byName('build'), 'WORKDIR')[0]?.getArgumentsContent()).toBe('/src');
  });

  it('runtime needs nothing from devDependencies: every package src/ imports at run time is a dependency', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const p = path.join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(path.join(root, 'src'));
    const imported = new Set<string>();
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/^import (?!type\b)[^;]*?from '([^'.][^']*)'/gm)) {
        const spec = m[1] as string;
        if (spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
      }
    }
    expect([...imported].filter((p) => !(p in pkg.dependencies))).toEqual([]);
    expect(imported.has('ioredis')).toBe(true);
  });

  it('runs `node <package.json main>` as a non-root user, config at /etc/ocx/ocx.yaml, health-checked on /healthz', () => {
    const runtime = byName('runtime');
    const entry = of(runtime, 'ENTRYPOINT')[0]?.getArgumentsContent() ?? '';
    expect(JSON.parse(entry)).toEqual(['node', pkg.main]);
    expect(Object.values(pkg.bin)).toContain(pkg.main);
    expect(of(runtime, 'CMD')).toHaveLength(0); // arguments (subcommands) go straight to main.js
    const user = of(runtime, 'USER')[0]?.getArgumentsContent() ?? '';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const env = of(runtime, 'ENV').flatMap((e) => e.getArguments().map((a) => a.getValue()));
    expect(env).toEqual(expect.arrayContaining(['OCX_CONFIG=/etc/ocx/ocx.yaml', 'NODE_ENV=production']));
    const health = of(runtime, 'HEALTHCHECK')[0]?.getArgumentsContent() ?? '';
    expect(health).toContain('/healthz');
    expect(health).toContain('CMD');
    expect(of(runtime, 'STOPSIGNAL')[0]?.getArgumentsContent()).toBe('SIGTERM');
    expect(of(runtime, 'EXPOSE')[0]?.getArgumentsContent()).toBe('8080');
    // The server's argument parser (src/cli/server-args.ts, used by main.ts) reads OCX_CONFIG when no --config is given.
    expect(readFileSync(path.join(root, 'src/main.ts'), 'utf8')).toContain('parseServerArgs(argv, process.env)');
    expect(readFileSync(path.join(root, 'src/cli/server-args.ts'), 'utf8')).toContain("env['OCX_CONFIG']");
  });

  it('copies only files that exist and that .dockerignore keeps in the context; the default catalog template ships', () => {
    const sources = all.flatMap((s) =>
      (of(s, 'COPY') as Copy[])
        .filter((c) => !c.getFromFlag())
        .flatMap((c) =>
          c
            .getArguments()
            .slice(0, -1)
            .map((a) => a.getValue()),
        ),
    );
    for (const src of sources) {
      expect(existsSync(path.join(root, src))).toBe(true);
      expect(ignore.some((pattern) => src === pattern || src.startsWith(`${pattern}/`))).toBe(false);
    }
    expect(sources).toContain('catalog-templates');
    expect(existsSync(path.join(root, 'catalog-templates/default.yaml'))).toBe(true);
    expect(ignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});
