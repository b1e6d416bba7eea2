import type { Request, Response } from 'express';
import { readBody, parseJsonBody } from '../../http/body';
import type { RequestContext } from '../../http/context';
import { authenticate } from '../../identity/caller';
import { segmentsBelowMount, type CallbackCalls } from './callback-calls';
import type { Caller } from '../../identity/caller';
import { targetedProvider } from '../../location/provider-header';
import type { HeaderBag } from '../../upstream/headers';
import { relayResponse } from '../forward';
import { FrontClient, type ProviderReply } from './front-client';
import type { FrontDeps, FrontService } from './front-deps';
import type { ResourceRef } from './at-provider-refs';
import { holderTrust } from './holder-trust';
import type { SeenId } from './learn-locations';
import { ResourceLocator, type Located, type Probe } from './locate-resource';
import { joinPath, rawQuery, translateSegments } from './path-segments';
import { towardsClient, towardsProvider, translateProjectIds, type ProjectPair } from './project-ids';
import type { ServiceEndpoint } from './service-endpoint';
import { hasBody } from '../../http/body';

/** One call relayed to one provider. */
export interface RelayCall {
  /** Path segments after the versioned base, `@provider` already removed. */
  segments: readonly string[];
  /** Query string with its `?` (default: the client's). */
  query?: string;
  method?: string;
  /** A parsed JSON body: project ids translated (or `rewriteBody`) and re-serialized per provider. */
  json?: unknown;
  rewriteBody?: (doc: unknown, pair: ProjectPair | undefined) => unknown;
  /** Pipe the client's body through untouched (image data). */
  stream?: boolean;
  /** Keep the provider's content encoding (bodies relayed without rewriting). */
  keepEncoding?: boolean;
  /** The client's path ended in '/' (an empty id): kept, so the provider answers it as it does (404). */
  trailingSlash?: boolean;
  /** Base URL override (default: the endpoint's versioned base). */
  base?: (ep: ServiceEndpoint) => string;
  headers?: HeaderBag;
  /** `ID@provider` refs of the client's body: held for the calls the service makes back while this one runs. */
  refs?: readonly ResourceRef[];
  /** The resource this call acts on at the provider named: remembered once that provider answers 2xx. */
  about?: ResourceRef;
}

/**
 * What the Nova, Cinder and Glance fronts share: authentication, targeting, body reading, and relaying one call
 * to one provider with project ids translated both ways and every provider URL rewritten to the proxy's.
 */
export class Front {
  readonly client: FrontClient;
  readonly locator: ResourceLocator;
  private readonly bodies = new WeakMap<Request, Promise<unknown>>();

  constructor(
    readonly deps: FrontDeps,
    readonly service: FrontService,
    private readonly learn: (doc: unknown, segments: readonly string[]) => SeenId[],
    private readonly callbackCalls?: CallbackCalls,
    /** A provider's answer as shown to the client (where the resource lives: zone-display.ts). */
    private readonly decorate?: (doc: unknown, segments: readonly string[], provider: string) => unknown,
  ) {
    this.client = new FrontClient(deps, service);
    this.locator = new ResourceLocator(this.client, deps.locations);
  }

  get home(): string {
    return this.client.home;
  }

  get known(): string[] {
    return this.client.known;
  }

  /**
   * The request's caller. A provider token presented back to the proxy is admitted only on the calls
   * `callbackCalls` names (none unless the front was built with them).
   */
  caller(req: Request): Promise<Caller> {
    const calls = this.callbackCalls;
    const policy = calls && {
      callbacks: this.deps.callbacks,
      allowed: () => calls(req.method, segmentsBelowMount(req), () => this.json(req)),
    };
    return authenticate(req.headers, this.deps.validator, policy);
  }

  /** `X-OCX-Provider` (400 naming the known providers when unknown). */
  targeted(req: Request): string | undefined {
    return targetedProvider(req.headers['x-ocx-provider'], this.known);
  }

  /** The client's JSON body (bounded; malformed JSON is a 400), or undefined when it sent none. */
  async json(req: Request): Promise<unknown> {
    // Read once: deciding whether a call is allowed may need the body before the route reads it.
    let body = this.bodies.get(req);
    if (!body) {
      body = this.readJson(req);
      this.bodies.set(req, body);
    }
    return body;
  }

  private async readJson(req: Request): Promise<unknown> {
    if (!hasBody(req.headers)) return undefined;
    const raw = await readBody(req, this.deps.config.limits.jsonBodyBytes);
    return raw.length ? parseJsonBody(raw) : undefined;
  }

