import { connect } from 'node:net';

/**
 * A deliberately dumb HTTP/1.1 client over a plain socket. supertest, fetch and node:http normalize what a
 * hostile client would not: they collapse `..` segments (WHATWG URL), refuse CR/LF/NUL in header values and
 * non-latin-1 paths, and always frame bodies correctly. Here the request line, headers and body are written
 * byte for byte as the case says, one connection per request (`Connection: close`).
 */
export interface RawRequest {
  method: string;
  /** Written verbatim into the request line: no encoding, no normalization. */
  path: string;
  /** Written verbatim, in order; a value may contain anything (CR, LF, NUL...). */
  headers?: Array<[string, string]>;
  body?: string | Buffer;
  /** Skip the automatic Content-Length (e.g. the case frames the body itself with Transfer-Encoding). */
  noContentLength?: boolean;
}

export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: Buffer;
  text: string;
  /** The bytes of the status line and header block, for injection checks. */
  head: string;
}

export function header(res: RawResponse, name: string): string | undefined {
  return res.headers[name.toLowerCase()]?.[0];
}

export function encodeRequest(host: string, req: RawRequest): Buffer {
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [k, v] of req.headers ?? []) lines.push(`${k}: ${v}`);
  const hasLength = (req.headers ?? []).some(([k]) => /^(content-length|transfer-encoding)$/i.test(k));
  if (body !== undefined && !req.noContentLength && !hasLength) lines.push(`Content-Length: ${body.length}`);
  // latin1 keeps every code unit < 256 as one byte, so a case can send raw bytes (e.g. invalid UTF-8) in a path;
  // code points above 255 are written as their UTF-8 bytes.
  const headBytes = Buffer.from(
    lines.join('\r\n') + '\r\n\r\n',
    /[\u0100-\uffff]/.test(lines.join('')) ? 'utf8' : 'latin1',
  );
  return body === undefined ? headBytes : Buffer.concat([headBytes, body]);
}

/** Sends one request on a fresh connection and reads until the server closes it (or the timeout). */
export function sendRaw(base: string, req: RawRequest | Buffer, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(base);
  const bytes = Buffer.isBuffer(req) ? req : encodeRequest(url.host, req);
  const isHead = !Buffer.isBuffer(req) && req.method === 'HEAD';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    // The server may answer and close before the whole request is written (e.g. 413, 431): that is an answer.
    socket.on('error', (err) => {
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(chunks), isHead));
      } catch (err) {
        reject(err as Error);
      }
    });
    socket.write(bytes);
  });
}

export function parseResponse(all: Buffer, isHead: boolean): RawResponse {
  const end = all.indexOf('\r\n\r\n');
  if (end < 0)
    throw new Error(
      `no HTTP response (got ${all.length} bytes: ${JSON.stringify(all.toString('latin1').slice(0, 200))})`,
    );
  const head = all.subarray(0, end).toString('latin1');
  const [statusLine, ...lines] = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    const name = line.slice(0, i).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(i + 1).trim());
  }
  let body = all.subarray(end + 4);
  if (isHead) body = Buffer.alloc(0);
  else if (/chunked/i.test(headers['transfer-encoding']?.[0] ?? '')) body = dechunk(body);
  else if (headers['content-length']) body = body.subarray(0, Number(headers['content-length'][0]));
  return { status: Number(m[1]), headers, body, text: body.toString('utf8'), head };
}

function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
