import { hasBody } from '../../http/body';
import { ACL_HEADERS, aclIds } from './acl-ids';
import { rewriteRequestHeaders } from './request-headers';
import { forwardableHeaders, type SwiftOp } from './swift-client';
import { relayFrom, type SwiftCall } from './swift-call';
import { accountOf } from './upstream-url';

/** The client's container or object request for one provider: its headers made right there, its body streamed (never buffered). */
export async function requestOp(
  call: SwiftCall,
  provider: string,
  container: string,
  object?: string,
): Promise<SwiftOp> {
  const incoming = forwardableHeaders(call.req.headers);
  const acls = ACL_HEADERS.map((h) => incoming[h]).filter((v): v is string => typeof v === 'string');
  const headers = rewriteRequestHeaders(incoming, {
    provider,
    providers: call.client.names,
    proxyAccount: call.account,
    providerAccount: accountOf(await call.client.baseUrl(provider)),
    aclIds: acls.length ? await call.client.providerIds(provider, aclIds(acls)) : undefined,
  });
  for (const h of ACL_HEADERS) {
    const [sent, wrote] = [headers[h], incoming[h]];
    if (typeof sent === 'string' && typeof wrote === 'string')
      call.client.rememberAcl(provider, call.account, sent, wrote);
  }
  return { method: call.req.method, container, object, query: call.query, headers };
}

export async function forwardRequest(
  call: SwiftCall,
  provider: string,
  container: string,
  object?: string,
): Promise<void> {
  const op = await requestOp(call, provider, container, object);
  const streamed = hasBody(call.req.headers);
  const up = await call.client.send(provider, {
    ...op,
    body: streamed ? call.req : undefined,
    replayable: !streamed,
  });
  await relayFrom(call, provider, up);
}
