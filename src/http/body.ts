import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { BadRequest, PayloadTooLarge } from '../errors/errors';

/** Whether a request announces a body: chunked, or a non-zero Content-Length (RFC 9112 §6.3). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
}

/** Read a small request body, bounded (docs/contract.md: request bodies have size limits; objects and images stream). */
export async function readBody(stream: Readable, limit: number): Promise<Buffer> {
  // Refuse an announced oversize body before reading any of it.
  const announced = Number((stream as Readable & { headers?: Record<string, unknown> }).headers?.['content-length']);
  if (Number.isFinite(announced) && announced > limit) {
    throw new PayloadTooLarge(`Request body is larger than ${limit} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > limit) {
        stream.resume();
        throw new PayloadTooLarge(`Request body is larger than ${limit} bytes.`);
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof PayloadTooLarge) throw err;
    // The client went away mid-body: its fault, not ours (and nobody will read the answer).
    throw new BadRequest('The request body was not received completely.', { cause: err });
  }
  return Buffer.concat(chunks);
}

export const MAX_JSON_DEPTH = 64;

// JSON bodies must be UTF-8 (RFC 8259 §8.1); replacing bad bytes silently would forward names nobody sent.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Parse a JSON request body; malformed or absurdly nested JSON is a 400, never a 500. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) throw new BadRequest('The request body is empty; a JSON document is required.');
  let text: string;
  try {
    text = STRICT_UTF8.decode(raw);
  } catch {
    throw new BadRequest('Malformed request body: not valid UTF-8.');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text, finiteNumbers);
  } catch (err) {
    if (err instanceof BadRequest) throw err;
    throw new BadRequest('Malformed request body: not valid JSON.');
  }
  if (depthOf(doc, 0) > MAX_JSON_DEPTH)
    throw new BadRequest(`Malformed request body: nested deeper than ${MAX_JSON_DEPTH}.`);
  return doc;
}

function depthOf(value: unknown, depth: number): number {
  if (depth > MAX_JSON_DEPTH) return depth;
  if (value === null || typeof value !== 'object') return depth;
  let max = depth + 1;
  for (const v of Object.values(value as Record<string, unknown>)) max = Math.max(max, depthOf(v, depth + 1));
  return max;
}

/** 1e999 parses to Infinity and would be re-serialised as null: refuse it (services reject it too). */
function finiteNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new BadRequest('Malformed request body: number out of range.');
  }
  return value;
}
