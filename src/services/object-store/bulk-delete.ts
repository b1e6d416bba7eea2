import { STATUS_CODES } from 'node:http';
import { OcxError, PayloadTooLarge } from '../../errors/errors';
import { readBody } from '../../http/body';
import { headerValue } from '../../upstream/headers';
import { bulkFormat, renderBulkDelete, type BulkDeleteResult } from './bulk-delete-format';
import { sendMany } from './send-many';
import { discard } from './swift-client';
import { containerRef, type SwiftCall } from './swift-call';
import { swiftUnquote } from './swift-path';

/** Swift's bulk defaults (max_deletes_per_request, delete_concurrency is 2 there; the proxy fans out more). */
const MAX_DELETES = 10_000;
const MAX_BODY = 16 * 1024 * 1024;
const CONCURRENCY = 8;

type Outcome = { kind: 'deleted' } | { kind: 'notFound' } | { kind: 'failed'; status: number };

/**
 * `POST ?bulk-delete`: the proxy deletes each listed path itself, at every provider holding it (a union
 * container's objects may be anywhere), and answers like Swift's bulk middleware: 200, details in the body.
 */
export async function bulkDelete(call: SwiftCall): Promise<void> {
  const format = bulkFormat(headerValue(call.req.headers, 'accept'));
  const result: BulkDeleteResult = { responseStatus: '200 OK', responseBody: '', deleted: 0, notFound: 0, errors: [] };
  if (!format) {
    call.res.status(406).setHeader('content-type', 'text/html; charset=UTF-8');
    call.res.end('<html><h1>Not Acceptable</h1><p>The request is not acceptable.</p></html>');
    return;
  }
  try {
    const incoming = headerValue(call.req.headers, 'content-type');
    if (incoming && !incoming.startsWith('text/plain')) throw new OcxError(406, 'badRequest', 'Not Acceptable');
    if (Number(call.req.headers['content-length'] ?? 0) > MAX_BODY) throw new PayloadTooLarge();
    const names = parseNames(await readBody(call.req, MAX_BODY));
    if (names.length > MAX_DELETES) throw new PayloadTooLarge(`Maximum Bulk Deletes: ${MAX_DELETES} per request`);
    // Objects first, then containers (which must be empty by then), as Swift does.
    const objects = names.filter((n) => n.replace(/^\/+|\/+$/g, '').includes('/'));
    const containers = names.filter((n) => !n.replace(/^\/+|\/+$/g, '').includes('/'));
    let badGateway = false;
    for (const group of [objects, containers]) {
      await eachLimited(group, CONCURRENCY, async (name) => {
        const outcome = await deleteOne(call, name);
        if (outcome.kind === 'deleted') result.deleted += 1;
        else if (outcome.kind === 'notFound') result.notFound += 1;
        else {
          if (outcome.status >= 500) badGateway = true;
          result.errors.push([pyQuote(displayName(name)), statusLine(outcome.status)]);
        }
      });
    }
    if (result.errors.length) result.responseStatus = statusLine(badGateway ? 502 : 400);
    else if (!(result.deleted || result.notFound)) {
      result.responseStatus = statusLine(400);
      result.responseBody = 'Invalid bulk delete.';
    }
  } catch (err) {
    const status = err instanceof OcxError ? err.status : 500;
    result.responseStatus = statusLine(status);
    result.responseBody = err instanceof OcxError ? err.message : '';
  }
  call.res.status(200);
  call.res.setHeader('content-type', `${format}; charset=utf-8`);
  call.res.end(renderBulkDelete(format, result));
}

function parseNames(body: Buffer): string[] {
  return body
    .toString('latin1')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

async function deleteOne(call: SwiftCall, raw: string): Promise<Outcome> {
  let name: string;
  try {
    name = swiftUnquote(raw);
  } catch {
    return { kind: 'failed', status: 412 };
  }
  const trimmed = name.replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  const container = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const object = slash < 0 ? undefined : trimmed.slice(slash + 1);
  try {
    const ref = containerRef(call, container);
    const holders = await call.locator.holders(call.client, ref);
    if (holders.providers.length === 0)
      return holders.failed.length ? { kind: 'failed', status: 503 } : { kind: 'notFound' };
    const result = await sendMany(call, holders.providers, { method: 'DELETE', container: ref.name, object });
    for (const a of result.ok) discard(a.value);
    const statuses = result.ok.map((a) => a.value.status);
    if (object === undefined) {
      const gone = result.ok.filter((a) => a.value.status === 404 || a.value.status < 300).map((a) => a.provider);
      call.locator.removed(call.client, ref.name, gone);
    }
    if (statuses.some((s) => s >= 200 && s < 300)) return { kind: 'deleted' };
    const other = statuses.find((s) => s !== 404);
    if (other !== undefined) return { kind: 'failed', status: other };
    if (result.failed.length) return { kind: 'failed', status: 503 };
    return { kind: 'notFound' };
  } catch (err) {
    return { kind: 'failed', status: err instanceof OcxError ? err.status : 500 };
  }
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function displayName(raw: string): string {
  try {
    return swiftUnquote(raw);
  } catch {
    return raw;
  }
}

function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Error'}`;
}

/** Python's urllib.parse.quote(name, safe='/'), as Swift quotes names in bulk errors. */
export function pyQuote(name: string): string {
  return encodeURIComponent(name)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, '/');
}
