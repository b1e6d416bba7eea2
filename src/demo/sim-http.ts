// Small HTTP pieces every simulated provider shares: request recording (the integration tests assert what the
// proxy sent upstream), body parsing, random ids and the error shapes the real services use.
import { randomBytes, randomUUID } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface RecordedRequest {
  method: string;
  /** Path as received by the provider's server, query string excluded (e.g. `/compute/v2.1/servers`). */
  path: string;
  /** Path plus query string. */
  url: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, a Buffer for other bodies, undefined when there was none. */
  body: unknown;
}

export type Stats = Record<string, number>;

export function bump(stats: Stats, key: string, by = 1): void {
  stats[key] = (stats[key] ?? 0) + by;
}

/** Parses JSON bodies (Nova, Cinder, Keystone...) and keeps every other body as a Buffer (Glance data, SAML). */
export function parseBodies(): RequestHandler[] {
  const json = express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] });
  const raw = rawBodies();
  return [json, (req, res, next) => (req.body === undefined ? raw(req, res, next) : next())];
}

/** Every body as a Buffer, whatever its Content-Type (Swift objects must keep their exact bytes). */
export function rawBodies(): RequestHandler {
  return express.raw({ limit: '256mb', type: () => true });
}

/**
 * The last requests a simulated service received, for tests to inspect. Bounded (entries and retained body bytes)
 * because the demo cloud runs for as long as anyone likes. `length` counts every request ever recorded, so a test
 * can take `from = log.length` before a call and read `log.slice(from)` after it, even once old entries are gone.
 */
export class RequestLog implements Iterable<RecordedRequest> {
  static readonly MAX_ENTRIES = 200;
  static readonly MAX_BODY_BYTES = 16 * 1024 * 1024;
  private entries: { seq: number; bytes: number; req: RecordedRequest }[] = [];
  private total = 0;
  private bodyBytes = 0;

  constructor(
    private readonly maxEntries = RequestLog.MAX_ENTRIES,
    private readonly maxBodyBytes = RequestLog.MAX_BODY_BYTES,
  ) {}

  /** How many requests were ever recorded (not how many are kept). */
  get length(): number {
    return this.total;
  }

  /** How many are kept now. */
  get size(): number {
    return this.entries.length;
  }

  push(req: RecordedRequest, bytes = 0): void {
    this.entries.push({ seq: this.total++, bytes, req });
    this.bodyBytes += bytes;
    // The newest entry stays whatever its size, so a test can always see the request it just made.
    while (this.entries.length > this.maxEntries || (this.bodyBytes > this.maxBodyBytes && this.entries.length > 1)) {
      this.bodyBytes -= this.entries.shift()?.bytes ?? 0;
    }
  }

  /** The kept requests numbered `start` (inclusive) to `end` (exclusive); negative numbers count from the end. */
  slice(start = 0, end = this.total): RecordedRequest[] {
    const from = start < 0 ? this.total + start : start;
    const to = end < 0 ? this.total + end : end;
    return this.entries.filter((e) => e.seq >= from && e.seq < to).map((e) => e.req);
  }

  /** Request number `i` if still kept; negative `i` counts from the newest. */
  at(i: number): RecordedRequest | undefined {
    const seq = i < 0 ? this.total + i : i;
    const first = this.entries[0]?.seq ?? this.total;
    return this.entries[seq - first]?.req;
  }

  filter(pred: (r: RecordedRequest) => boolean): RecordedRequest[] {
    return this.slice().filter(pred);
  }

  find(pred: (r: RecordedRequest) => boolean): RecordedRequest | undefined {
    return this.slice().find(pred);
  }

  some(pred: (r: RecordedRequest) => boolean): boolean {
    return this.slice().some(pred);
  }

  every(pred: (r: RecordedRequest) => boolean): boolean {
    return this.slice().every(pred);
  }

  map<T>(fn: (r: RecordedRequest) => T): T[] {
    return this.slice().map(fn);
  }

  [Symbol.iterator](): Iterator<RecordedRequest> {
    return this.slice()[Symbol.iterator]();
  }
}

