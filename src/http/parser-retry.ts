import { METHODS, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { Server as TlsServer, TLSSocket } from 'node:tls';

/**
 * A second chance, through Node's own strict parser (llhttp), for two kinds of request it refuses that Swift
 * accepts: raw bytes >= 0x80 in the request target (Swift takes raw UTF-8 paths, and answers 412 for invalid UTF-8)
 * and methods llhttp does not know (`LICK`: Swift answers 405). insecureHTTPParser would accept the first but also
 * relaxes the header and framing checks that guard against request smuggling, so instead, on the parse error, the
 * failing request is rewritten and the connection handed to the same server again:
 *
 * - target: its bytes >= 0x80, and nothing else, become %XX, so the app sees the percent-encoded path;
 * - method: a token (RFC 9110 tchar) llhttp does not know is replaced by SUBSTITUTE_METHOD, and the app sees the
 *   request with the client's method again (restored on the 'request' event). For requests llhttp's framing does
 *   not depend on the method (only CONNECT's does), so the headers and body are read exactly as they would be for
 *   the client's method, and the connection stays usable like Swift's.
 *
 * Everything else (the rest of the request line, the headers, the body, later requests) is parsed by llhttp as
 * strictly as before. Only when the start of the failing request is known for certain:
 *
 * - it began in the chunk that failed (counted by a message-begin hook on the connection's parser), so no byte of it
 *   is lost in an earlier chunk;
 * - it is the connection's first request, or the one before it has no body or ended (its 'end' ran in an earlier
 *   tick, so no byte of it is in this chunk): then it starts after the last LF before the error (or at the chunk's
 *   start), past the CRs llhttp skips between requests, and bytes of earlier requests are never replayed;
 * - no response is still being written (they would interleave with the new connection's);
 * - plain TCP (the connection's byte count, which locates the chunk, is the cleartext one), not TLS.
 *
 * Otherwise the caller keeps its 400. The takeover uses Node internals, as Node's own upgrade path does with them:
 * socket.parser (and its `incoming`), _http_common's freeParser, the parser's message-begin slot, the TCP handle's
 * readStart; the module ones are checked at start (without them nothing is retried), the others on each retry.
 */

/** What llhttp gets instead of a method it does not know. Not CONNECT (whose framing differs); the app never sees it. */
export const SUBSTITUTE_METHOD = 'PROPFIND';

const kBegun = Symbol('ocx.messagesBegun');
const kBegunAt = Symbol('ocx.messageBegunAt');
const kOriginalMethod = Symbol('ocx.originalMethod');

interface HttpCommon {
  freeParser(parser: unknown, req: unknown, socket: unknown): void;
  HTTPParser: { kOnMessageBegin: number };
}

interface Parser {
  socket: Socket | null;
  incoming: IncomingMessage | null;
  [slot: number]: unknown;
}

type Tracked = Socket & {
  parser?: Parser | null;
  _httpMessage?: unknown;
  [kBegun]?: number;
  [kBegunAt]?: number;
  [kOriginalMethod]?: string;
};

let httpCommon: HttpCommon | undefined | null;
function internals(): HttpCommon | undefined {
  if (httpCommon === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const m = require('_http_common') as Partial<HttpCommon>;
      httpCommon =
        typeof m.freeParser === 'function' && typeof m.HTTPParser?.kOnMessageBegin === 'number'
          ? (m as HttpCommon)
          : null;
    } catch {
      httpCommon = null;
    }
  }
  return httpCommon ?? undefined;
}

function onMessageBegin(this: Parser): void {
  const socket = this.socket as Tracked | null;
  if (!socket) return;
  socket[kBegun] = (socket[kBegun] ?? 0) + 1;
  socket[kBegunAt] = socket.bytesRead;
}

/** Installs the message-begin hook on every connection and the method restoration; plain HTTP servers only. */
export function enableParserRetry(server: HttpServer): boolean {
  const common = internals();
  if (!common || server instanceof TlsServer) return false;
  const slot = common.HTTPParser.kOnMessageBegin;
  // After Node's own 'connection' listener (registered by the constructor), which gave the socket its parser.
  server.on('connection', (socket: Tracked) => {
    if (socket.parser) socket.parser[slot] = onMessageBegin;
  });
  // Before the app: the request it gets carries the client's method.
  server.prependListener('request', (req: IncomingMessage) => {
    const socket = req.socket as Tracked;
    const original = socket[kOriginalMethod];
    if (original === undefined) return;
    socket[kOriginalMethod] = undefined;
    // Only the rewritten request (the new connection's first), and not a name the app would take for a method it
    // serves (`get`): that one is answered as the unknown method it is, under the substitute's name.
    if (socket[kBegun] === 1 && req.method === SUBSTITUTE_METHOD && !KNOWN_UPPER.has(original.toUpperCase())) {
      req.method = original;
    }
  });
  return true;
}

const KNOWN_UPPER = new Set(METHODS.map((m) => m.toUpperCase()));

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
// RFC 9110 tchar: ! # $ % & ' * + - . ^ _ ` | ~ DIGIT ALPHA
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TCHAR[c.charCodeAt(0)] = 1;
const MAX_METHOD = 64;

