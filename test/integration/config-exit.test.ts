import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Runs the built proxy (npm test builds first) the way an operator does.
const main = path.resolve(__dirname, '../../dist/main.js');
const dir = mkdtempSync(path.join(tmpdir(), 'ocx-config-'));

function run(yaml: string): { status: number | null; stderr: string } {
  const file = path.join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const r = spawnSync(process.execPath, [main, '--config', file], { encoding: 'utf8', timeout: 15000 });
  return { status: r.status, stderr: r.stderr.replace(file, 'FILE') };
}

const good = `
listen: { host: 127.0.0.1, port: 0 }
public_url: http://127.0.0.1:8080
home: home
providers:
  home: { keystone_url: http://127.0.0.1:5001 }
`;

describe('config errors stop start-up with a message naming the key', () => {
  it.each([
    ['listen', good.replace('listen: { host: 127.0.0.1, port: 0 }\n', ''), 'listen: is required'],
    ['public_url', good.replace('public_url: http://127.0.0.1:8080\n', ''), 'public_url: is required'],
    ['home', good.replace('home: home\n', ''), 'home: is required'],
    ['providers', good.replace(/providers:[\s\S]*$/, ''), 'providers: is required'],
    [
      'public_url malformed',
      good.replace('http://127.0.0.1:8080', 'nope'),
      'public_url: must be an http(s) URL (got "nope")',
    ],
    [
      'keystone_url malformed',
      good.replace('http://127.0.0.1:5001', 'not-a-url'),
      'providers.home.keystone_url: must be an http(s) URL',
    ],
    ['port malformed', good.replace('port: 0', 'port: high'), 'listen.port: must be number'],
  ])('%s', (_name, yaml, expected) => {
    const r = run(yaml);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('FILE: invalid configuration');
    expect(r.stderr).toContain(expected);
  });

  it('a missing file is reported with its path', () => {
    const r = spawnSync(process.execPath, [main, '--config', '/nonexistent/ocx.yaml'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('/nonexistent/ocx.yaml');
  });
});
