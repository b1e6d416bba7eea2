import type { Cache } from '../../state/cache';

/**
 * Where each provider stood when the proxy handed out a next marker: with it the next page asks every provider
 * from exactly there (no scan). Keyed by caller scope, listing (path, filters, sort) and marker; a marker the
 * proxy never handed out (typed by a user, expired) falls back to locating the marker item and filtering by its
 * sort values.
 */
export type Cursors = Record<string, string | null>;

export class ListingCursors {
  constructor(
    private readonly cache: Cache<{ cursors: Cursors }>,
    private readonly ttlMs: number,
  ) {}

  private key(scope: string, listing: string, marker: string): string {
    return `${scope}|${listing}|${marker}`;
  }

  get(scope: string, listing: string, marker: string): Cursors | undefined {
    return this.cache.get(this.key(scope, listing, marker))?.cursors;
  }

  set(scope: string, listing: string, marker: string, cursors: Cursors): void {
    this.cache.set(this.key(scope, listing, marker), { cursors: { ...cursors } }, this.ttlMs);
  }
}