export interface RetryPlan {
  /** The bytes to parse again in place of rawPacket[start..]: the failing request rewritten, then what followed. */
  bytes: Buffer;
  /** For a rewritten method, the client's. */
  method?: string;
}

/**
 * The rewrite of the failing request in `raw` (the chunk llhttp was parsing; `errorAt` = err.bytesParsed), given
 * that the request began in this chunk and only CR/LF or already parsed bytes ending in LF precede it there.
 * Undefined when the bytes do not look exactly like the error being retried.
 */
export function planRetry(code: string, raw: Buffer, errorAt: number): RetryPlan | undefined {
  if (!Number.isInteger(errorAt) || errorAt < 0 || errorAt >= raw.length) return undefined;
  let start = errorAt > 0 ? raw.lastIndexOf(LF, errorAt - 1) + 1 : 0;
  while (start < errorAt && raw[start] === CR) start++;
  let methodEnd = start;
  while (methodEnd < raw.length && TCHAR[raw[methodEnd]!] === 1) methodEnd++;
  if (methodEnd === start || methodEnd - start > MAX_METHOD || raw[methodEnd] !== SP) return undefined;
  const method = raw.toString('latin1', start, methodEnd);
  if (code === 'HPE_INVALID_METHOD') {
    if (errorAt > methodEnd || KNOWN_UPPER.has(method)) return undefined;
    return {
      bytes: Buffer.concat([Buffer.from(SUBSTITUTE_METHOD, 'latin1'), raw.subarray(methodEnd)]),
      method,
    };
  }
  if (code !== 'HPE_INVALID_URL' || !KNOWN_UPPER.has(method) || errorAt <= methodEnd) return undefined;
  if (raw[errorAt]! < 0x80) return undefined;
  const targetStart = methodEnd + 1;
  let targetEnd = targetStart;
  while (targetEnd < raw.length && raw[targetEnd] !== SP && raw[targetEnd] !== CR && raw[targetEnd] !== LF) {
    targetEnd++;
  }
  // The whole target is in this chunk (else its end would reach llhttp raw), followed by the version's SP.
  if (errorAt >= targetEnd || raw[targetEnd] !== SP) return undefined;
  let target = '';
  for (let i = targetStart; i < targetEnd; i++) {
    const b = raw[i]!;
    target += b >= 0x80 ? `%${b.toString(16).toUpperCase()}` : String.fromCharCode(b);
  }
  return {
    bytes: Buffer.concat([raw.subarray(start, targetStart), Buffer.from(target, 'latin1'), raw.subarray(targetEnd)]),
  };
}

function hasNoBody(req: IncomingMessage): boolean {
  const te = req.headers['transfer-encoding'];
  const cl = req.headers['content-length'];
  return te === undefined && (cl === undefined || /^0+$/.test(cl));
}

/**
 * From the 'clientError' handler: when this parse error can be retried (see above), takes the connection from the
 * failed parser and hands it, the rewritten request first, to the server again; true if it did.
 */
export function retryAfterParseError(server: HttpServer, err: NodeJS.ErrnoException, socket: Socket): boolean {
  const code = err.code;
  if (code !== 'HPE_INVALID_URL' && code !== 'HPE_INVALID_METHOD') return false;
  const common = internals();
  const s = socket as Tracked;
  const parser = s.parser;
  const e = err as NodeJS.ErrnoException & { rawPacket?: unknown; bytesParsed?: unknown };
  if (!common || !parser || !Buffer.isBuffer(e.rawPacket) || typeof e.bytesParsed !== 'number') return false;
  if (!(socket instanceof RetriedConnection) && (!(socket instanceof Socket) || socket instanceof TLSSocket)) {
    return false;
  }
  if (socket.destroyed || !socket.writable || s._httpMessage) return false;
  if (socket instanceof RetriedConnection && socket.writableLength > 0) return false;
  const begun = s[kBegun] ?? 0;
  // The failing request began in this chunk: the byte count when it began is the count now.
  if (begun === 0 || s[kBegunAt] !== socket.bytesRead) return false;
  if (begun > 1) {
    // The request before it: cleared (its answer finished after its 'end'), ended, or without a body.
    const prev = parser.incoming;
    if (prev && !prev.readableEnded && !(prev.complete && hasNoBody(prev))) return false;
  }
  const plan = planRetry(code, e.rawPacket, e.bytesParsed);
  if (!plan) return false;
  handOver(server, common, s, parser, plan);
  return true;
}

const RAW_EVENTS = ['data', 'end', 'close', 'drain', 'timeout', 'error', 'resume', 'pause', 'readable'] as const;

/** Removes the HTTP server's listeners (and any later ones) from a socket, keeping those every new one has. */
function stripListeners(socket: Duplex, fresh: Duplex): void {
  for (const ev of RAW_EVENTS) {
    const keep = new Set(fresh.listeners(ev));
    for (const fn of socket.listeners(ev)) {
      if (!keep.has(fn)) socket.removeListener(ev, fn as (...args: unknown[]) => void);
    }
  }
  // Node's wrappers of these (they unconsume the parser on a 'data' listener).
  const own = socket as unknown as Record<string, unknown>;
  for (const m of ['on', 'addListener', 'prependListener', 'setEncoding']) delete own[m];
}
let freshSocket: Socket | undefined;

