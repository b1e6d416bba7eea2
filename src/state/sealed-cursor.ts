import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One key of `state.cursor_keys`: the id travels in clear in every cursor it sealed, the key never does. */
export interface CursorKey {
  id: string;
  key: Uint8Array;
}

/** `state.cursor_max_age` when the config names no keys (src/config/schema.ts has the same default). */
export const DEFAULT_CURSOR_MAX_AGE_MS = 24 * 3_600_000;

/** Every sealed cursor starts so; a marker that does not is an item id the client typed (novaclient, Horizon). */
const PREFIX = 'ocx.';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_LABEL = 'ocx-proxy listing cursor v1';

export function looksSealed(marker: string): boolean {
  return marker.startsWith(PREFIX);
}

/**
 * Self-contained listing cursors: AES-256-GCM over a JSON payload, as `ocx.<key id>.<base64url(iv|ciphertext|tag)>`,
 * so any replica holding the key continues any listing and no replica needs to remember anything.
 * SECURITY: the client can neither read what it carries (provider names, the providers' own item ids) nor alter or
 * forge it (GCM tag). `binding` (the caller's user and home project) is authenticated as associated data and never
 * stored: a cursor presented by anybody else does not open. The first key seals, every key opens (rotation: add a
 * new key first, drop the old one once the cursors it sealed no longer matter).
 */
export class CursorSealer {
  private readonly byId: Map<string, Uint8Array>;
  private readonly sealing: CursorKey;

  constructor(keys: readonly CursorKey[]) {
    const first = keys[0];
    if (!first) throw new Error('at least one cursor key is needed');
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`cursor key ${k.id} must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new Error(`cursor key id ${k.id} must be 1-32 of [A-Za-z0-9_-]`);
    }
    this.sealing = first;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** A key for one process (or one supervisor's workers) when the config names none. */
  static randomKey(id = 'local'): CursorKey {
    return { id, key: new Uint8Array(randomBytes(32)) };
  }

  seal(binding: string, payload: unknown): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealing.key, iv);
    cipher.setAAD(aad(this.sealing.id, binding));
    const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    return `${PREFIX}${this.sealing.id}.${sealed}`;
  }

  /** The payload, or undefined when the cursor is malformed, sealed by an unknown key, altered or someone else's. */
  open(binding: string, cursor: string): unknown {
    if (!looksSealed(cursor)) return undefined;
    const rest = cursor.slice(PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) return undefined;
    const id = rest.slice(0, dot);
    const key = this.byId.get(id);
    const raw = rest.slice(dot + 1);
    if (!key || !/^[A-Za-z0-9_-]+$/.test(raw)) return undefined;
    const bytes = Buffer.from(raw, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES + 2) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(id, binding));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return JSON.parse(plain.toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }
}

function aad(keyId: string, binding: string): Buffer {
  return Buffer.from(`${AAD_LABEL}\0${keyId}\0${binding}`, 'utf8');
}
