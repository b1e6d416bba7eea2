import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Response } from 'express';
import { withProxyIdentity } from '../../upstream/headers';
import { relay } from './relay';
import type { ScopedKey } from './signing-keys';
import { forwardableHeaders } from './swift-client';
import { swiftUnquote, type SwiftTarget } from './swift-path';
import { containerUrl, objectUrl } from './upstream-url';
import { candidateBases, keyBytes, parseSignature, sameText, type Digest, type SignedCall } from './tempurl';

/**
 * FormPost through the proxy (docs/lab-swift.md "TempURL and FormPost"). An HTML form POSTs files, signed for the
 * proxy's path `/v1/AUTH_<home project>/c[/prefix]` (swift/common/middleware/formpost.py: HMAC over path,
 * redirect, max_file_size, max_file_count, expires, with an account or container temp-url key). The proxy reads
 * the form's fields up to its first file (at most MAX_FIELDS_BYTES, never a file's bytes), checks the signature
 * against the keys each provider holds for the project (signing-keys.ts), replaces the signature field with one
 * made with the same key for the provider's path, and streams the rest of the body unread to that provider, whose
 * own formpost middleware checks it again and stores the files. Its answer (201, or 303 to the form's redirect) is
 * relayed.
 */
const MAX_FIELDS_BYTES = 1024 * 1024;
/** formpost.py MAX_VALUE_LENGTH: longer field values are cut. */
const MAX_VALUE_LENGTH = 4096;

/** The boundary of a `multipart/form-data` request, or undefined when it is not a form POST. */
export function formBoundary(method: string, contentType: string | undefined): string | undefined {
  if (method !== 'POST' || !contentType) return undefined;
  const [type, ...params] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'multipart/form-data') return undefined;
  for (const p of params) {
    const m = /^\s*boundary=(?:"([^"]*)"|([^\s;]*))\s*$/i.exec(p);
    if (m) return m[1] ?? m[2];
  }
  return undefined;
}

interface Part {
  /** Offsets of the part's value in the buffered prefix. */
  valueStart: number;
  valueEnd: number;
  name?: string;
  filename?: string;
}

type Scan =
  | { kind: 'more' }
  | { kind: 'invalid' }
  /** Fields read up to the first file part's headers (or the end of the form: `file` absent). */
  | { kind: 'fields'; parts: Part[]; file: boolean };

/** Reads the form's parts in `buf` as formpost.py's iter_multipart_mime_documents does. Pure. */
export function scanForm(buf: Buffer, boundary: string, ended: boolean): Scan {
  const delim = Buffer.from(`--${boundary}`);
  if (buf.length < delim.length + 2) return ended ? { kind: 'invalid' } : { kind: 'more' };
  if (!buf.subarray(0, delim.length).equals(delim)) return { kind: 'invalid' };
  const parts: Part[] = [];
  let at = delim.length;
  for (;;) {
    if (buf.length < at + 2) return ended ? { kind: 'invalid' } : { kind: 'more' };
    if (buf.subarray(at, at + 2).toString() === '--') return { kind: 'fields', parts, file: false };
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return ended ? { kind: 'invalid' } : { kind: 'more' };
    const headersEnd = buf.indexOf('\r\n\r\n', lineEnd);
    if (headersEnd < 0) return ended ? { kind: 'invalid' } : { kind: 'more' };
    const headers = buf.toString('utf8', lineEnd + 2, headersEnd);
    const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
    const [disp] = disposition.split(';');
    const name = dispositionParam(disposition, 'name');
    const filename = dispositionParam(disposition, 'filename');
    const valueStart = headersEnd + 4;
    if (disp?.trim().toLowerCase() === 'form-data' && filename) {
      return { kind: 'fields', parts: [...parts, { valueStart, valueEnd: valueStart, name, filename }], file: true };
    }
    const next = buf.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), valueStart);
    if (next < 0) return ended ? { kind: 'invalid' } : { kind: 'more' };
    parts.push({ valueStart, valueEnd: next, name });
    at = next + 2 + delim.length;
  }
}