/** The raw TCP socket's state shared by its successive RetriedConnections. */
interface RawLink {
  raw: Socket;
  current?: RetriedConnection;
  ended: boolean;
}

function handOver(server: HttpServer, common: HttpCommon, socket: Tracked, parser: Parser, plan: RetryPlan): void {
  let link: RawLink;
  const rest: Buffer[] = [];
  if (socket instanceof RetriedConnection) {
    link = socket.link;
    rest.push(...socket.detach());
  } else {
    const raw = socket;
    stripListeners(raw, (freshSocket ??= new Socket()));
    // Paused as a stream only: Node's 'pause' listener (which stops the handle reading) is gone.
    raw.pause();
    link = { raw, ended: false };
    raw.on('data', (chunk: Buffer) => link.current?.deliver(chunk));
    raw.on('end', () => {
      link.ended = true;
      link.current?.push(null);
    });
    raw.on('error', (err) => link.current?.destroy(err));
    raw.on('close', () => link.current?.destroy());
    raw.on('timeout', () => link.current?.emit('timeout'));
    raw.on('error', () => undefined);
  }
  common.freeParser(parser, null, socket);
  // The parser consumed the handle (or had it stopped, for pipelining), so the stream never asked it for data:
  // it reads into the stream from now on, as after Node's own upgrade, under the stream's backpressure.
  const handle = (link.raw as unknown as { _handle?: { reading?: boolean; readStart?(): number } })._handle;
  if (handle && handle.reading === false && typeof handle.readStart === 'function') {
    handle.reading = true;
    handle.readStart();
  }
  // The stale keep-alive timer of the finished request; the new connection sets its own.
  link.raw.setTimeout(0);
  while (link.raw.readableLength > 0) {
    const c = link.raw.read() as Buffer | null;
    if (c === null) break;
    rest.push(c);
  }
  // After the failed parser's execute has unwound (it was freed inside its own callback).
  setImmediate(() => {
    const next = new RetriedConnection(link, [Buffer.concat([plan.bytes, ...rest])]);
    if (plan.method !== undefined) (next as unknown as Tracked)[kOriginalMethod] = plan.method;
    link.current = next;
    if (link.raw.destroyed) next.destroy();
    server.emit('connection', next);
  });
}

/**
 * The connection as the server sees it after a retry: first the rewritten request (and whatever was read after it),
 * then the TCP socket's data; writes, timeouts and closing go to that socket.
 */
export class RetriedConnection extends Duplex {
  bytesRead = 0;
  private detached = false;

  constructor(
    readonly link: RawLink,
    first: Buffer[],
  ) {
    super({ allowHalfOpen: true });
    for (const c of first) this.deliver(c);
    if (link.ended) this.push(null);
  }

  deliver(chunk: Buffer): void {
    if (this.detached) return;
    if (!this.push(chunk)) this.link.raw.pause();
  }

  /** Counts the bytes handed to the parser (a 'data' event each), as a TCP socket's bytesRead does when consumed. */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'data' && Buffer.isBuffer(args[0])) this.bytesRead += args[0].length;
    return super.emit(event, ...args);
  }

  /** Stops taking the socket's data; returns what was read but not parsed. */
  detach(): Buffer[] {
    this.detached = true;
    this.link.raw.pause();
    this.link.current = undefined;
    stripListeners(this, new Duplex());
    this.on('error', () => undefined);
    const rest: Buffer[] = [];
    while (this.readableLength > 0) {
      const c = this.read() as Buffer | null;
      if (c === null) break;
      rest.push(c);
    }
    return rest;
  }

  override _read(): void {
    if (!this.detached) this.link.raw.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.link.raw.write(chunk, encoding, cb);
  }

  override _writev(chunks: { chunk: Buffer; encoding: BufferEncoding }[], cb: (err?: Error | null) => void): void {
    const raw = this.link.raw;
    raw.cork();
    chunks.forEach((c, i) => (i === chunks.length - 1 ? raw.write(c.chunk, c.encoding, cb) : raw.write(c.chunk)));
    raw.uncork();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.link.raw.end(() => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.detached && !this.link.raw.destroyed) this.link.raw.destroy();
    cb(err);
  }

  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  setTimeout(ms: number, cb?: () => void): this {
    this.link.raw.setTimeout(ms);
    if (cb) this.once('timeout', cb);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.link.raw.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.link.raw.setKeepAlive(enable, delay);
    return this;
  }

  address(): ReturnType<Socket['address']> {
    return this.link.raw.address();
  }

  get bytesWritten(): number {
    return this.link.raw.bytesWritten;
  }
  get remoteAddress(): string | undefined {
    return this.link.raw.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.link.raw.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.link.raw.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.link.raw.localAddress;
  }
  get localPort(): number | undefined {
    return this.link.raw.localPort;
  }
}
