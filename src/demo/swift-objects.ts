// Swift object requests: PUT (201 + ETag; ETag mismatch 422; If-None-Match: * 412; X-Copy-From), GET/HEAD
// (Range -> 206/416, If-Match/If-None-Match/If-(Un)Modified-Since -> 412/304), POST (202, replaces user
// metadata), DELETE (204/404), COPY (Destination, 201 + X-Copied-From), DLO (X-Object-Manifest) and SLO
// (?multipart-manifest=put|get) manifests served as the concatenation of their segments.
import type { Request, Response } from 'express';
import type { FakeObjectStore } from './fake-object-store';
import { readSlo, resolveContent } from './swift-manifests';
import { guessType, httpDate, md5, metaFromHeaders, sendMeta, sendSwiftError, xTimestamp } from './swift-store';
import type { SwiftAccount, SwiftContainer, SwiftObject } from './swift-store';
import { bump, headerValue } from './sim-http';

type Range = { start: number; end: number } | 'unsatisfiable' | undefined;

/** One `bytes=` range (a-b, a-, -n); several ranges are ignored (full 200), as RFC 7233 allows. */
export function parseRange(header: string | undefined, size: number): Range {
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  return start >= size ? 'unsatisfiable' : { start, end };
}

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const v = t
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1');
    return v === '*' || v === etag;
  });
}

/** 412/304 per RFC 7232 order; true when the response was sent. */
function preconditionFailed(req: Request, res: Response, etag: string, modifiedAt: number): boolean {
  const seconds = Math.ceil(modifiedAt / 1000);
  const ifMatch = headerValue(req, 'if-match');
  const ifNone = headerValue(req, 'if-none-match');
  const ifUnmod = Date.parse(headerValue(req, 'if-unmodified-since') ?? '');
  const ifMod = Date.parse(headerValue(req, 'if-modified-since') ?? '');
  if (ifMatch !== undefined && !etagMatches(ifMatch, etag)) return (sendSwiftError(res, 412), true);
  if (ifMatch === undefined && !Number.isNaN(ifUnmod) && seconds > ifUnmod / 1000)
    return (sendSwiftError(res, 412), true);
  if (ifNone !== undefined && etagMatches(ifNone, etag)) return (res.status(304).end(), true);
  if (ifNone === undefined && !Number.isNaN(ifMod) && seconds <= ifMod / 1000) return (res.status(304).end(), true);
  return false;
}

