import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import {
  configSchema,
  encryptionKeyProblem,
  redisUrlProblem,
  type ParsedConfig,
  type RawConfig,
  type SecretRef,
} from './schema';
import type { Config, OperatorCredentials, ProviderConfig, SharedStateConfig } from './types';

/** Thrown for any invalid configuration; `message` names the file and the key. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const EXAMPLE = 'see docs/configuration.md for a full example';

function describeIssue(issue: ZodIssue): string {
  const key = issue.path.join('.') || '(top level)';
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `${key}: is required (${EXAMPLE})`;
  if (issue.code === 'unrecognized_keys') return `${key}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type') return `${key}: must be ${issue.expected} (got ${issue.received})`;
  return `${key}: ${issue.message}`;
}

/** Validate an already-parsed document (used by the file loader and the demo cloud). */
export function compileConfig(
  raw: unknown,
  sourceFile: string,
  baseDir = path.dirname(sourceFile),
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(sourceFile, result.error.issues.map(describeIssue));
  const secrets = new SecretResolver(baseDir, env);
  const config = toConfig(result.data, sourceFile, baseDir, secrets);
  if (secrets.problems.length) throw new ConfigError(sourceFile, secrets.problems);
  return config;
}

/**
 * Resolves `{ env: NAME }` / `{ file: PATH }` secret references (schema.ts `secret`), collecting one problem per
 * key. Values are never put into messages: only the variable name or the path.
 */
class SecretResolver {
  readonly problems: string[] = [];

