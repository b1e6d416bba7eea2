import { targetedProvider } from '../../location/provider-header';
import type { HeaderBag } from '../../upstream/headers';
import { checkMetadata } from './constraints';
import { accountStats } from './account-stats';
import { listAccount } from './account-listing';
import { bulkDelete } from './bulk-delete';
import { rewriteRequestHeaders } from './request-headers';
import { forwardableHeaders } from './swift-client';
import { queryParam, relayFrom, type SwiftCall } from './swift-call';
import { accountOf } from './upstream-url';
import { withoutUnmapped } from '../../identity/k2k/errors';
import { sendMany } from './send-many';
import { keyHeaders } from './signing-keys';
import { discard } from './swift-client';

/**
 * The one account over all providers: GET lists every container of every provider, HEAD sums the counters,
 * POST (metadata) and anything else goes to home, or to the provider X-OCX-Provider names.
 */
export async function accountRequest(call: SwiftCall): Promise<void> {
  const method = call.req.method;
  const targeted = targetedProvider(call.req.headers['x-ocx-provider'], call.client.names);
  if (method === 'POST') checkMetadata(call.req.headers as HeaderBag, 'account', call.limits);
  if ((method === 'POST' || method === 'DELETE') && queryParam(call, 'bulk-delete') !== undefined) {
    return bulkDelete(call);
  }
  if (!targeted && method === 'GET') return listAccount(call);
  if (!targeted && method === 'HEAD') return accountStats(call);
  await forwardAccount(call, targeted ?? call.client.home);
}

/**
 * Account temp-url keys set or removed through the proxy are carried to the caller's account at every other
 * provider, so a signed URL works wherever the object is (tempurl.ts): only those headers, after home took them.
 * Providers that could not be told are named in X-OCX-Partial.
 */
async function propagateKeys(call: SwiftCall, provider: string): Promise<void> {
  const headers = keyHeaders(call.req.headers as HeaderBag, 'account');
  if (call.req.method !== 'POST' || Object.keys(headers).length === 0) return;
  const others = call.client.names.filter((n) => n !== provider);
  const result = await sendMany(call, others, { method: 'POST', headers });
  // A provider where the caller has no project holds nothing of theirs: not a failure.
  const partial = withoutUnmapped(result.failed).map((f) => f.provider);
  for (const a of result.ok) {
    discard(a.value);
    if (a.value.status >= 300) partial.push(a.provider);
  }
  if (partial.length) call.res.setHeader('x-ocx-partial', partial.join(','));
}

async function forwardAccount(call: SwiftCall, provider: string): Promise<void> {
  const headers = rewriteRequestHeaders(forwardableHeaders(call.req.headers), {
    provider,
    providers: call.client.names,
    proxyAccount: call.account,
    providerAccount: accountOf(await call.client.baseUrl(provider)),
  });
  const hasBody =
    Number(call.req.headers['content-length'] ?? 0) > 0 || call.req.headers['transfer-encoding'] !== undefined;
  const up = await call.client.send(provider, {
    method: call.req.method,
    query: call.query,
    headers,
    body: hasBody ? call.req : undefined,
  });
  if (up.status >= 200 && up.status < 300) await propagateKeys(call, provider);
  await relayFrom(call, provider, up);
}
