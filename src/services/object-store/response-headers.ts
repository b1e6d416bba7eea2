import { rewriteUrl, type UrlMapping } from '../../catalog/links';
import { providerHeadersForClient, type HeaderBag } from '../../upstream/headers';
import { NO_ACL_IDS, type AclIds } from '../../identity/identity-directory';
import { ACL_HEADERS, aclIds, projectOfAccount, translateAcl, withOwnProject } from './acl-ids';
import { accountOf } from './upstream-url';

/**
 * How one provider's Swift account appears to the client: as the proxy's one account. Pure; built from the
 * provider's account URL and the proxy's.
 */
export interface AccountView {
  provider: string;
  /** `http://provider:8080/v1/AUTH_<provider project>` */
  providerBase: string;
  /** `http://proxy/object-store/v1/AUTH_<home project>` */
  proxyBase: string;
  /** Grantee ids in ACLs, the provider's -> home's, for the ids of an answer's ACL headers (identity-directory.ts). */
  homeIds?: (ids: { projects: string[]; users: string[] }) => Promise<AclIds>;
  /**
   * Another project's account or an anonymous caller (foreign-account.ts): a refusal does not name the provider,
   * which would tell a stranger that the container exists and where.
   */
  quietRefusals?: boolean;
  /** What the client wrote for an ACL value the proxy translated for this provider (identity-directory.ts). */
  written?: (value: string) => Promise<string | undefined>;
}

/** What an answer's ACL values read as at home: values the proxy translated as written, else ids translated back. */
export interface AclReadBack {
  ids: AclIds;
  written: ReadonlyMap<string, string>;
}

const NOTHING_READ: AclReadBack = { ids: NO_ACL_IDS, written: new Map() };

/** Looked up only for an answer that has ACL headers. */
export async function aclsFor(upstream: HeaderBag, view: AccountView): Promise<AclReadBack> {
  const values = ACL_HEADERS.map((h) => upstream[h]).filter((v): v is string => typeof v === 'string');
  if (!values.length || !view.homeIds) return NOTHING_READ;
  const written = new Map<string, string>();
  for (const v of values) {
    const w = await view.written?.(v);
    if (w !== undefined) written.set(v, w);
  }
  return { ids: await view.homeIds(aclIds(values)), written };
}

/** Headers whose value is a URL or an absolute path that may point into the provider's account. */
const URL_HEADERS = ['location', 'content-location'];
/** Headers whose value is an account name. */
const ACCOUNT_HEADERS = ['x-symlink-target-account', 'x-copied-from-account'];

export function accountMappings(view: AccountView): UrlMapping[] {
  const provPath = new URL(view.providerBase).pathname.replace(/\/+$/, '');
  const proxyPath = new URL(view.proxyBase).pathname.replace(/\/+$/, '');
  return [
    { from: view.providerBase, to: view.proxyBase },
    { from: provPath, to: proxyPath },
  ];
}

/**
 * A provider's response headers as the client may see them: hop-by-hop headers dropped (RFC 7230 §6.1), URLs
 * and account names of the provider's account replaced by the proxy's, the serving provider named.
 */
export function clientHeaders(
  upstream: HeaderBag,
  view: AccountView,
  requestId: string,
  acls: AclReadBack = NOTHING_READ,
): HeaderBag {
  const out = providerHeadersForClient(upstream, requestId);
  const mappings = accountMappings(view);
  for (const h of URL_HEADERS) {
    const v = out[h];
    if (typeof v === 'string') out[h] = rewriteUrl(v, mappings);
  }
  const providerAccount = accountOf(view.providerBase);
  const proxyAccount = accountOf(view.proxyBase);
  for (const h of ACCOUNT_HEADERS) {
    if (out[h] === providerAccount) out[h] = proxyAccount;
  }
  const known = withOwnProject(acls.ids, projectOfAccount(providerAccount), projectOfAccount(proxyAccount));
  for (const h of ACL_HEADERS) {
    const v = out[h];
    if (typeof v === 'string') out[h] = acls.written.get(v) ?? translateAcl(v, known);
  }
  const challenge = swiftChallenge(out['www-authenticate'], providerAccount, proxyAccount);
  if (challenge === undefined) delete out['www-authenticate'];
  else out['www-authenticate'] = challenge;
  out['x-ocx-provider'] = view.provider;
  return out;
}

/**
 * A provider's 401 challenges as the client may see them: Swift's own (`Swift realm="<account>"`, the account made
 * the proxy's), never the provider Keystone's (`Keystone uri="<provider URL>"`), which would name a provider URL.
 */
export function swiftChallenge(
  value: string | string[] | undefined,
  providerAccount: string,
  proxyAccount: string,
): string | undefined {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const swift = values
    .flatMap((v) => v.match(/Swift realm="[^"]*"/g) ?? [])
    .map((c) => (c === `Swift realm="${providerAccount}"` ? `Swift realm="${proxyAccount}"` : c));
  return swift[0];
}
