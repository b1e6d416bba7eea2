import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { LAB_DIR, labInfo } from '../../support/lab';

const run = promisify(execFile);
export const REPO = path.resolve(__dirname, '../../..');

/** What deploy/lab/horizon.sh up wrote to $LAB/horizon/horizon.json. */
export interface HorizonInfo {
  url: string;
  keystone_url: string;
  log: string;
  /** The proxy Horizon logs in at: keystone_url without /identity/v3. */
  proxy: string;
}

function readInfo(): HorizonInfo | undefined {
  const file = `${LAB_DIR}/horizon/horizon.json`;
  if (!existsSync(file)) return undefined;
  const info = JSON.parse(readFileSync(file, 'utf8')) as Omit<HorizonInfo, 'proxy'>;
  return { ...info, proxy: info.keystone_url.replace(/\/identity\/v3\/?$/, '') };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(30_000) })).status === 200;
  } catch {
    return false;
  }
}

/**
 * Horizon must answer its login page. When it does not and we are root, `deploy/lab/horizon.sh up` is run (it is
 * idempotent and takes a few seconds); otherwise the test fails, never skips.
 */
export async function requireHorizon(): Promise<HorizonInfo> {
  let info = readInfo();
  if (!info || !(await answers(`${info.url}/auth/login/`))) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        `Horizon is not running (${info?.url ?? 'no ' + LAB_DIR + '/horizon/horizon.json'}): run sudo deploy/lab/horizon.sh up`,
      );
    }
    await run(path.join(REPO, 'deploy/lab/horizon.sh'), ['up'], { timeout: 180_000 }).catch(
      (e: { stderr?: string; message: string }) => {
        throw new Error(`deploy/lab/horizon.sh up failed:\n${e.stderr ?? e.message}`);
      },
    );
    info = readInfo();
    if (!info) throw new Error(`deploy/lab/horizon.sh up wrote no ${LAB_DIR}/horizon/horizon.json`);
  }
  if (!(await answers(`${info.proxy}/healthz`))) {
    throw new Error(
      `the proxy Horizon logs in at (${info.keystone_url}) does not answer ${info.proxy}/healthz: run deploy/lab/up.sh`,
    );
  }
  return info;
}

/**
 * A hint for failure messages when the lab's proxy runs an older build than dist/ (up.sh restarts it; `npm run
 * test:lab` only rebuilds): the browser then tests yesterday's proxy.
 */
export function staleProxyHint(proxy: string): string {
  try {
    if (labInfo().proxy.replace(/\/$/, '') !== proxy) return '';
    const pid = readFileSync(`${LAB_DIR}/run/proxy.pid`, 'utf8').trim();
    const started = statSync(`/proc/${pid}`).mtimeMs;
    const built = statSync(path.join(REPO, 'dist/main.js')).mtimeMs;
    if (built > started + 1000) {
      return `\n  (note: the lab proxy (pid ${pid}) was started before dist/ was last built: rerun deploy/lab/up.sh to test the current code)`;
    }
  } catch {
    /* no PID file or no dist: nothing to say */
  }
  return '';
}

/**
 * The request log of the proxy Horizon talks to: $OCX_HORIZON_PROXY_LOG, else the lab proxy's ($LAB/logs/proxy.log)
 * when Horizon talks to the lab proxy.
 */
export function proxyLogFile(proxy: string): string | undefined {
  const env = process.env['OCX_HORIZON_PROXY_LOG'];
  if (env) return env;
  try {
    return labInfo().proxy.replace(/\/$/, '') === proxy ? `${LAB_DIR}/logs/proxy.log` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where screenshots go: $OCX_HORIZON_SCREENSHOTS (e.g. docs/img to refresh the docs), else .lab/horizon/ (ignored by
 * git). A page whose check failed is saved as NAME-FAILED.png.
 */
export function screenshotDir(): string {
  const dir = path.resolve(REPO, process.env['OCX_HORIZON_SCREENSHOTS'] ?? '.lab/horizon');
  mkdirSync(dir, { recursive: true });
  return dir;
}