  constructor(
    private readonly baseDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  resolve(ref: SecretRef, key: string, check?: (value: string) => string | undefined): string {
    const value = this.read(ref, key);
    const problem = value !== undefined && typeof ref !== 'string' ? check?.(value) : undefined;
    if (problem) this.problems.push(`${key}: ${problem}`);
    return value ?? '';
  }

  private read(ref: SecretRef, key: string): string | undefined {
    if (typeof ref === 'string') return ref;
    if ('env' in ref) {
      const value = this.env[ref.env];
      if (!value) this.problems.push(`${key}: environment variable ${ref.env} is not set`);
      return value || undefined;
    }
    const file = path.resolve(this.baseDir, ref.file);
    try {
      // A trailing newline (echo, editors) is not part of the secret.
      const value = readFileSync(file, 'utf8').replace(/\r?\n+$/, '');
      if (!value) this.problems.push(`${key}: file ${file} is empty`);
      return value || undefined;
    } catch (err) {
      this.problems.push(`${key}: cannot read file ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  }
}

function toSharedState(s: ParsedConfig['state'], secrets: SecretResolver): SharedStateConfig {
  if (s.backend === 'memory' || !s.redis_url || !s.encryption_key) return { backend: 'memory' };
  return {
    backend: 'redis',
    redisUrl: secrets.resolve(s.redis_url, 'state.redis_url', redisUrlProblem),
    keyPrefix: s.key_prefix,
    encryptionKey: new Uint8Array(
      Buffer.from(secrets.resolve(s.encryption_key, 'state.encryption_key', encryptionKeyProblem), 'base64url'),
    ),
    commandTimeoutMs: s.command_timeout,
    ...(s.sentinel && {
      sentinel: {
        name: s.sentinel.name,
        nodes: s.sentinel.nodes.map((n) => {
          const at = n.lastIndexOf(':');
          return { host: n.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(n.slice(at + 1)) };
        }),
        ...(s.sentinel.password !== undefined && {
          password: secrets.resolve(s.sentinel.password, 'state.sentinel.password'),
        }),
      },
    }),
  };
}

function toNetworkSegments(s: ParsedConfig['network']['segments'], secrets: SecretResolver): Config['networkSegments'] {
  if (!s) return undefined;
  const range = (s.vlan ?? s.vxlan) as { min: number; max: number };
  const operators = Object.fromEntries(
    Object.entries(s.operators).map(([name, o]): [string, OperatorCredentials] => {
      const key = `network.segments.operators.${name}`;
      if ('application_credential_id' in o) {
        return [
          name,
          {
            kind: 'application_credential',
            id: o.application_credential_id,
            secret: secrets.resolve(o.application_credential_secret, `${key}.application_credential_secret`),
          },
        ];
      }
      return [
        name,
        {
          kind: 'password',
          username: o.username,
          password: secrets.resolve(o.password, `${key}.password`),
          project: o.project,
          userDomain: o.user_domain,
          projectDomain: o.project_domain,
        },
      ];
    }),
  );
  return {
    networkType: s.vlan ? 'vlan' : 'vxlan',
    physicalNetwork: s.physical_network,
    range: { min: range.min, max: range.max },
    operators,
  };
}

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read file: ${(err as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new ConfigError(file, [`not valid YAML: ${(err as Error).message}`]);
  }
  if (raw === null || typeof raw !== 'object') throw new ConfigError(file, ['(top level): must be a mapping']);
  return compileConfig(raw, file);
}

function resolveTemplate(template: string, baseDir: string, file: string): string {
  const candidates = path.isAbsolute(template)
    ? [template]
    : [path.resolve(baseDir, template), path.resolve(__dirname, '../..', template)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new ConfigError(file, [`catalog.template: file not found (tried ${candidates.join(', ')})`]);
  return found;
}

function toConfig(c: ParsedConfig, sourceFile: string, baseDir: string, secrets: SecretResolver): Config {
  const providers: ProviderConfig[] = Object.entries(c.providers).map(([name, p]) => ({
    name,
    keystoneUrl: p.keystone_url?.replace(/\/+$/, '').replace(/\/v3$/, ''),
    spId: p.sp_id ?? name,
    priority: p.priority,
    weight: p.weight,
    endpoints: p.endpoints,
    projectMap: p.project_map,
    providerTokenCallbacks: p.provider_token_callbacks,
    offer: p.offer && {
      displayName: p.offer.display_name,
      description: p.offer.description,
      url: p.offer.url,
      currency: p.offer.currency,
      prices: {
        volumeGibMonth: p.offer.prices.volume_gib_month,
        objectGibMonth: p.offer.prices.object_gib_month,
        imageGibMonth: p.offer.prices.image_gib_month,
        flavorHour: p.offer.prices.flavor_hour,
      },
      sla: p.offer.sla,
    },
    objectStore: p.object_store && {
      auth: 'tempauth',
      authUrl: p.object_store.auth_url,
      accounts: Object.fromEntries(
        Object.entries(p.object_store.accounts ?? {}).map(([project, a]) => [
          project,
          { user: a.user, key: secrets.resolve(a.key, `providers.${name}.object_store.accounts.${project}.key`) },
        ]),
      ),
      shared:
        p.object_store.shared_account && p.object_store.user !== undefined && p.object_store.key !== undefined
          ? {
              user: p.object_store.user,
              key: secrets.resolve(p.object_store.key, `providers.${name}.object_store.key`),
            }
          : undefined,
    },
  }));
  providers.sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  return {
    sourceFile,
    listen: c.listen,
    publicUrl: c.public_url.replace(/\/+$/, ''),
    home: c.home,
    strictListings: c.strict_listings,
    placement: c.placement,
    catalog: { template: resolveTemplate(c.catalog.template, baseDir, sourceFile), region: c.catalog.region },
    providers,
    cache: {
      tokenTtlMs: c.cache.token_ttl,
      tokenMax: c.cache.token_max,
      negativeTtlMs: c.cache.negative_ttl,
      providerTokenMax: c.cache.provider_token_max,
      providerTokenMarginMs: c.cache.provider_token_margin,
      k2kNegativeTtlMs: c.cache.k2k_negative_ttl,
      locationMax: c.cache.location_max,
      locationTtlMs: c.cache.location_ttl,
      providerTokenCheckTtlMs: c.cache.provider_token_check_ttl,
      providerChoiceTtlMs: c.cache.provider_choice_ttl,
      warmAtLogin: c.cache.warm_at_login,
    },
    timeouts: { connectMs: c.timeouts.connect, responseMs: c.timeouts.response, requestMs: c.timeouts.request },
    limits: { jsonBodyBytes: c.limits.json_body },
    log: c.log,
    tls: c.tls && { cert: path.resolve(baseDir, c.tls.cert), key: path.resolve(baseDir, c.tls.key) },
    upstreamTls: {
      caFile: c.upstream_tls.ca_file && path.resolve(baseDir, c.upstream_tls.ca_file),
      verify: c.upstream_tls.verify,
    },
    trustProxy: c.trust_proxy,
    state: toSharedState(c.state, secrets),
    versions: { refreshMs: c.versions.refresh, roots: c.versions.roots },
    networkSegments: toNetworkSegments(c.network.segments, secrets),
    cursors: c.state.cursor_keys && {
      keys: c.state.cursor_keys.map((k, i) => ({
        id: k.id,
        key: new Uint8Array(
          Buffer.from(secrets.resolve(k.key, `state.cursor_keys.${i}.key`, encryptionKeyProblem), 'base64url'),
        ),
      })),
      maxAgeMs: c.state.cursor_max_age,
    },
  };
}

export type { RawConfig };
