import type { Config } from '../../config/types';
import type { ProviderSessions } from '../../identity/provider-sessions';
import type { ProviderTokenCallbacks } from '../../identity/provider-token-callbacks';
import type { TokenValidator } from '../../identity/token-validator';
import type { LocationCache } from '../../location/location-cache';
import type { UpstreamClient } from '../../upstream/client';
import type { VersionBook } from './version-book';
import type { VersionedService } from './version-forms';

/** The three fronts this folder serves (Nova, Cinder, Glance); they share routing, translation and merging. */
export type FrontService = 'compute' | 'volume' | 'image' | 'network';

/** What every front needs, built once at boot and shared by the three routers. */
export interface FrontDeps {
  config: Config;
  upstream: UpstreamClient;
  validator: TokenValidator;
  sessions: ProviderSessions;
  /** Checks provider tokens presented back to the proxy on the calls a front admits them for. */
  callbacks: ProviderTokenCallbacks;
  /** Shared by the three fronts: Nova records the volume and image locations Cinder and Glance then use. */
  locations: LocationCache;
  /** The providers' version documents per service, read without credentials (version-book.ts). */
  versions?: Partial<Record<VersionedService, VersionBook>>;
}
