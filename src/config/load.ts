import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { configSchema, type ParsedConfig, type RawConfig } from './schema';
import type { Config, ProviderConfig } from './types';

/** Thrown for any invalid configuration; `message` names the file and the key (STYLE.md habit 10). */
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
export function compileConfig(raw: unknown, sourceFile: string, baseDir = path.dirname(sourceFile)): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(sourceFile, result.error.issues.map(describeIssue));
  return toConfig(result.data, sourceFile, baseDir);
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

function toConfig(c: ParsedConfig, sourceFile: string, baseDir: string): Config {
  const providers: ProviderConfig[] = Object.entries(c.providers).map(([name, p]) => ({
    name,
    keystoneUrl: p.keystone_url?.replace(/\/+$/, '').replace(/\/v3$/, ''),
    spId: p.sp_id ?? name,
    priority: p.priority,
    weight: p.weight,
    endpoints: p.endpoints,
    projectMap: p.project_map,
    objectStore: p.object_store && {
      auth: 'tempauth',
      authUrl: p.object_store.auth_url,
      user: p.object_store.user,
      key: p.object_store.key,
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
      locationMax: c.cache.location_max,
      locationTtlMs: c.cache.location_ttl,
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
  };
}

export type { RawConfig };