  async send(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    provider: string,
    call: RelayCall,
  ): Promise<ProviderReply> {
    return this.client.send(
      req,
      ctx,
      caller,
      provider,
      (ep) => {
        const pair = towardsProvider(ep.homeProjectId, ep.providerProjectId);
        const segments = translateSegments(call.segments, ep.homeProjectId, ep.providerProjectId);
        const rewrite = call.rewriteBody ?? translateProjectIds;
        return {
          method: call.method ?? req.method,
          url:
            (call.base ?? ((e: ServiceEndpoint) => e.base))(ep) +
            joinPath(segments) +
            (call.trailingSlash ? '/' : '') +
            (call.query ?? rawQuery(req.originalUrl)),
          body: call.json === undefined ? undefined : JSON.stringify(rewrite(call.json, pair)),
          keepEncoding: call.keepEncoding,
          headers: call.headers,
        };
      },
      { stream: call.stream },
    );
  }

  /** Write a provider's answer: URLs and project ids rewritten, resource locations learned. */
  async relay(
    res: Response,
    ctx: RequestContext,
    caller: Caller,
    reply: ProviderReply,
    call: RelayCall,
    method: string,
  ): Promise<void> {
    const ep = reply.endpoint;
    const pair = towardsClient(ep.homeProjectId, ep.providerProjectId);
    await relayResponse(
      res,
      ctx,
      reply.response,
      {
        provider: ep.provider,
        mappings: ep.mappings,
        rewriteJson: (doc) => {
          const out = translateProjectIds(doc, pair);
          if (reply.response.status >= 300) return out;
          this.remember(caller, out, call.segments, ep.provider);
          return this.decorate ? this.decorate(out, call.segments, ep.provider) : out;
        },
      },
      method,
    );
  }

  /**
   * Locations shown by an answer (already in the client's project ids). A copy any tenant could have made
   * (a community or shared image) is not learned: only a lookup that sees every holder may route to it.
   */
  remember(caller: Caller, doc: unknown, segments: readonly string[], provider: string): void {
    for (const seen of this.learn(doc, segments)) {
      if (holderTrust(seen.kind, seen.item, caller.info.projectId) === 'other') continue;
      this.locator.remember(caller, seen.kind, seen.id, provider);
    }
  }

  /** `about` confirmed by its provider's 2xx. */
  private confirm(caller: Caller, reply: ProviderReply, about: ResourceRef | undefined): void {
    const status = reply.response.status;
    if (about && status >= 200 && status < 300 && reply.endpoint.provider === about.provider) {
      this.locator.remember(caller, about.kind, about.id, about.provider);
    }
  }

  /** Send and relay to a provider chosen by the route (home, targeted, placed). */
  async forwardTo(
    req: Request,
    res: Response,
    ctx: RequestContext,
    caller: Caller,
    provider: string,
    call: RelayCall,
  ): Promise<void> {
    const release = this.locator.propose(caller, call.refs ?? []);
    try {
      const reply = await this.send(req, ctx, caller, provider, call);
      this.confirm(caller, reply, call.about);
      await this.relay(res, ctx, caller, reply, call, call.method ?? req.method);
    } finally {
      release();
    }
  }

  /**
   * A call about one resource, at the provider where it lives. A location taken from the cache or from a request
   * in flight that the provider denies (404) is forgotten and looked up afresh once, when the call can be
   * replayed; one taken from a request in flight that the provider confirms (2xx) is remembered.
   */
  async forwardRouted(
    req: Request,
    res: Response,
    ctx: RequestContext,
    caller: Caller,
    target: { probe: Probe; id: string; explicit?: string },
    call: RelayCall,
  ): Promise<void> {
    const release = this.locator.propose(caller, call.refs ?? []);
    try {
      const located: Located = await this.locator.locate(req, ctx, caller, target.probe, target.id, target.explicit);
      let reply = await this.send(req, ctx, caller, located.provider, call);
      const guessed = located.via === 'cache' || located.via === 'proposal';
      if (reply.response.status === 404 && guessed && !call.stream) {
        reply.response.body.resume();
        if (located.via === 'cache') this.locator.forget(caller, target.probe.kind, target.id);
        const provider = await this.locator.broadcast(req, ctx, caller, target.probe, target.id);
        reply = await this.send(req, ctx, caller, provider, call);
      } else if (located.via === 'proposal') {
        this.confirm(caller, reply, { kind: target.probe.kind, id: target.id, provider: located.provider });
      }
      await this.relay(res, ctx, caller, reply, call, call.method ?? req.method);
    } finally {
      release();
    }
  }
}

/** A path below the versioned base that ends in '/': an empty id, which the services answer 404. */
export function endsInSlash(req: Request): boolean {
  return req.path.length > 1 && req.path.endsWith('/');
}
