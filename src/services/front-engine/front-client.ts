import type { Request } from 'express';
import type { Readable } from 'node:stream';
import type { ProviderConfig } from '../../config/types';
import { ProviderUnavailable } from '../../errors/errors';
import type { RequestContext } from '../../http/context';
import { serviceBaseUrl } from '../../identity/endpoints';
import type { ProviderSession } from '../../identity/provider-sessions';
import type { Caller } from '../../identity/caller';
import type { UpstreamResponse } from '../../upstream/client';
import { clientHeadersForProvider, withProxyIdentity, type HeaderBag } from '../../upstream/headers';
import { callWithSession } from '../provider-call';
import type { FrontDeps, FrontService } from './front-deps';
import { serviceEndpoint, type ServiceEndpoint } from './service-endpoint';

/** A provider whose catalog has no such service: absent from listings and lookups, not failed. */
export class ServiceAbsent extends ProviderUnavailable {}

export interface ProviderRequest {
  method: string;
  /** Full upstream URL, built from the endpoint. */
  url: string;
  /** A body the proxy read and rewrote (else, with `stream` in the send options, the client's body as is). */
  body?: Buffer | string;
  /** Forward the client's headers (API microversions, content type…); false for the proxy's own lookups. */
  clientHeaders?: boolean;
  /** Keep Accept-Encoding: only for bodies relayed without rewriting (Glance image data). */
  keepEncoding?: boolean;
  headers?: HeaderBag;
}

export interface ProviderReply {
  endpoint: ServiceEndpoint;
  session: ProviderSession;
  response: UpstreamResponse;
}

/**
 * Calls one provider's Nova, Cinder or Glance for a caller: its session (home token or K2K provider token, renewed
 * once on 401), its endpoint and URL mappings, and headers cleaned for that provider.
 */
export class FrontClient {
  readonly home: string;
  /** Providers that can serve this front: Keystone-backed ones (static-credential ones only have Swift). */
  readonly providers: string[];
  readonly known: string[];
  private readonly byName: Map<string, ProviderConfig>;

  constructor(
    readonly deps: FrontDeps,
    readonly service: FrontService,
  ) {
    this.home = deps.config.home;
    this.known = deps.config.providers.map((p) => p.name);
    this.providers = deps.config.providers.filter((p) => p.keystoneUrl).map((p) => p.name);
    this.byName = new Map(deps.config.providers.map((p) => [p.name, p]));
  }

  endpointFor(session: ProviderSession): ServiceEndpoint {
    const provider = this.byName.get(session.provider) as ProviderConfig;
    let url: string;
    try {
      url = serviceBaseUrl(provider, session, this.service);
    } catch (err) {
      if (err instanceof ProviderUnavailable)
        throw new ServiceAbsent(provider.name, `offers no ${this.service} service`);
      throw err;
    }
    const endpoint = serviceEndpoint({
      service: this.service,
      provider: provider.name,
      url,
      publicUrl: this.deps.config.publicUrl,
      providerProjectId: session.projectId,
      homeProjectId: session.homeProjectId,
    });
    // The root is the same for every caller: its public version document can be read from now on.
    if (this.service !== 'network') this.deps.versions?.[this.service]?.learnRoot(provider.name, endpoint.root);
    return endpoint;
  }

  async send(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    provider: string,
    build: (ep: ServiceEndpoint) => ProviderRequest,
    opts: { stream?: boolean; signal?: AbortSignal } = {},
  ): Promise<ProviderReply> {
    let endpoint: ServiceEndpoint | undefined;
    const stream = opts.stream === true;
    const { session, response } = await callWithSession(
      this.deps,
      caller,
      provider,
      (s) => {
        endpoint = this.endpointFor(s);
        const r = build(endpoint);
        return this.deps.upstream.send({
          provider,
          service: this.service,
          method: r.method,
          url: r.url,
          headers: this.headers(req, ctx, s, r, stream),
          body: r.body ?? (stream ? (req as Readable) : undefined),
          signal: opts.signal ?? ctx.signal,
        });
      },
      // A streamed body cannot be sent twice.
      !stream,
    );
    return { endpoint: endpoint as ServiceEndpoint, session, response };
  }

  private headers(
    req: Request,
    ctx: RequestContext,
    session: ProviderSession,
    r: ProviderRequest,
    stream: boolean,
  ): HeaderBag {
    // The home cloud's service token keeps its meaning at home only (clientHeadersForProvider says why).
    const forwarded: HeaderBag =
      r.clientHeaders === false
        ? { accept: 'application/json' }
        : clientHeadersForProvider(req.headers, {
            serviceToken: session.kind === 'home',
            keepEncoding: r.keepEncoding,
          });
    const out = withProxyIdentity(forwarded, ctx);
    if (r.body !== undefined) out['content-length'] = String(Buffer.byteLength(r.body));
    else if (stream && req.headers['content-length']) out['content-length'] = req.headers['content-length'];
    // A streamed body without a length (Transfer-Encoding: chunked) keeps its type: Glance refuses data it cannot
    // name (415 "media type text/plain").
    else if (!stream) delete out['content-type'];
    out['x-auth-token'] = session.token;
    return { ...out, ...r.headers };
  }
}
