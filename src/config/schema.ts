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

const sharedState = z
  .object({
    backend: z.enum(['memory', 'redis']).default('memory'),
    redis_url: secret.optional(),
    key_prefix: z
      .string()
      .regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be 1-64 letters, digits or ":._-" (e.g. "ocx:")')
      .default('ocx:'),
    encryption_key: secret.optional(),
    command_timeout: interval.default('250ms'),
  })
  .strict()
  .superRefine((s, ctx) => {
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

const provider = z
  .object({
    keystone_url: httpUrl.optional(),
    sp_id: z.string().min(1).optional(),
    priority: z.number().int().min(0).default(100),
    weight: z.number().min(0).default(1),
    endpoints: serviceEndpoints.default({}),
    project_map: z.record(z.string()).default({}),
    provider_token_callbacks: z.boolean().default(false),
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
      .object({ policy: z.string().default('home') })
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
  })
  .strict()
  .superRefine((c, ctx) => {
    const names = Object.keys(c.providers);
    for (const n of names) {
      if (!providerName.test(n)) {
        ctx.addIssue({
          code: 'custom',
          path: ['providers', n],
          message: 'name must be letters, digits, ".", "_" or "-"',
        });
      }
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
    const policy = c.placement.policy;
    if (!['home', 'least-used'].includes(policy) && !names.includes(policy)) {
      ctx.addIssue({
        code: 'custom',
        path: ['placement', 'policy'],
        message: `must be home, least-used or a provider name (got "${policy}")`,
      });
    }
  });

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
