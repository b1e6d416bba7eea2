// Swift's bulk middleware, extract-archive part, for the fake (swift/common/middleware/bulk.py, 2.30):
// `PUT <account|container|container/prefix>?extract-archive=tar|tar.gz` stores every regular file of the archive
// (at the account level its first path segment is the container, created when missing) and answers 200 with
// Swift's text/plain or JSON summary. tar.bz2 (which Node cannot unpack) answers 400 here.
import { gunzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { guessType, md5, type SwiftAccount } from './swift-store';

export function extractArchive(
  req: Request,
  res: Response,
  acct: SwiftAccount,
  container: string | undefined,
  prefix: string | undefined,
  now: number,
): void {
  const kind = String(req.query['extract-archive'] ?? '')
    .toLowerCase()
    .replace(/^\.+|\.+$/g, '');
  if (kind !== 'tar' && kind !== 'tar.gz') {
    return void res.status(400).type('text/html; charset=UTF-8').send('Unsupported archive format');
  }
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  let created = 0;
  const errors: [string, string][] = [];
  let data: Buffer;
  try {
    data = kind === 'tar.gz' ? gunzipSync(body) : body;
  } catch {
    return void res.status(400).type('text/html; charset=UTF-8').send('Invalid Tar File: not a gzip file');
  }
  for (const entry of tarEntries(data)) {
    const path = [container, prefix, entry.name]
      .filter((x) => x)
      .join('/')
      .replace(/^\/+/, '');
    const slash = path.indexOf('/');
    if (slash <= 0 || slash === path.length - 1) continue;
    const cName = path.slice(0, slash);
    const oName = path.slice(slash + 1);
    let c = acct.containers.get(cName);
    if (!c) {
      c = { name: cName, createdAt: now, meta: {}, objects: new Map() };
      acct.containers.set(cName, c);
    }
    c.objects.set(oName, {
      data: entry.data,
      etag: md5(entry.data),
      contentType: guessType(oName),
      modifiedAt: now,
      meta: {},
    });
    created += 1;
  }
  const summary = { 'Number Files Created': created, 'Response Body': '', 'Response Status': '201 Created' };
  if (String(req.headers.accept ?? '').includes('application/json')) {
    return void res
      .status(200)
      .type('application/json')
      .send(JSON.stringify({ ...summary, Errors: errors }));
  }
  const text = `${Object.entries(summary)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('')}Errors:\n`;
  res.status(200).type('text/plain').send(text);
}

/** Regular files of a ustar/GNU tar: name (prefix + name) and bytes. */
function* tarEntries(data: Buffer): Generator<{ name: string; data: Buffer }> {
  let at = 0;
  while (at + 512 <= data.length) {
    const header = data.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return;
    const field = (from: number, len: number): string =>
      header.toString('utf8', from, from + len).replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const start = at + 512;
    if (type === '0' || type === '')
      yield { name: name.replace(/^\.\//, ''), data: data.subarray(start, start + size) };
    at = start + Math.ceil(size / 512) * 512;
  }
}
