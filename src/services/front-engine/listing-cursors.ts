import { createHash } from 'node:crypto';
import { BadRequest } from '../../errors/errors';
import { looksSealed, type CursorSealer } from '../../state/sealed-cursor';

/**
 * Where each provider stood when the proxy handed out a next marker (the provider's own last item id, null: its
 * start): with it the next page asks every provider from exactly there (no scan).
 */
export type Cursors = Record<string, string | null>;

/** What a client's marker says. */
export type MarkerStart =
  /** An item id the client typed (or one from an older listing): located, then continued after by sort values. */
  | { kind: 'item'; id: string }
  /** A next marker of this very listing: every provider continues from its own position. */
  | { kind: 'cursors'; id: string; cursors: Cursors };

interface Payload {
  /** Digest of the listing (service, path, providers, filters, sort): another listing only reuses `m`. */
  l: string;
  /** The last item id of the page, as a typed marker would name it. */
  m: string;
  c: Cursors;
  /** Issued at, epoch seconds. */
  t: number;
}

/**
 * Next markers of merged listings, self-contained: the per-provider positions sealed into the marker itself
 * (state/sealed-cursor.ts), bound to the caller's user and home project, so any replica, or any worker, continues
 * any listing without shared memory, and a client learns nothing from a marker and cannot make one up. A marker
 * that claims to be sealed but does not open (altered, sealed by a retired key, another user's, older than
 * `state.cursor_max_age`) is a 400; a plain id is what clients send when they page by the last id themselves.
 */
export class ListingCursors {
  constructor(
    private readonly sealer: CursorSealer,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  seal(binding: string, listing: string, lastId: string, cursors: Cursors): string {
    const payload: Payload = { l: digest(listing), m: lastId, c: cursors, t: Math.floor(this.now() / 1000) };
    return this.sealer.seal(binding, payload);
  }

  open(binding: string, listing: string, marker: string): MarkerStart {
    if (!looksSealed(marker)) return { kind: 'item', id: marker };
    const p = this.sealer.open(binding, marker);
    if (!isPayload(p) || this.now() - p.t * 1000 > this.maxAgeMs) {
      throw new BadRequest('The marker is not valid: it has expired, was altered or was issued to another user.');
    }
    return p.l === digest(listing) ? { kind: 'cursors', id: p.m, cursors: p.c } : { kind: 'item', id: p.m };
  }
}

export function cursorBinding(userId: string, projectId: string | undefined): string {
  return `${userId}\0${projectId ?? '-'}`;
}

function digest(listing: string): string {
  return createHash('sha256').update(listing).digest('base64url').slice(0, 22);
}

function isPayload(p: unknown): p is Payload {
  if (!p || typeof p !== 'object') return false;
  const o = p as Record<string, unknown>;
  if (typeof o['l'] !== 'string' || typeof o['m'] !== 'string' || typeof o['t'] !== 'number') return false;
  const c = o['c'];
  return (
    !!c &&
    typeof c === 'object' &&
    !Array.isArray(c) &&
    Object.values(c).every((v) => v === null || typeof v === 'string')
  );
}
