import { z } from 'zod';
import { parseInterval, parseSize } from './units';

/** The one schema for the config file (docs/configuration.md documents every key). */
const httpUrl = z.string({ required_error: 'is required' }).refine(
  (s) => /^https?:\/\/[^/\s]+/.test(s),
  (s) => ({ message: `must be an http(s) URL (got "${s}")` }),
);

const interval = z
  .union([z.string(), z.number()])
  .refine(
    (v) => parseInterval(v) !== undefined,
    (v) => ({ message: `must be an interval like 30s, 5m (got "${v}")` }),
  )
  .transform((v) => parseInterval(v) as number);

const size = z
  .union([z.string(), z.number()])
  .refine(
    (v) => parseSize(v) !== undefined,
    (v) => ({ message: `must be a size like 512kb, 1mb (got "${v}")` }),
  )
  .transform((v) => parseSize(v) as number);

/** Placement policies besides a provider name (src/location/placement.ts). */
export const PLACEMENT_POLICIES = ['home', 'least-used', 'cheapest', 'most-headroom'];

const providerName = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * A secret written inline, or named by reference so the config file itself can live in a ConfigMap and the secret
 * in a Secret / systemd credential (deploy/). load.ts resolves references and validates the resolved value.
 */
const secret = z.union(
  [
    z.string().min(1),
    z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name') }).strict(),
    z.object({ file: z.string().min(1) }).strict(),
  ],
  { errorMap: () => ({ message: 'must be a string, { env: NAME } or { file: PATH }' }) },
);
export type SecretRef = z.output<typeof secret>;

/** `state.encryption_key`: the JWE `dir`/A256GCM key, 32 bytes in base64url. Returns the problem, if any. */
export function encryptionKeyProblem(value: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(value) || Buffer.from(value, 'base64url').length !== 32) {
    return (
      'must be 32 random bytes in base64url (43 characters), e.g. the output of: ' +
      `node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`
    );
  }
  return undefined;
}

/** `state.redis_url`: what ioredis accepts. Never echoed back: it may carry a password. */
export function redisUrlProblem(value: string): string | undefined {
  return /^rediss?:\/\/[^/\s]*[^/\s@:]/.test(value)
    ? undefined
    : 'must be a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379/0)';
}

/** `state.sentinel.nodes[]`: one Sentinel as `host:port` (a bracketed IPv6 address allowed). */
const sentinelNode = z
  .string()
  .regex(/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([1-9][0-9]{0,4})$/, 'must be host:port (e.g. 10.0.0.7:26379)')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535');

/** `state.sentinel`: Redis found through Sentinel; `redis_url` then gives only credentials, database and TLS. */
const redisSentinel = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be the master name the Sentinels monitor (1-64 of [A-Za-z0-9._-])'),
    nodes: z.array(sentinelNode).min(1, 'must list at least one Sentinel'),
    password: secret.optional(),
  })
  .strict();

const sharedState = z
  .object({
    backend: z.enum(['memory', 'redis']).default('memory'),
    redis_url: secret.optional(),
    sentinel: redisSentinel.optional(),
    key_prefix: z
      .string()
      .regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be 1-64 letters, digits or ":._-" (e.g. "ocx:")')
      .default('ocx:'),
    encryption_key: secret.optional(),
    command_timeout: interval.default('250ms'),
    /** Keys sealing merged-listing next markers (src/state/sealed-cursor.ts): the first seals, all open. */
    cursor_keys: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, "_" or "-"'),
            key: secret,
          })
          .strict(),
      )
      .min(1, 'must list at least one key (or leave cursor_keys out)')
      .optional(),
    cursor_max_age: interval.default('24h'),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = (s.cursor_keys ?? []).map((k) => k.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        ctx.addIssue({ code: 'custom', path: ['cursor_keys', i, 'id'], message: `duplicate key id "${id}"` });
    });
    (s.cursor_keys ?? []).forEach((k, i) => {
      const problem = typeof k.key === 'string' ? encryptionKeyProblem(k.key) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['cursor_keys', i, 'key'], message: problem });
    });
    if (s.backend !== 'redis') return;
    for (const key of ['redis_url', 'encryption_key'] as const) {
      if (s[key] === undefined)
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required with backend redis' });
    }
    if (typeof s.redis_url === 'string') {
      const problem = redisUrlProblem(s.redis_url);
      if (problem) ctx.addIssue({ code: 'custom', path: ['redis_url'], message: problem });
    }
    if (typeof s.encryption_key === 'string') {
      const problem = encryptionKeyProblem(s.encryption_key);
      if (problem) ctx.addIssue({ code: 'custom', path: ['encryption_key'], message: problem });
    }
  });

const serviceEndpoints = z
  .object({
    identity: httpUrl.optional(),
    compute: httpUrl.optional(),
    volume: httpUrl.optional(),
    image: httpUrl.optional(),
    'object-store': httpUrl.optional(),
    network: httpUrl.optional(),
  })
  .strict();