function dispositionParam(disposition: string, param: string): string | undefined {
  const re = new RegExp(`;\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(disposition);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** Field name (lower-cased) -> value as formpost.py keeps it (first 4096 bytes, trailing "\r\n-" stripped). */
export function formFields(buf: Buffer, parts: readonly Part[]): Map<string, { value: string; part: Part }> {
  const out = new Map<string, { value: string; part: Part }>();
  for (const part of parts) {
    if (part.filename || part.name === undefined) continue;
    const raw = buf.subarray(part.valueStart, Math.min(part.valueEnd, part.valueStart + MAX_VALUE_LENGTH));
    out.set(part.name.toLowerCase(), { value: raw.toString('utf8').replace(/[\r\n-]+$/, ''), part });
  }
  return out;
}

/** formpost.py's hmac_body. */
export function formHmacBody(path: string, fields: Map<string, { value: string }>): string {
  const f = (k: string, d: string): string => fields.get(k)?.value || d;
  return [path, f('redirect', ''), f('max_file_size', '0'), f('max_file_count', '0'), f('expires', '0')].join('\n');
}

/** Swift's FormPost 401s (FormUnauthorized: swob's 401 with the message as body). */
function formUnauthorized(res: Response, message: string): void {
  const body = `FormPost: ${message}`;
  res.status(401);
  res.setHeader('Www-Authenticate', 'Swift realm="unknown"');
  res.setHeader('Content-Type', 'text/html; charset=UTF-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(body)));
  res.end(body);
}

function formBadRequest(res: Response, message: string): void {
  res.status(400).setHeader('Content-Type', 'text/plain');
  res.setHeader('Content-Length', String(Buffer.byteLength(message)));
  res.end(message);
}

/** The same signature for another HMAC body, written in the client's form (hex, or `<alg>:` base64 alike). */
function resign(original: string, digest: Digest, key: string, body: string): string {
  const mac = createHmac(digest, keyBytes(key)).update(Buffer.from(body, 'utf8'));
  const colon = original.indexOf(':');
  if (colon < 0) return mac.digest('hex');
  const urlSafe = /[-_]/.test(original) && !/[+/]/.test(original);
  let b64 = mac.digest(urlSafe ? 'base64url' : 'base64');
  const padded = original.endsWith('=');
  if (!padded) b64 = b64.replace(/=+$/, '');
  else if (!b64.endsWith('=')) b64 += '='.repeat((4 - (b64.length % 4)) % 4);
  return `${original.slice(0, colon)}:${b64}`;
}

export async function formPostRequest(call: SignedCall, target: SwiftTarget, boundary: string): Promise<void> {
  const { req, res } = call;
  if (!call.info?.['formpost'] || target.level === 'account') return formUnauthorized(res, 'Invalid Signature');
  const iterator = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let buf = Buffer.alloc(0);
  let ended = false;
  let scan: Scan = { kind: 'more' };
  while (scan.kind === 'more') {
    const next = await iterator.next();
    if (next.done) ended = true;
    else buf = Buffer.concat([buf, next.value]);
    scan = scanForm(buf, boundary, ended);
    if (scan.kind === 'more' && (ended || buf.length > MAX_FIELDS_BYTES)) scan = { kind: 'invalid' };
  }
  if (scan.kind === 'invalid') return formBadRequest(res, 'FormPost: invalid starting boundary');
  const fields = formFields(buf, scan.parts);
  if (!scan.file) {
    // formpost.py: no file, no subrequest and no signature check.
    const redirect = fields.get('redirect')?.value;
    if (!redirect) return formBadRequest(res, '400 Bad Request\r\nFormPost: No Files To Process');
    const location = `${redirect}${redirect.includes('?') ? '&' : '?'}status=400&message=no%20files%20to%20process`;
    const body = `<html><body><p><a href="${location}">Click to continue...</a></p></body></html>`;
    res.status(303).setHeader('Location', location);
    res.setHeader('Content-Length', String(Buffer.byteLength(body)));
    return void res.end(body);
  }
  const expires = fields.get('expires')?.value || '0';
  if (!/^\s*[+-]?\d+\s*$/.test(expires)) return formBadRequest(res, 'FormPost: expired not an integer');
  if (Number(expires) < Date.now() / 1000) return formUnauthorized(res, 'Form Expired');
  const sigField = fields.get('signature');
  const sig = parseSignature(sigField?.value ?? '');
  const digests = allowedDigests(call.info);
  if (!sig || !sigField || !digests.includes(sig.digest)) return formUnauthorized(res, 'Invalid Signature');

  const { account, container } = target;
  // The signed path is the request's own path, decoded, trailing "/" included (formpost.py: PATH_INFO).
  const proxyPath = swiftUnquote(call.rawPath);
  const rest = proxyPath.slice(`/${proxyPath.split('/')[1] ?? ''}/${account}/${container}`.length);
  const bodies = [proxyPath, ...(call.mount ? [`${call.mount}${proxyPath}`] : [])].map((p) => formHmacBody(p, fields));
  const found = await candidateBases(call, account, container);
  if (!found) return formUnauthorized(res, 'Invalid Signature');
  let chosen: { provider: string; base: string; key: string } | undefined;
  for (const c of found.candidates) {
    const keys: ScopedKey[] = await call.keys.keys(found.project, c.provider, found.name);
    const key = keys.find((k) =>
      bodies.some((b) => sameText(sig.hex, createHmac(sig.digest, keyBytes(k.key)).update(b).digest('hex'))),
    );
    if (key) {
      chosen = { ...c, key: key.key };
      break;
    }
  }
  if (!chosen) return formUnauthorized(res, 'Invalid Signature');

  const upstreamBase = chosen.base;
  const url =
    rest.length > 1
      ? objectUrl(upstreamBase, found.name, rest.slice(1))
      : containerUrl(upstreamBase, found.name) + rest;
  const providerPath = decodeURIComponent(new URL(url).pathname);
  const fresh = Buffer.from(resign(sigField.value, sig.digest, chosen.key, formHmacBody(providerPath, fields)));
  const { valueStart, valueEnd } = sigField.part;
  const head = Buffer.concat([buf.subarray(0, valueStart), fresh, buf.subarray(valueEnd)]);
  const headers = withProxyIdentity(forwardableHeaders(req.headers), call.ctx);
  if (headers['content-length'] !== undefined) {
    headers['content-length'] = String(Number(headers['content-length']) + head.length - buf.length);
  }
  const body = Readable.from(
    (async function* () {
      yield head;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  );
  const up = await call.upstream.send({
    provider: chosen.provider,
    service: 'object-store',
    method: 'POST',
    url,
    headers,
    body,
    signal: call.ctx.signal,
  });
  const view = { provider: chosen.provider, providerBase: chosen.base, proxyBase: `${call.proxyRoot}/${account}` };
  await relay(res, call.ctx, up, view, 'POST');
}

function allowedDigests(info: SignedCall['info']): string[] {
  const f = info?.['formpost'] as { allowed_digests?: unknown } | undefined;
  const list = f?.allowed_digests;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : ['sha1', 'sha256', 'sha512'];
}