/** Records one entry per request in `log`; mount after parseBodies(). */
export function recordRequests(log: RequestLog): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const url = req.originalUrl;
    const q = url.indexOf('?');
    const hasBody = Buffer.isBuffer(req.body) ? req.body.length > 0 : req.body !== undefined;
    // Parsed JSON is weighed by the bytes on the wire, which is what it was parsed from.
    const bytes = Buffer.isBuffer(req.body) ? req.body.length : Number(req.headers['content-length'] ?? 0) || 0;
    log.push(
      {
        method: req.method,
        path: q < 0 ? url : url.slice(0, q),
        url,
        query: { ...(req.query as Record<string, unknown>) },
        headers: { ...req.headers },
        body: hasBody ? req.body : undefined,
      },
      hasBody ? bytes : 0,
    );
    next();
  };
}

export function newUuid(): string {
  return randomUUID();
}

/** Keystone-style hex id (uuid4().hex). */
export function newHexId(): string {
  return randomUUID().replace(/-/g, '');
}

export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

export function randomToken(): string {
  // Fernet tokens are url-safe base64 starting with the version byte 0x80 and a timestamp: "gAAAAAB...".
  return `gAAAAAB${randomBytes(120).toString('base64url')}`;
}

/** Attaches `x-openstack-request-id` like oslo.middleware's request_id filter. */
export function requestIdHeader(): RequestHandler {
  return (_req, res, next) => {
    const id = newRequestId();
    res.setHeader('x-openstack-request-id', id);
    res.setHeader('x-compute-request-id', id);
    next();
  };
}

/** Nova/Cinder fault body: `{"itemNotFound": {"code": 404, "message": "..."}}`. */
export function sendFault(res: Response, status: number, message: string): void {
  const kinds: Record<number, string> = {
    400: 'badRequest',
    401: 'unauthorized',
    403: 'forbidden',
    404: 'itemNotFound',
    409: 'conflictingRequest',
    413: 'overLimit',
    500: 'computeFault',
  };
  const kind = kinds[status] ?? 'computeFault';
  res.status(status).json({ [kind]: { code: status, message } });
}

/** keystonemiddleware's rejection body; services behind it answer with the Keystone error shape. */
export function sendKeystoneError(res: Response, status: number, title: string, message: string): void {
  res.status(status).json({ error: { code: status, title, message } });
}

export function sendUnauthorized(res: Response): void {
  res.setHeader('WWW-Authenticate', 'Keystone uri="unknown"');
  sendKeystoneError(res, 401, 'Unauthorized', 'The request you have made requires authentication.');
}

export const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** First value of a query parameter that may be repeated. */
export function firstQuery(value: unknown): string | undefined {
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** All values of a repeatable query parameter (`sort_key=a&sort_key=b`). */
export function allQuery(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function headerValue(req: Request, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** What a service learns from keystonemiddleware about the caller's token. */
export interface TokenInfo {
  userId: string;
  projectId?: string;
}
export interface TokenLookup {
  lookup(token: string | undefined): TokenInfo | undefined;
}

/** keystonemiddleware stand-in: a live project-scoped X-Auth-Token, else `reject` (401). */
export function requireToken(auth: TokenLookup, reject: (res: Response) => void = sendUnauthorized): RequestHandler {
  return (req, res, next) => {
    const info = auth.lookup(headerValue(req, 'x-auth-token'));
    if (!info?.projectId) return reject(res);
    res.locals.token = info;
    next();
  };
}

export function projectOf(res: Response): string {
  return (res.locals.token as TokenInfo | undefined)?.projectId ?? '';
}

export function userOf(res: Response): string {
  return (res.locals.token as TokenInfo | undefined)?.userId ?? '';
}

/** Express error middleware: an unparsable JSON body becomes the service's 400, anything else its 500. */
export function bodyErrors(render: (res: Response, status: number, message: string) => void) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const status = (err as { status?: number }).status;
    if (status === 400) return render(res, 400, 'Malformed request body');
    if (status === 413) return render(res, 413, 'Request is too large.');
    render(res, 500, 'The server has either erred or is incapable of performing the requested operation.');
  };
}
