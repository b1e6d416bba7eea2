import { BadRequest, PayloadTooLarge } from '../../errors/errors';
import type { HeaderBag } from '../../upstream/headers';
import type { InfoDoc } from './info-merge';
import { LengthRequired, NotImplemented } from './swift-errors';

/**
 * Swift's name and metadata constraints (swift/common/constraints.py), enforced by the proxy with the limits of
 * the merged /info, so the one account keeps the same rules whichever provider a request lands at. Lengths are
 * in bytes, as Swift counts them. Pure.
 */
export interface SwiftLimits {
  maxFileSize: number;
  maxObjectNameLength: number;
  maxContainerNameLength: number;
  maxMetaNameLength: number;
  maxMetaValueLength: number;
  maxMetaCount: number;
  maxMetaOverallSize: number;
}

/** Swift's defaults (swift.conf [swift-constraints]). */
export const DEFAULT_LIMITS: SwiftLimits = {
  maxFileSize: 5368709122,
  maxObjectNameLength: 1024,
  maxContainerNameLength: 256,
  maxMetaNameLength: 128,
  maxMetaValueLength: 256,
  maxMetaCount: 90,
  maxMetaOverallSize: 4096,
};

const INFO_KEYS: Record<keyof SwiftLimits, string> = {
  maxFileSize: 'max_file_size',
  maxObjectNameLength: 'max_object_name_length',
  maxContainerNameLength: 'max_container_name_length',
  maxMetaNameLength: 'max_meta_name_length',
  maxMetaValueLength: 'max_meta_value_length',
  maxMetaCount: 'max_meta_count',
  maxMetaOverallSize: 'max_meta_overall_size',
};

export function limitsFromInfo(doc: InfoDoc | undefined): SwiftLimits {
  const swift = (doc?.['swift'] ?? {}) as Record<string, unknown>;
  const out = { ...DEFAULT_LIMITS };
  for (const [k, infoKey] of Object.entries(INFO_KEYS) as Array<[keyof SwiftLimits, string]>) {
    const v = swift[infoKey];
    if (typeof v === 'number' && v > 0) out[k] = v;
  }
  return out;
}

/**
 * Names are decoded text: their UTF-8 length. Header names and values (checkMetadata) are already one char per
 * byte as Node hands them over (latin-1), like Swift's WSGI strings, so their `.length` is bytes.
 */
function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export function checkContainerName(name: string, limits: SwiftLimits): void {
  const n = bytes(name);
  if (n > limits.maxContainerNameLength) {
    throw new BadRequest(`Container name length of ${n} longer than ${limits.maxContainerNameLength}`);
  }
}

/**
 * check_object_creation's first step, for an object PUT that carries its own body (not a copy): only `chunked` or
 * a Content-Length frame it (else 501 / 411, swift/common/swob.py Request.message_length).
 */
export function checkBodyFraming(headers: HeaderBag): void {
  const te = headers['transfer-encoding'];
  if (typeof te === 'string' && te.split(',').length > 1) {
    throw new NotImplemented('Unsupported Transfer-Coding header value specified in Transfer-Encoding header');
  }
  if (headers['content-length'] === undefined && (typeof te !== 'string' || te.trim().toLowerCase() !== 'chunked')) {
    throw new LengthRequired();
  }
}

/** check_object_creation: a declared length over max_file_size (413 before reading a byte), the name. */
export function checkObjectCreation(name: string, headers: HeaderBag, limits: SwiftLimits): void {
  const length = Number(headers['content-length'] ?? 0);
  if (length > limits.maxFileSize) throw new PayloadTooLarge('Your request is too large.');
  const n = bytes(name);
  if (n > limits.maxObjectNameLength) {
    throw new BadRequest(`Object name length of ${n} longer than ${limits.maxObjectNameLength}`);
  }
}

/** check_metadata for `X-<Kind>-Meta-*` request headers. */
export function checkMetadata(headers: HeaderBag, kind: 'account' | 'container' | 'object', limits: SwiftLimits): void {
  const prefix = `x-${kind}-meta-`;
  let count = 0;
  let size = 0;
  for (const [header, raw] of Object.entries(headers)) {
    if (!header.toLowerCase().startsWith(prefix)) continue;
    const key = header.slice(prefix.length);
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (!key) throw new BadRequest('Metadata name cannot be empty');
    count += 1;
    size += key.length + value.length;
    if (key.length > limits.maxMetaNameLength) throw new BadRequest(`Metadata name too long: ${prefix}${key}`);
    if (value.length > limits.maxMetaValueLength) {
      throw new BadRequest(`Metadata value longer than ${limits.maxMetaValueLength}: ${prefix}${key}`);
    }
    if (count > limits.maxMetaCount) throw new BadRequest(`Too many metadata items; max ${limits.maxMetaCount}`);
    if (size > limits.maxMetaOverallSize)
      throw new BadRequest(`Total metadata too large; max ${limits.maxMetaOverallSize}`);
  }
}
