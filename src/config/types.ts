/** The validated, compiled configuration. Built once at start-up by load.ts; never mutated afterwards. */
export type ServiceType = 'identity' | 'compute' | 'volume' | 'image' | 'object-store' | 'network';

export interface TempauthCredentials {
  /** `account:user`; tempauth's storage URL is that account's. */
  user: string;
  key: string;
}

export interface TempauthObjectStore {
  auth: 'tempauth';
  authUrl: string;
  /** Home project id or name -> the tempauth account that home project alone uses. */
  accounts: Record<string, TempauthCredentials>;
  /** Only with `shared_account: true` (unsafe): one account for every home project, and then `accounts` is empty. */
  shared?: TempauthCredentials;
}

/** A provider's offer on the exchange (docs/exchange.md). Prices are in `currency`; absent prices are unknown. */
export interface Offer {
  displayName: string;
  description: string;
  url?: string;
  currency: string;
  prices: {
    volumeGibMonth?: number;
    objectGibMonth?: number;
    imageGibMonth?: number;
    /** Flavor name -> price per hour a server of that flavor runs. */
    flavorHour: Record<string, number>;
  };
  sla: { availability?: number; support?: string };
}

export interface ProviderConfig {
  name: string;
  /** Keystone root, without /v3. Absent for static-credential (Swift-only) providers. */
  keystoneUrl?: string;
  /** Service-provider id registered at the home Keystone for K2K. */
  spId: string;
  priority: number;
  weight: number;
  /** Per-service URL templates; `{project_id}` is substituted. Override the provider's own catalog. */
  endpoints: Partial<Record<ServiceType, string>>;
  projectMap: Record<string, string>;
  /**
   * This provider's services may call the proxy back with the provider tokens the proxy gave them, for the few
   * calls mix and match needs (src/identity/provider-token-callbacks.ts). Off unless the operator enables it.
   */
  providerTokenCallbacks: boolean;
  objectStore?: TempauthObjectStore;
  offer?: Offer;
}

/**
 * Where caches keep what other replicas can reuse. `memory`: each instance alone. `redis`: a shared
 * level behind each local cache; entries are JWE-encrypted with `encryptionKey` and stored under hashed keys.
 */
export type SharedStateConfig =
  | { backend: 'memory' }
  | {
      backend: 'redis';
      redisUrl: string;
      keyPrefix: string;
      encryptionKey: Uint8Array;
      commandTimeoutMs: number;
      /** The master is found through these Sentinels; `redisUrl`'s host and port are then not dialled. */
      sentinel?: RedisSentinelConfig;
    };

export interface RedisSentinelConfig {
  name: string;
  nodes: Array<{ host: string; port: number }>;
  password?: string;
}

/** The proxy's own credentials at one provider, only for the provider networks of spanning networks. */
export type OperatorCredentials =
  | { kind: 'password'; username: string; password: string; project: string; userDomain: string; projectDomain: string }
  | { kind: 'application_credential'; id: string; secret: string };

/** `network.segments`: the exchange-wide segment pool of networks spanning providers (docs/networking.md). */
export interface NetworkSegmentsConfig {
  networkType: 'vlan' | 'vxlan';
  /** The physical network every provider maps (VLAN); absent for VXLAN. */
  physicalNetwork?: string;
  range: { min: number; max: number };
  /** Provider name -> the proxy's operator account there. */
  operators: Record<string, OperatorCredentials>;
}

export interface Config {
  sourceFile: string;
  listen: { host: string; port: number };
  publicUrl: string;
  home: string;
  strictListings: boolean;
  /** `policy` for every service, unless `services` names another for that service. */
  placement: { policy: string; services: Partial<Record<Exclude<ServiceType, 'identity'>, string>> };
  catalog: { template: string; region: string };
  /** Providers ordered by priority (ascending). */
  providers: ProviderConfig[];
  cache: {
    tokenTtlMs: number;
    tokenMax: number;
    negativeTtlMs: number;
    providerTokenMax: number;
    providerTokenMarginMs: number;
    /** How long a refused K2K exchange (no project at the provider...) is remembered per (user, project, provider). */
    k2kNegativeTtlMs: number;
    locationMax: number;
    locationTtlMs: number;
    /** How long a provider's "still valid" answer for a provider token presented back to the proxy is reused. */
    providerTokenCheckTtlMs: number;
    /** How long a project's provider choice (its `ocx-providers:` tag at the home Keystone) is reused. */
    providerChoiceTtlMs: number;
    /** Exchange for every provider in the background right after a login through the proxy. */
    warmAtLogin?: boolean;
  };
  timeouts: { connectMs: number; responseMs: number; requestMs: number };
  limits: { jsonBodyBytes: number };
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent' };
  /** Serve HTTPS with these PEM files (paths resolved against the config file's directory). */
  tls?: { cert: string; key: string };
  /** Verification of providers' TLS certificates: an extra CA bundle; verify=false only for labs. */
  upstreamTls: { caFile?: string; verify: boolean };
  /** express "trust proxy": which X-Forwarded-* hops to believe (false: none). */
  trustProxy: boolean | number | string;
  state: SharedStateConfig;
  /**
   * Keys sealing merged-listing next markers (`state.cursor_keys`, the first seals) and how long a marker stays
   * valid. Absent: one random key per process, or per supervisor for its workers (src/main.ts warns).
   */
  cursors?: { keys: { id: string; key: Uint8Array }[]; maxAgeMs: number };
  /** Providers' version documents: re-read every `refreshMs`; `roots` per provider and service, from config. */
  versions?: { refreshMs: number; roots: Record<string, Partial<Record<'compute' | 'volume' | 'image', string>>> };
  /** Networks spanning providers; absent: a network hinted to two or more providers is a 400. */
  networkSegments?: NetworkSegmentsConfig;
}
