// deploy/systemd/ocx-proxy.service: systemd's own checker (systemd-analyze verify; Debian package systemd, installed
// by deploy/lab/install.sh and used here without a running systemd) and its offline security review, plus what
// the unit must say for this proxy (checked on the parsed unit).
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseInterval } from '../../src/config/units';

const root = path.resolve(__dirname, '../..');
const unitFile = path.join(root, 'deploy/systemd/ocx-proxy.service');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
const run = promisify(execFile);

/** [Section] → key → values (a key may repeat, e.g. SystemCallFilter). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1] as string, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}
const unit = parseUnit(readFileSync(unitFile, 'utf8'));
const service = unit.get('Service') as Map<string, string[]>;
const one = (key: string) => service.get(key)?.at(-1);

/** A copy systemd-analyze can check here: ExecStart's node must exist, and /usr/bin/node is where Debian puts it. */
function checkableCopy(): { dir: string; file: string; note?: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ocx-unit-'));
  const file = path.join(dir, 'ocx-proxy.service');
  copyFileSync(unitFile, file);
  if (!existsSync('/usr/bin/node')) {
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('/usr/bin/node', process.execPath));
    return { dir, file, note: `node is at ${process.execPath} here` };
  }
  return { dir, file };
}

describe('deploy/systemd/ocx-proxy.service', () => {
  it('passes systemd-analyze verify', async () => {
    const { dir, file } = checkableCopy();
    const r = await run('systemd-analyze', ['verify', file], { cwd: dir }).catch(
      (err: { code?: number; stderr?: string }) => {
        if ((err as NodeJS.ErrnoException).code === ('ENOENT' as never)) {
          throw new Error('systemd-analyze not found: run deploy/lab/install.sh as root (Debian package systemd)');
        }
        throw new Error(`systemd-analyze verify failed:\n${err.stderr}`);
      },
    );
    // Other units on the machine may be reported; nothing about ours.
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/ocx-proxy/);
  });

  it('scores OK in systemd-analyze security (offline), exposure at most 2.0', async () => {
    const { dir, file } = checkableCopy();
    const r = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', file], { cwd: dir });
    const m = /Overall exposure level for ocx-proxy\.service: ([\d.]+) (\w+)/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(Number(m?.[1])).toBeLessThanOrEqual(2.0);
    expect(m?.[2]).toBe('OK');
  });

  it('runs the built main.js with the config, as the checks of the brief require', () => {
    const exec = one('ExecStart') ?? '';
    expect(exec).toMatch(
      new RegExp(`^/usr/bin/node /opt/ocx-proxy/${pkg.main.replace('.', '\\.')} --config /etc/ocx/ocx.yaml$`),
    );
    expect(one('ExecStartPre')).toContain(`${pkg.main} check-config --offline /etc/ocx/ocx.yaml`);
    expect(one('DynamicUser') === 'yes' || (one('User') ?? 'root') !== 'root').toBe(true);
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('RestrictAddressFamilies')?.split(/\s+/).sort()).toEqual(['AF_INET', 'AF_INET6', 'AF_UNIX']);
    expect(service.get('SystemCallFilter')?.[0]).toBe('@system-service');
    expect(one('MemoryMax')).toMatch(/^\d+[KMG]$/);
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus')).toBe('2');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('CapabilityBoundingSet')).toBe('');
    // V8 needs W^X off; the unit must not enable it (Node would abort at start).
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('gives the proxy longer to stop than its own drain (10 s) and keeps the heap under MemoryMax', () => {
    const stop = parseInterval(one('TimeoutStopSec') ?? '') ?? 0;
    expect(stop).toBeGreaterThan(10_000);
    expect(readFileSync(path.join(root, 'src/main.ts'), 'utf8')).toContain('10_000');
    const heapMb = Number(/--max-old-space-size=(\d+)/.exec(service.get('Environment')?.join(' ') ?? '')?.[1]);
    const maxMb =
      Number(/^(\d+)G$/.exec(one('MemoryMax') ?? '')?.[1]) * 1024 ||
      Number(/^(\d+)M$/.exec(one('MemoryMax') ?? '')?.[1]);
    expect(heapMb).toBeGreaterThan(0);
    expect(heapMb).toBeLessThan(maxMb * 0.8);
  });

  it('takes secrets as credentials, not in the environment or the unit', () => {
    expect(service.get('LoadCredential')?.map((c) => c.split(':')[0])).toEqual(['redis-url', 'state-key']);
    expect(service.get('Environment')?.join(' ')).not.toMatch(/KEY|PASSWORD|redis:/i);
  });
});
