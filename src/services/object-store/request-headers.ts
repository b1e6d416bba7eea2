import { BadRequest, Forbidden } from '../../errors/errors';
import { parseAtProvider } from '../../location/parse-at-provider';
import type { HeaderBag } from '../../upstream/headers';
import { NO_ACL_IDS, type AclIds } from '../../identity/identity-directory';
import { ACL_HEADERS, projectOfAccount, translateAcl, withOwnProject } from './acl-ids';
import { swiftUnquote } from './swift-path';
import { encodeSegment } from './upstream-url';

/**
 * Request headers that name a container or an account, made right for the provider the request goes to. Pure.
 * - `X-Object-Manifest: container/prefix` (DLO) and `X-Symlink-Target: container/object` lose a `@provider`
 *   suffix; naming another provider than the one the request goes to is a 400, because the provider's Swift
 *   resolves these names inside its own account.
 * - `X-Container-Read` / `-Write`: the caller's home project id becomes its provider project id, other grantees'
 *   ids those the provider knows them by where known (acl-ids.ts).
 * - `X-Symlink-Target-Account`, `X-Copy-From-Account`, `Destination-Account` may only name the proxy's account,
 *   which becomes the provider's, or another account whose name at the provider is known (foreign-account.ts);
 *   any other is refused like Swift refusing another account without an ACL: 403.
 */
export interface RequestRewrite {
  provider: string;
  providers: readonly string[];
  proxyAccount: string;
  providerAccount: string;
  /** Grantee ids in ACLs, home's -> the provider's (identity-directory.ts). */
  aclIds?: AclIds;
  /** Other accounts the request may name: the proxy's account name -> the provider's. */
  otherAccounts?: ReadonlyMap<string, string>;
}

const CONTAINER_HEADERS = ['x-object-manifest', 'x-symlink-target'];
const ACCOUNT_HEADERS = ['x-symlink-target-account', 'x-copy-from-account', 'destination-account'];

export function rewriteRequestHeaders(headers: HeaderBag, rw: RequestRewrite): HeaderBag {
  const out: HeaderBag = { ...headers };
  for (const h of CONTAINER_HEADERS) {
    const v = out[h];
    if (typeof v === 'string') out[h] = stripContainerProvider(h, v, rw);
  }
  const ids = withOwnProject(
    rw.aclIds ?? NO_ACL_IDS,
    projectOfAccount(rw.proxyAccount),
    projectOfAccount(rw.providerAccount),
  );
  for (const h of ACL_HEADERS) {
    const v = out[h];
    if (typeof v === 'string') out[h] = translateAcl(v, ids);
  }
  for (const h of ACCOUNT_HEADERS) {
    const v = out[h];
    if (typeof v !== 'string') continue;
    const named = swiftUnquote(v.trim());
    const there = named === rw.proxyAccount ? rw.providerAccount : rw.otherAccounts?.get(named);
    if (there === undefined) throw new Forbidden('Access to another account is not allowed.');
    out[h] = there;
  }
  return out;
}

/** `c@p/rest` → `c/rest` when p is the target provider. */
export function stripContainerProvider(
  header: string,
  value: string,
  rw: Pick<RequestRewrite, 'provider' | 'providers'>,
): string {
  const lead = value.startsWith('/') ? '/' : '';
  const body = value.slice(lead.length);
  const slash = body.indexOf('/');
  const rawContainer = slash < 0 ? body : body.slice(0, slash);
  const rest = slash < 0 ? '' : body.slice(slash);
  const container = swiftUnquote(rawContainer);
  if (!container.includes('@')) return value;
  const at = parseAtProvider(container, rw.providers);
  if (at.provider && at.provider !== rw.provider) {
    throw new BadRequest(
      `${header} names a container at provider ${at.provider}, but this object is stored at ${rw.provider}; ` +
        'both must be at the same provider.',
    );
  }
  return lead + encodeSegment(at.id) + rest;
}
