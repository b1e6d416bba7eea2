import { rewriteUrl, type UrlMapping } from '../../catalog/links';
import { providerHeadersForClient, type HeaderBag } from '../../upstream/headers';
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
export function clientHeaders(upstream: HeaderBag, view: AccountView, requestId: string): HeaderBag {
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
  out['x-ocx-provider'] = view.provider;
  return out;
}