function readObject(fake: FakeObjectStore, req: Request, res: Response, acct: SwiftAccount, o: SwiftObject): void {
  const content =
    req.query['multipart-manifest'] === 'get' && o.sloSegments
      ? { data: o.data, etag: o.etag, quoted: false }
      : resolveContent(acct, o);
  if (!content) return sendSwiftError(res, 409);
  res.setHeader('ETag', content.quoted ? `"${content.etag}"` : content.etag);
  res.setHeader('Last-Modified', httpDate(o.modifiedAt));
  res.setHeader('X-Timestamp', xTimestamp(o.modifiedAt));
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Content-Type', o.contentType);
  if (o.dloManifest) res.setHeader('X-Object-Manifest', o.dloManifest);
  if (o.sloSegments) res.setHeader('X-Static-Large-Object', 'True');
  sendMeta(res, 'Object', o.meta);
  if (preconditionFailed(req, res, content.etag, o.modifiedAt)) return;
  bump(fake.stats, 'objectGets');
  const size = content.data.length;
  const range = parseRange(headerValue(req, 'range'), size);
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${size}`);
    return sendSwiftError(res, 416);
  }
  if (range) {
    res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
    return void res.end(req.method === 'HEAD' ? undefined : content.data.subarray(range.start, range.end + 1));
  }
  res.status(200).setHeader('Content-Length', String(size));
  res.end(req.method === 'HEAD' ? undefined : content.data);
}

/** `container/object` or `/container/object`, URL-encoded as Swift clients send Destination and X-Copy-From. */
function splitPath(p: string): [string, string] | undefined {
  const m = /^\/?([^/]+)\/(.+)$/.exec(p);
  if (!m?.[1] || !m[2]) return undefined;
  try {
    return [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
  } catch {
    return undefined;
  }
}

function copyObject(
  fake: FakeObjectStore,
  req: Request,
  res: Response,
  acct: SwiftAccount,
  from: string,
  dest: [string, string],
): void {
  const src = splitPath(from);
  const source = src ? acct.containers.get(src[0])?.objects.get(src[1]) : undefined;
  const target = acct.containers.get(dest[0]);
  if (!src || !source || !target) return sendSwiftError(res, 404);
  const fresh = (headerValue(req, 'x-fresh-metadata') ?? '').toLowerCase() === 'true';
  const meta = metaFromHeaders(req.headers, 'object', fresh ? {} : { ...source.meta });
  const now = fake.now();
  const copy: SwiftObject = {
    ...source,
    meta,
    modifiedAt: now,
    contentType: headerValue(req, 'content-type') ?? source.contentType,
  };
  target.objects.set(dest[1], copy);
  res.setHeader('X-Copied-From', `${encodeURIComponent(src[0])}/${encodeURIComponent(src[1])}`);
  res.setHeader('X-Copied-From-Last-Modified', httpDate(source.modifiedAt));
  res.setHeader('ETag', copy.etag);
  res.setHeader('Last-Modified', httpDate(now));
  res.status(201).type('text/html; charset=UTF-8').send('');
}

function putObject(
  fake: FakeObjectStore,
  req: Request,
  res: Response,
  acct: SwiftAccount,
  c: SwiftContainer,
  name: string,
): void {
  const copyFrom = headerValue(req, 'x-copy-from');
  if (copyFrom !== undefined) return copyObject(fake, req, res, acct, copyFrom, [c.name, name]);
  if (headerValue(req, 'if-none-match') === '*' && c.objects.has(name)) return sendSwiftError(res, 412);
  let data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  let slo: SwiftObject['sloSegments'];
  if (req.query['multipart-manifest'] === 'put') {
    const parsed = readSlo(acct, data);
    if (!parsed.ok) return sendSwiftError(res, 400, parsed.message);
    slo = parsed.segments;
    data = parsed.stored;
  }
  const etag = md5(data);
  const given = headerValue(req, 'etag')?.replace(/^"(.*)"$/, '$1');
  if (given !== undefined && !slo && given !== etag) return sendSwiftError(res, 422);
  const type = headerValue(req, 'content-type');
  const o: SwiftObject = {
    data,
    etag: slo ? md5(slo.map((s) => s.etag).join('')) : etag,
    contentType: type && type !== 'application/x-www-form-urlencoded' ? type : guessType(name),
    modifiedAt: fake.now(),
    meta: metaFromHeaders(req.headers, 'object'),
    dloManifest: headerValue(req, 'x-object-manifest'),
    sloSegments: slo,
  };
  c.objects.set(name, o);
  bump(fake.stats, 'objectPuts');
  res.setHeader('ETag', slo ? `"${o.etag}"` : o.etag);
  res.setHeader('Last-Modified', httpDate(o.modifiedAt));
  res.status(201).type('text/html; charset=UTF-8').send('');
}

export function objectRoute(
  fake: FakeObjectStore,
  req: Request,
  res: Response,
  acct: SwiftAccount,
  container: string,
  name: string,
): void {
  const c = acct.containers.get(container);
  if (!c) return sendSwiftError(res, 404);
  if (req.method === 'PUT') return putObject(fake, req, res, acct, c, name);
  const o = c.objects.get(name);
  if (!o) return sendSwiftError(res, 404);
  switch (req.method) {
    case 'GET':
    case 'HEAD':
      return readObject(fake, req, res, acct, o);
    case 'POST': {
      o.meta = metaFromHeaders(req.headers, 'object');
      const type = headerValue(req, 'content-type');
      if (type && type !== 'application/x-www-form-urlencoded') o.contentType = type;
      const body = '<html><h1>Accepted</h1><p>The request is accepted for processing.</p></html>';
      return void res.status(202).type('text/html; charset=UTF-8').send(body);
    }
    case 'DELETE':
      c.objects.delete(name);
      return void res.status(204).end();
    case 'COPY': {
      const dest = splitPath(headerValue(req, 'destination') ?? '');
      if (!dest)
        return sendSwiftError(res, 412, 'Destination header must be of the form <container name>/<object name>');
      return copyObject(fake, req, res, acct, `${encodeURIComponent(container)}/${encodeURIComponent(name)}`, dest);
    }
    default:
      return sendSwiftError(res, 405, 'Method Not Allowed');
  }
}
