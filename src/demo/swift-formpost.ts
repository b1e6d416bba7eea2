// Swift's formpost middleware for the fake (swift/common/middleware/formpost.py, 2.30): a multipart/form-data
// POST to a container (or a prefix in it) stores each file field as `<prefix><filename>` when the signature field
// is the HMAC of "path\nredirect\nmax_file_size\nmax_file_count\nexpires" with an account or container
// temp-url key (PATH is the whole request path, as for swift-tempurl.ts). Answers 201 "201 Created", or 303 to
// the redirect with status and message; 401 "FormPost: Invalid Signature" / "FormPost: Form Expired".
import { createHmac } from 'node:crypto';
import type { Request, Response } from 'express';
import { guessType, md5, type SwiftAccount } from './swift-store';

export const FORMPOST_INFO = { allowed_digests: ['sha1', 'sha256', 'sha512'] };

export function formBoundaryOf(req: Request): string | undefined {
  if (req.method !== 'POST') return undefined;
  const ct = String(req.headers['content-type'] ?? '');
  if (!/^multipart\/form-data\s*;/i.test(ct)) return undefined;
  return /boundary="?([^";]+)"?/i.exec(ct)?.[1];
}

export function formPost(
  req: Request,
  res: Response,
  boundary: string,
  fullPath: string,
  acct: SwiftAccount | undefined,
  container: string | undefined,
  prefix: string | undefined,
  nowMs: number,
): void {
  const body = Buffer.isBuffer(req.body) ? req.body.toString('latin1') : '';
  const chunks = body.split(`--${boundary}`).slice(1, -1);
  const fields: Record<string, string> = {};
  const files: { name: string; type?: string; data: Buffer }[] = [];
  for (const chunk of chunks) {
    const split = chunk.indexOf('\r\n\r\n');
    const head = chunk.slice(0, split);
    const value = chunk.slice(split + 4, chunk.endsWith('\r\n') ? -2 : undefined);
    const filename = /filename="([^"]*)"/i.exec(head)?.[1];
    const name = /\bname="([^"]*)"/i.exec(head)?.[1];
    if (filename !== undefined) {
      const type = /^content-type:\s*(.+)$/im.exec(head)?.[1]?.trim();
      files.push({ name: filename, type, data: Buffer.from(value, 'latin1') });
    } else if (name) fields[name.toLowerCase()] = Buffer.from(value, 'latin1').toString('utf8');
  }
  const c = container ? acct?.containers.get(container) : undefined;
  const unauthorized = (message: string): void =>
    void res.status(401).type('text/html; charset=UTF-8').send(`FormPost: ${message}`);
  if (files.length === 0)
    return void res.status(400).type('text/plain').send('400 Bad Request\r\nFormPost: No Files To Process');
  if (Number(fields['expires'] || 0) < nowMs / 1000) return unauthorized('Form Expired');
  const hmacBody = [
    fullPath,
    fields['redirect'] ?? '',
    fields['max_file_size'] || '0',
    fields['max_file_count'] || '0',
    fields['expires'] || '0',
  ].join('\n');
  const keys = [acct?.meta, c?.meta]
    .flatMap((m) => [m?.['temp-url-key'], m?.['temp-url-key-2']])
    .filter((k): k is string => !!k);
  const sig = fields['signature'] ?? '';
  const colon = sig.indexOf(':');
  const digest =
    colon >= 0
      ? sig.slice(0, colon)
      : ({ 40: 'sha1', 64: 'sha256', 128: 'sha512' } as Record<number, string>)[sig.length];
  const hex = colon >= 0 ? Buffer.from(sig.slice(colon + 1), 'base64').toString('hex') : sig;
  if (!digest || !FORMPOST_INFO.allowed_digests.includes(digest)) return unauthorized('Invalid Signature');
  if (!keys.some((k) => createHmac(digest, Buffer.from(k, 'latin1')).update(hmacBody).digest('hex') === hex))
    return unauthorized('Invalid Signature');
  if (!c) return void res.status(404).type('text/plain').send('404 Not Found');
  const maxCount = Number(fields['max_file_count'] || 0);
  let status = '201 Created';
  let message = '';
  for (const [i, f] of files.entries()) {
    if (i >= maxCount) {
      status = '400 Bad Request';
      message = 'max file count exceeded';
      break;
    }
    if (f.data.length > Number(fields['max_file_size'] || 0)) {
      status = '400 Bad Request';
      message = 'max_file_size exceeded';
      break;
    }
    const name = `${prefix ?? ''}${f.name}`;
    c.objects.set(name, {
      data: f.data,
      etag: md5(f.data),
      contentType: f.type ?? guessType(name),
      modifiedAt: nowMs,
      meta: {},
    });
  }
  const redirect = fields['redirect'];
  if (!redirect)
    return void res
      .status(Number(status.slice(0, 3)))
      .type('text/plain')
      .send(message ? `${status}\r\nFormPost: ${message}` : status);
  const location = `${redirect}${redirect.includes('?') ? '&' : '?'}status=${status.slice(0, 3)}&message=${encodeURIComponent(message)}`;
  res.status(303).setHeader('Location', location);
  res.send(`<html><body><p><a href="${location}">Click to continue...</a></p></body></html>`);
}
