import type { Readable } from 'node:stream';
import { BadRequest, PayloadTooLarge } from '../errors/errors';

/** Read a small request body, bounded (DESIGN.md: request bodies have size limits; objects and images stream). */
export async function readBody(stream: Readable, limit: number): Promise<Buffer> {
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

/** Parse a JSON request body; malformed or absurdly nested JSON is a 400, never a 500. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) throw new BadRequest('The request body is empty; a JSON document is required.');
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch {
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
