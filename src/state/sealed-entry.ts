import { createHmac, hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';

const HEADER = { alg: 'dir', enc: 'A256GCM' } as const;
/**
 * In every key name: a release that changes what an entry holds bumps it, so during a rolling upgrade old and new
 * instances do not read each other's entries (they share again once all run the new release).
 */
const FORMAT = 'v1';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Payload {
  /** The storage key the entry was written under: an entry copied to another key does not open. */
  b: string;
  e: number;
  v: unknown;
}

/**
 * How entries look in the shared store. SECURITY: whoever can read or write the store (Redis) must neither learn
 * a token nor forge a cache entry, since a forged token-validation entry would be an authentication bypass. So:
 * - key names are HMAC-SHA256 of (namespace, local key) under a key derived from `state.encryption_key`: they
 *   reveal no token digest, user, project or container name;
 * - values are JWE compact, `dir` + A256GCM with `state.encryption_key` (confidential and authenticated), and the
 *   sealed payload names the storage key, so an entry moved to another key (another user's token) is refused.
 */
export class EntrySealer {
  private readonly nameKey: Buffer;

  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error('state.encryption_key must be 32 bytes');
    this.nameKey = Buffer.from(hkdfSync('sha256', key, new Uint8Array(0), 'ocx-proxy shared-state key names', 32));
  }

  /** The storage key of a local key, without the configured prefix. */
  name(namespace: string, key: string): string {
    const mac = createHmac('sha256', this.nameKey).update(`${namespace}\0${key}`).digest('base64url');
    return `${FORMAT}:${namespace}:${mac}`;
  }

  async seal(name: string, value: unknown, expiresAt: number): Promise<string> {
    const payload: Payload = { b: name, e: expiresAt, v: value };
    return new CompactEncrypt(encoder.encode(JSON.stringify(payload))).setProtectedHeader(HEADER).encrypt(this.key);
  }

  /** The value sealed under `name`, or undefined when it does not decrypt, names another key or has expired. */
  async open(name: string, jwe: string, now: number): Promise<{ value: unknown; expiresAt: number } | undefined> {
    let payload: Payload;
    try {
      const { plaintext } = await compactDecrypt(jwe, this.key, {
        keyManagementAlgorithms: [HEADER.alg],
        contentEncryptionAlgorithms: [HEADER.enc],
      });
      payload = JSON.parse(decoder.decode(plaintext)) as Payload;
    } catch {
      return undefined;
    }
    if (payload.b !== name || typeof payload.e !== 'number' || payload.e <= now) return undefined;
    return { value: payload.v, expiresAt: payload.e };
  }
}
