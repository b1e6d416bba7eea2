import type { Router } from 'express';
import { LocationCache } from '../../location/location-cache';
import { memoryCache } from '../../state/cache';
import { computeRoutes } from '../compute/routes';
import { imageRoutes } from '../image/routes';
import { volumeRoutes } from '../volume/routes';
import type { FrontDeps } from './front-deps';
import { ListingCursors, type Cursors } from './listing-cursors';

const CURSOR_MAX = 10_000;
const CURSOR_TTL_MS = 10 * 60_000;

/**
 * The Nova, Cinder and Glance fronts, built once at boot. They share one location cache: the volume a client
 * names in a Nova call is where the home Nova's Cinder calls through the proxy must go.
 */
export function routedFronts(deps: Omit<FrontDeps, 'locations'> & { locations?: LocationCache }): {
  compute: Router;
  volume: Router;
  image: Router;
} {
  const { cache } = deps.config;
  const full: FrontDeps = {
    ...deps,
    // app.ts passes one layered over the shared state (issue 7).
    locations:
      deps.locations ?? new LocationCache(memoryCache<{ providers: string[] }>(cache.locationMax), cache.locationTtlMs),
  };
  const cursors = new ListingCursors(memoryCache<{ cursors: Cursors }>(CURSOR_MAX), CURSOR_TTL_MS);
  return {
    compute: computeRoutes(full, cursors),
    volume: volumeRoutes(full, cursors),
    image: imageRoutes(full, cursors),
  };
}
