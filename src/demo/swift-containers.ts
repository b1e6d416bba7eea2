// Swift container requests: PUT (201 new / 202 existing), POST metadata (204), HEAD (204), GET listing
// (200, or 204 for an empty plain listing), DELETE (204; 409 when objects remain; 404 when absent).
import type { Request, Response } from 'express';
import type { FakeObjectStore } from './fake-object-store';
import { listRows, parseListingQuery, renderListing } from './swift-listing';
import { containerStats, listingTime, metaFromHeaders, sendMeta, sendSwiftError } from './swift-store';
import type { SwiftAccount, SwiftContainer } from './swift-store';
import { bump, headerValue } from './sim-http';

function containerHeaders(res: Response, c: SwiftContainer): void {
  const s = containerStats(c);
  res.setHeader('X-Container-Object-Count', String(s.count));
  res.setHeader('X-Container-Bytes-Used', String(s.bytes));
  res.setHeader('X-Storage-Policy', 'Policy-0');
  for (const acl of ['read', 'write'] as const) {
    const v = c.meta[`\u0000acl-${acl}`];
    if (v !== undefined) res.setHeader(`X-Container-${acl === 'read' ? 'Read' : 'Write'}`, v);
  }
  sendMeta(res, 'Container', Object.fromEntries(Object.entries(c.meta).filter(([k]) => !k.startsWith('\u0000'))));
}

function applyContainerHeaders(req: Request, c: SwiftContainer): void {
  metaFromHeaders(req.headers, 'container', c.meta);
  for (const acl of ['read', 'write'] as const) {
    const v = headerValue(req, `x-container-${acl}`);
    if (v !== undefined) c.meta[`\u0000acl-${acl}`] = v;
  }
}

export function containerRoute(
  fake: FakeObjectStore,
  req: Request,
  res: Response,
  acct: SwiftAccount,
  name: string,
): void {
  const c = acct.containers.get(name);
  switch (req.method) {
    case 'PUT': {
      if (Buffer.byteLength(name) > 256)
        return sendSwiftError(res, 400, `Container name length of ${Buffer.byteLength(name)} longer than 256`);
      const target = c ?? { name, createdAt: fake.now(), meta: {}, objects: new Map() };
      applyContainerHeaders(req, target);
      acct.containers.set(name, target);
      return void res
        .status(c ? 202 : 201)
        .type('text/html; charset=UTF-8')
        .send('');
    }
    case 'POST':
      if (!c) return sendSwiftError(res, 404);
      applyContainerHeaders(req, c);
      return void res.status(204).end();
    case 'DELETE':
      if (!c) return sendSwiftError(res, 404);
      if (c.objects.size > 0) return sendSwiftError(res, 409);
      acct.containers.delete(name);
      return void res.status(204).end();
    case 'HEAD':
    case 'GET':
      break;
    default:
      return sendSwiftError(res, 405, 'Method Not Allowed');
  }
  if (!c) return sendSwiftError(res, 404);
  containerHeaders(res, c);
  const parsed = parseListingQuery(req.query as Record<string, unknown>, headerValue(req, 'accept'));
  if (!parsed.ok) return sendSwiftError(res, parsed.status, parsed.body);
  if (req.method === 'HEAD') return void res.status(204).end();
  bump(fake.stats, 'containerListings');
  const rows = listRows(c.objects.entries(), parsed.params);
  const out = renderListing(rows, parsed.format, { element: 'container', name, child: 'object' }, (n, o) => ({
    name: n,
    hash: o.etag,
    bytes: o.data.length,
    content_type: o.contentType,
    last_modified: listingTime(o.modifiedAt),
  }));
  if (!out) return void res.status(204).end();
  res.status(200).type(out.contentType).send(out.body);
}
