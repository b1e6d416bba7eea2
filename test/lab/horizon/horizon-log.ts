import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Reads what Horizon's server side logged ($LAB/logs/horizon.log, format of deploy/lab/horizon/local_settings.py:
 * `date time pid thread LEVEL logger message`) since a mark, and keeps only what explains a failure:
 *   - calls to the proxy that failed: keystoneauth `REQ: curl ... -X GET URL` paired (by thread) with its
 *     `RESP: [status]` and `RESP BODY:`, swiftclient `REQ:` + `RESP STATUS:` + `RESP BODY:` (status >= 400),
 *   - Horizon's "Recoverable error" warnings and ERROR lines,
 *   - the last frame and the exception of each traceback (e.g. cinderclient's `KeyError: 'versions'`).
 */
export class HorizonLog {
  private offset = 0;

  constructor(readonly file: string) {
    this.mark();
  }

  mark(): void {
    try {
      this.offset = statSync(this.file).size;
    } catch {
      this.offset = 0;
    }
  }

  protected readChunk(): string {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return '';
    }
    if (size < this.offset) this.offset = 0; // truncated
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  }

  sinceMark(): string[] {
    return summarize(this.readChunk());
  }
}

/** Exceptions Horizon raises and handles itself (memoization misses, template lookups): never the cause. */
const NOISE = /^KeyError: \(\(<weakref|object is not subscriptable|^VariableDoesNotExist/;
const HEAD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (\d+) (\d+) ([A-Z]+) (\S+) (.*)$/;
const clip = (s: string, n = 300): string => (s.length > n ? `${s.slice(0, n)}...` : s);
const scrub = (s: string): string =>
  s
    .replace(/ -H "(Accept|User-Agent|Forwarded|Accept-Encoding|Content-Type)[^"]*"/gi, '')
    .replace(/-H "X-Auth-Token: [^"]*"/gi, '-H "X-Auth-Token: ***"')
    .replace(/curl (-g )?-i /, '');

/** The interesting lines of a chunk of horizon.log (pure, exported for reuse). */
export function summarize(text: string): string[] {
  const out: string[] = [];
  const pending = new Map<string, { req: string; status?: number }>(); // by pid:thread
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = HEAD.exec(line);
    if (!m) {
      // Traceback continuation: keep the exception line that ends it (and the frame just above it).
      if (
        /^[A-Za-z_][\w.]*(Error|Exception|NotFound|Unauthorized|Forbidden|Conflict|Fault|Failure)\b/.test(line) &&
        !NOISE.test(line)
      ) {
        const frame = [...lines.slice(Math.max(0, i - 6), i)].reverse().find((l) => /^\s+File "/.test(l));
        const where = frame ? ` (at ${frame.trim().replace(/^File "\/usr\/lib\/python3\/dist-packages\//, '')})` : '';
        out.push(`exception: ${clip(line.trim())}${where}`);
      }
      continue;
    }
    const [, pid, thread, level, logger, msg] = m as unknown as [string, string, string, string, string, string];
    const key = `${pid}:${thread}`;
    if (/^(keystoneauth|swiftclient|novaclient|cinderclient|glanceclient)/.test(logger)) {
      if (msg.startsWith('REQ: ')) {
        pending.set(key, { req: scrub(msg.slice(5)) });
        continue;
      }
      const ks = /^RESP: \[(\d+)\]/.exec(msg);
      const sw = /^RESP STATUS: (\d+)/.exec(msg);
      const status = ks ? Number(ks[1]) : sw ? Number(sw[1]) : undefined;
      const p = pending.get(key);
      if (status !== undefined && p) {
        p.status = status;
        if (status >= 400) out.push(`${p.req} -> HTTP ${status}`);
        continue;
      }
      if (msg.startsWith('RESP BODY: ') && p?.status !== undefined && p.status >= 400) {
        out.push(`  body: ${clip(msg.slice(11), 400)}`);
        pending.delete(key);
      }
      continue;
    }
    if (level === 'ERROR' || (level === 'WARNING' && /Recoverable error|error/i.test(msg))) {
      out.push(`${level} ${logger}: ${clip(msg)}`);
    }
  }
  // Horizon logs the same failure for every table action: say each line once.
  return [...new Set(out)];
}

/**
 * The lab proxy's own request log ($LAB/logs/proxy.log, pino JSON lines with method, service, path, status, ms,
 * provider): the requests it answered with an error status since the mark. This names calls Horizon's clients do not
 * log themselves (cinderclient and glanceclient log requests only with Django DEBUG on).
 */
export class ProxyLog extends HorizonLog {
  override sinceMark(): string[] {
    const out: string[] = [];
    for (const line of this.readChunk().split('\n')) {
      if (!line.startsWith('{')) continue;
      let d: { method?: string; service?: string; path?: string; status?: number; ms?: number; provider?: string };
      try {
        d = JSON.parse(line) as typeof d;
      } catch {
        continue;
      }
      if (typeof d.status !== 'number' || d.status < 400 || !d.method) continue;
      // Horizon's login first tries a domain-scoped token, which Keystone refuses (401) for a project member.
      if (d.service === 'identity' && d.method === 'POST' && d.status === 401) continue;
      const where = d.provider ? `, provider ${d.provider}` : '';
      out.push(`${d.method} (${d.service ?? '?'}) ${clip(d.path ?? '', 200)} -> HTTP ${d.status}${where}`);
    }
    return [...new Set(out)];
  }
}
