import { LRUCache } from 'lru-cache';
import type { SharedEntry } from '../state/shared-store';
import type { StoreOp } from './messages';

const MAX_ENTRIES = 200_000;

/**
 * The shared level of one supervisor's workers when there is no Redis: what one worker learns (a token validation,
 * a K2K provider token, a provider token it minted, a resource location, a revocation tombstone) the others find
 * here on a local miss, so a provider's callback or a user's next request may land on any worker. It lives in the
 * supervisor's memory, on the same host and under the same user as the workers, so entries are kept as they are
 * (Redis gets sealed ones: src/state/sealed-entry.ts). Bounded: least recently used entries go first.
 */
export class PrimaryStore {
  private readonly entries = new LRUCache<string, SharedEntry>({ max: MAX_ENTRIES });

  constructor(private readonly now: () => number = Date.now) {}

  /** Answers one operation; `deleted` is set when the other workers must drop their local copy. */
  handle(op: StoreOp): { entry?: SharedEntry; deleted?: { ns: string; key: string } } {
    switch (op.op) {
      case 'get': {
        const entry = this.entries.get(name(op.ns, op.key));
        return entry && entry.expiresAt > this.now() ? { entry } : {};
      }
      case 'set':
        if (op.ttlMs > 0) {
          const ttl = Math.max(1, Math.floor(op.ttlMs));
          this.entries.set(name(op.ns, op.key), { value: op.value, expiresAt: this.now() + ttl }, { ttl });
        }
        return {};
      case 'delete':
        this.entries.delete(name(op.ns, op.key));
        return { deleted: { ns: op.ns, key: op.key } };
      case 'claim': {
        const lease = `claim\0${name(op.ns, op.key)}`;
        const held = this.entries.get(lease);
        if (held && held.expiresAt > this.now()) return {};
        const ttl = Math.max(1, Math.floor(op.ttlMs));
        const entry = { value: true, expiresAt: this.now() + ttl };
        this.entries.set(lease, entry, { ttl });
        return { entry };
      }
      case 'release':
        this.entries.delete(`claim\0${name(op.ns, op.key)}`);
        return {};
      default:
        return {};
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

function name(ns: string, key: string): string {
  return `${ns}\0${key}`;
}
