import type { Config } from '../../config/types';
import type { ProviderSessions } from '../../identity/provider-sessions';
import type { ProviderTokenCallbacks } from '../../identity/provider-token-callbacks';
import type { TokenValidator } from '../../identity/token-validator';
import type { LocationCache } from '../../location/location-cache';
import type { UpstreamClient } from '../../upstream/client';

/** The three fronts this folder serves (Nova, Cinder, Glance); they share routing, translation and merging. */
export type FrontService = 'compute' | 'volume' | 'image';

/** What every front needs, built once at boot (STYLE.md habit 2) and shared by the three routers. */
export interface FrontDeps {
  config: Config;
  upstream: UpstreamClient;
  validator: TokenValidator;
  sessions: ProviderSessions;
  /** Checks provider tokens presented back to the proxy on the calls a front admits them for. */
  callbacks: ProviderTokenCallbacks;
  /** Shared by the three fronts: Nova records the volume and image locations Cinder and Glance then use. */
  locations: LocationCache;
}