/** tempauth names users `account:user`; the account part is what separates one tenant's data from another's. */
const tempauthAccount = z
  .object({
    user: z.string().regex(/^[^:]+:[^:]+$/, 'must be a tempauth user "account:user"'),
    key: secret,
  })
  .strict();

/**
 * A static-credential Swift provider must not put every home project into one upstream account (each tenant could
 * then list, read, overwrite and delete the others' objects): each home project gets its own account under
 * `accounts`, or the operator accepts the risk with `shared_account: true` and a single `user`/`key`.
 */
function tempauthIsolation(
  o: { accounts?: Record<string, { user: string }>; shared_account: boolean; user?: string; key?: unknown },
  ctx: z.RefinementCtx,
): void {
  const issue = (path: string[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  if (o.shared_account) {
    if (o.accounts !== undefined) issue(['accounts'], 'cannot be combined with shared_account: true');
    if (o.user === undefined) issue(['user'], 'is required with shared_account: true');
    if (o.key === undefined) issue(['key'], 'is required with shared_account: true');
    return;
  }
  if (o.accounts === undefined) {
    issue(
      ['accounts'],
      'is required: map each home project (id or name) to its own tempauth account, or set shared_account: true ' +
        "(unsafe: every home project then shares one account and can read and delete the others' objects)",
    );
    return;
  }
  if (Object.keys(o.accounts).length === 0) issue(['accounts'], 'must map at least one home project');
  for (const k of ['user', 'key'] as const) {
    if (o[k] !== undefined)
      issue([k], 'is only for shared_account: true; each home project has its own under accounts');
  }
  const owner = new Map<string, string>();
  for (const [project, a] of Object.entries(o.accounts)) {
    const account = a.user.split(':')[0] as string;
    const first = owner.get(account);
    if (first !== undefined) {
      issue(
        ['accounts', project, 'user'],
        `is in tempauth account "${account}", already mapped to home project "${first}": each home project needs its own account`,
      );
    } else owner.set(account, project);
  }
}

const price = z
  .number({ invalid_type_error: 'must be a number (a price in the offer currency)' })
  .min(0, 'must be 0 or more');

/** What a provider sells on the exchange (docs/exchange.md): shown at /ocx/v1/providers, priced in usage and placement. */
const offer = z
  .object({
    display_name: z.string({ required_error: 'is required' }).min(1, 'must not be empty').max(200),
    description: z.string().max(2000).default(''),
    url: httpUrl.optional(),
    currency: z
      .string({ required_error: 'is required' })
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of three capital letters (e.g. EUR)'),
    prices: z
      .object({
        volume_gib_month: price.optional(),
        object_gib_month: price.optional(),
        image_gib_month: price.optional(),
        flavor_hour: z.record(price).default({}),
      })
      .strict()
      .default({}),
    sla: z
      .object({
        availability: z
          .number({ invalid_type_error: 'must be a percentage (e.g. 99.9)' })
          .min(0, 'must be a percentage between 0 and 100')
          .max(100, 'must be a percentage between 0 and 100')
          .optional(),
        support: z.string().max(500).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

const provider = z
  .object({
    keystone_url: httpUrl.optional(),
    sp_id: z.string().min(1).optional(),
    priority: z.number().int().min(0).default(100),
    weight: z.number().min(0).default(1),
    endpoints: serviceEndpoints.default({}),
    project_map: z.record(z.string()).default({}),
    provider_token_callbacks: z.boolean().default(false),
    offer: offer.optional(),
    object_store: z
      .object({
        auth: z.literal('tempauth'),
        auth_url: httpUrl,
        accounts: z.record(tempauthAccount).optional(),
        shared_account: z.boolean().default(false),
        user: z.string().min(1).optional(),
        key: secret.optional(),
      })
      .strict()
      .superRefine(tempauthIsolation)
      .optional(),
  })
  .strict()
  .refine((p) => p.keystone_url !== undefined || p.object_store !== undefined, {
    message: 'needs keystone_url (or object_store with static credentials)',
  });

/** A segment range of the exchange-wide pool: VLAN ids (1-4094) or VXLAN VNIs (1-16777215). */
const segmentRange = (max: number) =>
  z
    .object({
      min: z.number().int().min(1).max(max),
      max: z.number().int().min(1).max(max),
    })
    .strict()
    .refine((r) => r.min <= r.max, { message: 'min must not be above max' });

/**
 * The proxy's own account at one provider, used only for the provider networks of spanning networks
 * (src/services/network/spanning/): a Keystone user and project, or an application credential.
 */
const operatorCredentials = z.union(
  [
    z
      .object({
        username: z.string().min(1),
        password: secret,
        project: z.string().min(1),
        user_domain: z.string().min(1).default('Default'),
        project_domain: z.string().min(1).default('Default'),
      })
      .strict(),
    z.object({ application_credential_id: z.string().min(1), application_credential_secret: secret }).strict(),
  ],
  {
    errorMap: () => ({
      message:
        'must be { username, password, project[, user_domain, project_domain] } or ' +
        '{ application_credential_id, application_credential_secret }',
    }),
  },
);

/** `network.segments`: networks spanning providers (docs/networking.md). */
const networkSegments = z
  .object({
    physical_network: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, "_", "." or "-"')
      .optional(),
    vlan: segmentRange(4094).optional(),
    vxlan: segmentRange(16_777_215).optional(),
    operators: z
      .record(operatorCredentials)
      .refine((o) => Object.keys(o).length > 0, { message: 'must name at least one provider' }),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.vlan === undefined) === (s.vxlan === undefined))
      ctx.addIssue({ code: 'custom', path: [], message: 'needs exactly one of vlan or vxlan' });
    if (s.vlan !== undefined && s.physical_network === undefined)
      ctx.addIssue({ code: 'custom', path: ['physical_network'], message: 'is required with vlan' });
  });

export const configSchema = z
  .object({
    listen: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number({ required_error: 'is required' }).int().min(0).max(65535),
      })
      .strict(),
    public_url: httpUrl,
    home: z.string({ required_error: 'is required' }).min(1),
    strict_listings: z.boolean().default(false),
    placement: z
      .object({
        policy: z.string().default('home'),
        // Per-service overrides of `policy` (e.g. volume: cheapest).
        services: z
          .object({
            compute: z.string().optional(),
            volume: z.string().optional(),
            image: z.string().optional(),
            'object-store': z.string().optional(),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    catalog: z
      .object({
        template: z.string().min(1).default('catalog-templates/default.yaml'),
        region: z.string().default('RegionOne'),
      })
      .strict()
      .default({}),
    providers: z
      .record(provider)
      .refine((p) => Object.keys(p).length > 0, { message: 'must name at least one provider' }),
    cache: z
      .object({
        token_ttl: interval.default('5m'),
        token_max: z.number().int().positive().default(10_000),
        negative_ttl: interval.default('10s'),
        provider_token_max: z.number().int().positive().default(10_000),
        provider_token_margin: interval.default('60s'),
        k2k_negative_ttl: interval.default('30s'),
        location_max: z.number().int().positive().default(100_000),
        location_ttl: interval.default('1h'),
        provider_token_check_ttl: interval.default('15s'),
        provider_choice_ttl: interval.default('10s'),
        /** K2K for every provider right after a login through the proxy, in the background (src/identity/warm-up.ts). */
        warm_at_login: z.boolean().default(true),
      })
      .strict()
      .default({}),
    timeouts: z
      .object({ connect: interval.default('2s'), response: interval.default('30s'), request: interval.default('60s') })
      .strict()
      .default({}),
    limits: z
      .object({ json_body: size.default('1mb') })
      .strict()
      .default({}),
    log: z
      .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info') })
      .strict()
      .default({}),
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    upstream_tls: z
      .object({ ca_file: z.string().min(1).optional(), verify: z.boolean().default(true) })
      .strict()
      .default({}),
    trust_proxy: z.union([z.boolean(), z.number().int().min(0), z.string().min(1)]).default(false),
    state: sharedState.default({}),
    /** Version documents read from the providers without credentials (src/services/front-engine/version-book.ts). */
    versions: z
      .object({
        refresh: interval.default('5m'),
        // Per provider: the public service roots whose version documents are read before any catalog is seen.
        roots: z
          .record(
            z.object({ compute: httpUrl.optional(), volume: httpUrl.optional(), image: httpUrl.optional() }).strict(),
          )
          .default({}),
      })
      .strict()
      .default({}),
    network: z.object({ segments: networkSegments.optional() }).strict().default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const names = Object.keys(c.providers);
    for (const n of Object.keys(c.network.segments?.operators ?? {})) {
      if (c.providers[n]?.keystone_url === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['network', 'segments', 'operators', n],
          message: `must name a provider with keystone_url (known: ${names.join(', ')})`,
        });
    }
    for (const n of names) {
      if (!providerName.test(n)) {
        ctx.addIssue({
          code: 'custom',
          path: ['providers', n],
          message: 'name must be letters, digits, ".", "_" or "-"',
        });
      }
    }
    for (const n of Object.keys(c.versions.roots)) {
      if (!names.includes(n))
        ctx.addIssue({
          code: 'custom',
          path: ['versions', 'roots', n],
          message: `must name a provider (known: ${names.join(', ')})`,
        });
    }
    if (!names.includes(c.home)) {
      ctx.addIssue({ code: 'custom', path: ['home'], message: `must name a provider (known: ${names.join(', ')})` });
    } else if (c.providers[c.home]?.keystone_url === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['providers', c.home, 'keystone_url'],
        message: 'is required for the home provider',
      });
    }
    const policies: [string[], string][] = [
      [['placement', 'policy'], c.placement.policy],
      ...Object.entries(c.placement.services).map(([s, p]): [string[], string] => [
        ['placement', 'services', s],
        p as string,
      ]),
    ];
    for (const [path, policy] of policies) {
      if (!PLACEMENT_POLICIES.includes(policy) && !names.includes(policy)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `must be ${PLACEMENT_POLICIES.join(', ')} or a provider name (got "${policy}")`,
        });
      }
    }
  });

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
