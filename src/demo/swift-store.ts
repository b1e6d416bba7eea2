// Swift data model for the fake: accounts -> containers -> objects, with Swift's header formats
// (X-Timestamp "1461946430.46023", listing last_modified "2016-04-29T16:23:50.460230", HTTP dates).
import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'express';

export interface SwiftObject {
  data: Buffer;
  etag: string;
  contentType: string;
  modifiedAt: number;
  meta: Record<string, string>;
  /** DLO: `X-Object-Manifest: container/prefix`. */
  dloManifest?: string;
  /** SLO: segment paths `/container/object` with their etags and sizes. */
  sloSegments?: { path: string; etag: string; size_bytes: number }[];
}

export interface SwiftContainer {
  name: string;
  createdAt: number;
  meta: Record<string, string>;
  objects: Map<string, SwiftObject>;
}

export interface SwiftAccount {
  name: string;
  createdAt: number;
  meta: Record<string, string>;
  containers: Map<string, SwiftContainer>;
}

export function md5(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

export function xTimestamp(ms: number): string {
  return (ms / 1000).toFixed(5);
}

export function listingTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000');
}

/** Swift rounds Last-Modified up to the next whole second. */
export function httpDate(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toUTCString();
}

export function transId(): string {
  const ts = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(10, '0');
  return `tx${randomBytes(11).toString('hex').slice(0, 21)}-${ts}`;
}

const TYPES: Record<string, string> = {
  txt: 'text/plain',
  html: 'text/html',
  json: 'application/json',
  xml: 'application/xml',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gz: 'application/gzip',
  tar: 'application/x-tar',
};

/** Swift guesses a missing Content-Type from the object name (python mimetypes). */
export function guessType(name: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return TYPES[ext] ?? 'application/octet-stream';
}

export function containerStats(c: SwiftContainer): { count: number; bytes: number } {
  let bytes = 0;
  for (const o of c.objects.values()) bytes += o.data.length;
  return { count: c.objects.size, bytes };
}

/** Copies `X-<kind>-Meta-*` request headers (lower-cased) into a metadata map; empty values delete. */
export function metaFromHeaders(
  headers: Record<string, string | string[] | undefined>,
  kind: 'object' | 'container' | 'account',
  into: Record<string, string> = {},
): Record<string, string> {
  const prefix = `x-${kind}-meta-`;
  for (const [k, v] of Object.entries(headers)) {
    if (!k.startsWith(prefix) || v === undefined) continue;
    const value = Array.isArray(v) ? v.join(',') : v;
    if (value === '') delete into[k.slice(prefix.length)];
    else into[k.slice(prefix.length)] = value;
  }
  for (const k of Object.keys(headers))
    if (k.startsWith(`x-remove-${kind}-meta-`)) delete into[k.slice(`x-remove-${kind}-meta-`.length)];
  return into;
}

export function sendMeta(res: Response, kind: 'Object' | 'Container' | 'Account', meta: Record<string, string>): void {
  for (const [k, v] of Object.entries(meta)) res.setHeader(`X-${kind}-Meta-${k}`, v);
}

/** Swift's terse HTML error bodies. */
const BODIES: Record<number, [string, string]> = {
  401: ['Unauthorized', 'This server could not verify that you are authorized to access the document you requested.'],
  403: ['Forbidden', 'Access was denied to this resource.'],
  404: ['Not Found', 'The resource could not be found.'],
  409: ['Conflict', 'There was a conflict when trying to complete your request.'],
  412: ['Precondition Failed', 'A precondition for this request was not met.'],
  416: ['Requested Range Not Satisfiable', 'The Range requested is not available.'],
  422: ['Unprocessable Entity', 'Unable to process the contained instructions'],
};

export function sendSwiftError(res: Response, status: number, body?: string): void {
  const known = BODIES[status];
  const text = body ?? (known ? `<html><h1>${known[0]}</h1><p>${known[1]}</p></html>` : '');
  res
    .status(status)
    .type(body === undefined ? 'text/html; charset=UTF-8' : 'text/plain; charset=UTF-8')
    .send(text);
}
