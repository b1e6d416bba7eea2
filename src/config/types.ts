/** The validated, compiled configuration. Built once at start-up by load.ts; never mutated afterwards. */
export type ServiceType = 'identity' | 'compute' | 'volume' | 'image' | 'object-store';

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
}

/**
 * Where caches keep what other replicas can reuse (issue 7). `memory`: each instance alone. `redis`: a shared
 * level behind each local cache; entries are JWE-encrypted with `encryptionKey` and stored under hashed keys.
 */
export type SharedStateConfig =
  | { backend: 'memory' }
  | { backend: 'redis'; redisUrl: string; keyPrefix: string; encryptionKey: Uint8Array; commandTimeoutMs: number };

export interface Config {
  sourceFile: string;
  listen: { host: string; port: number };
  publicUrl: string;
  home: string;
  strictListings: boolean;
  placement: { policy: string };
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
}
