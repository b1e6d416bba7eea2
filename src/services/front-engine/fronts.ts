import type { Router } from 'express';
import { LocationCache } from '../../location/location-cache';
import { memoryCache } from '../../state/cache';
import { computeRoutes } from '../compute/routes';
import { imageRoutes } from '../image/routes';
import { networkRoutes } from '../network/routes';
import { volumeRoutes } from '../volume/routes';
import type { FrontDeps } from './front-deps';
import { CursorSealer, DEFAULT_CURSOR_MAX_AGE_MS } from '../../state/sealed-cursor';
import { ListingCursors } from './listing-cursors';
import { startVersionBooks } from './version-books';

/**
 * The Nova, Cinder and Glance fronts, built once at boot. They share one location cache: the volume a client
 * names in a Nova call is where the home Nova's Cinder calls through the proxy must go.
 */
export function routedFronts(deps: Omit<FrontDeps, 'locations'> & { locations?: LocationCache }): {
  compute: Router;
  volume: Router;
  image: Router;
  network: Router;
  /** Stops re-reading the providers' version documents. */
  close(): void;
} {
  const { cache } = deps.config;
  const versions = deps.versions ?? startVersionBooks(deps.config, deps.upstream);
  const full: FrontDeps = {
    ...deps,
    versions,
    // app.ts passes one layered over the shared state.
    locations:
      deps.locations ?? new LocationCache(memoryCache<{ providers: string[] }>(cache.locationMax), cache.locationTtlMs),
  };
  // No keys in config: one random key, so next links work on this process only (src/main.ts shares one with its
  // workers and warns).
  const sealing = deps.config.cursors ?? { keys: [CursorSealer.randomKey()], maxAgeMs: DEFAULT_CURSOR_MAX_AGE_MS };
  const cursors = new ListingCursors(new CursorSealer(sealing.keys), sealing.maxAgeMs);
  return {
    compute: computeRoutes(full, cursors),
    volume: volumeRoutes(full, cursors),
    image: imageRoutes(full, cursors),
    network: networkRoutes(full, cursors),
    close: () => Object.values(versions).forEach((b) => b?.stop()),
  };
}
