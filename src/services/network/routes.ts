import { Router, type Request, type Response } from 'express';
import { BadRequest } from '../../errors/errors';
import { contextOf } from '../../http/context';
import type { Caller } from '../../identity/caller';
import { explicitProvider, resourceRef } from '../front-engine/explicit-provider';
import { Front } from '../front-engine/front';
import type { FrontDeps } from '../front-engine/front-deps';
import type { ListingCursors } from '../front-engine/listing-cursors';
import { serveCombined } from '../front-engine/merged-collection';
import { splitPath } from '../front-engine/path-segments';
import { place } from '../../location/placement';
import { serveVersions } from '../front-engine/version-documents';
import { collectionAt, collectionOf, listingOf, networkIds, probeOf, type NeutronCollection } from './collections';
import { mergeAvailabilityZones, mergeExtensions } from './merge-collections';
import { NeutronListings } from './neutron-listing';
import { rewriteCreate, rewriteRouterInterface, rewriteUpdate, type BodyRewrite } from './rewrite-request';
import { spanningFor } from './spanning/spanning-networks';

const ROUTER_INTERFACE = new Set(['add_router_interface', 'remove_router_interface']);

/**
 * The proxy's Neutron at /network (v2.0): merged networks, subnets, ports, security groups and rules, routers and
 * floating IPs; creates placed (availability zone hints naming a provider, `NAME@provider`, `X-OCX-Provider`,
 * policy; a subnet, port, rule or floating IP where its network or group lives); calls about one resource routed
 * to where it lives; `ID@provider` stripped from bodies; extensions and zones combined; anything else at home
 * unless targeted.
 */
export function networkRoutes(deps: FrontDeps, cursors: ListingCursors): Router {
  const front = new Front(deps, 'network', networkIds);
  const listings = new NeutronListings(front, cursors);
  // Networks spanning providers (spanning/): only with network.segments in the config.
  const spanning = spanningFor(deps);
  const router = Router();
  const self = (req: Request): string => `${deps.config.publicUrl}${req.baseUrl}${req.path}`.replace(/\/+$/, '');

  router.get('/', (req, res) => serveVersions(front, req, res, (ep) => `${ep.root}/`, true));

  router.use('/v2.0', async (req: Request, res: Response) => {
    const segments = splitPath(req.path);
    const [first, second] = segments;
    const c = collectionAt(first);
    if (c && segments.length === 1 && req.method === 'GET') return listings.serve(req, res, listingOf(c), self(req));
    if (c && segments.length === 1 && req.method === 'POST') return create(req, res, c);
    if (c && second !== undefined) return routed(req, res, c, segments);
    if (req.method === 'GET' && segments.length === 1 && first === 'extensions') {
      return serveCombined(front, req, res, segments, mergeExtensions);
    }
    if (req.method === 'GET' && segments.length === 1 && first === 'availability_zones') {
      return serveCombined(front, req, res, segments, (docs) => mergeAvailabilityZones(docs, front.client.providers));
    }
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const provider = front.targeted(req) ?? front.home;
    await front.forwardTo(req, res, ctx, caller, provider, { segments, json: await front.json(req) });
  });

  /** POST /v2.0/{collection}: where its parent lives, else by name, zone hint, header, policy. */
  async function create(req: Request, res: Response, c: NeutronCollection): Promise<void> {
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const rewrite = rewriteCreate(c, objectBody(await front.json(req)), front.known);
    const header = front.targeted(req);
    let provider: string;
    if (rewrite.parent) {
      provider = await parentProvider(req, caller, rewrite.parent, header, ctx);
      const other = rewrite.nameProvider ?? rewrite.zoneProviders.find((p) => p !== provider);
      if (other !== undefined && other !== provider) {
        throw new BadRequest(
          `${probeOf(collectionOf(rewrite.parent.kind)).label} ${rewrite.parent.id} is at ${provider}: ` +
            `a ${c.singular.replace(/_/g, ' ')} on it is created there, not at ${other}.`,
        );
      }
      if (spanning && c.path === 'subnets' && rewrite.parent.kind === 'network') {
        if (await spanning.createSubnet(req, res, ctx, caller, provider, rewrite.parent.id, rewrite.body)) return;
      }
    } else {
      if (spanning && c.path === 'networks' && rewrite.zoneProviders.length > 1) {
        return spanning.createNetwork(req, res, ctx, caller, rewrite.zoneProviders, rewrite.body);
      }
      if (rewrite.zoneProviders.length > 1) {
        throw new BadRequest(
          `availability_zone_hints name several providers (${rewrite.zoneProviders.join(', ')}): ` +
            'a network spanning providers needs network.segments in the proxy config.',
        );
      }
      provider = place({
        nameProvider: rewrite.nameProvider,
        availabilityZone: rewrite.zoneProviders[0],
        headerProvider: header,
        policy: deps.config.placement.policy,
        home: front.home,
        known: front.known,
      }).provider;
    }
    await front.forwardTo(req, res, ctx, caller, provider, {
      segments: [c.path],
      json: rewrite.body,
      refs: rewrite.refs,
    });
  }

  async function parentProvider(
    req: Request,
    caller: Caller,
    parent: NonNullable<ReturnType<typeof rewriteCreate>['parent']>,
    header: string | undefined,
    ctx: ReturnType<typeof contextOf>,
  ): Promise<string> {
    const explicit = explicitProvider(parent.provider, header);
    const probe = probeOf(collectionOf(parent.kind));
    return (await front.locator.locate(req, ctx, caller, probe, parent.id, explicit)).provider;
  }

  /** /v2.0/{collection}/{id}[/...]: at the resource's provider. */
  async function routed(req: Request, res: Response, c: NeutronCollection, segments: string[]): Promise<void> {
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const ref = resourceRef(segments[1] as string, front.known, front.targeted(req));
    const rest = segments.slice(2);
    const json = await front.json(req);
    let rewrite: BodyRewrite = { body: req.method === 'PUT' && rest.length === 0 ? objectBody(json) : json, refs: [] };
    if (req.method === 'PUT' && rest.length === 0) rewrite = rewriteUpdate(c, rewrite.body, front.known);
    if (req.method === 'PUT' && c.path === 'routers' && ROUTER_INTERFACE.has(rest[0] ?? '')) {
      rewrite = rewriteRouterInterface(rewrite.body, front.known);
    }
    if (spanning && rest.length === 0 && (c.path === 'networks' || c.path === 'subnets')) {
      if (await spanning.routed(req, res, ctx, caller, c, ref, rewrite.body)) return;
    }
    if (spanning && rest[0] === 'tags' && (c.path === 'networks' || c.path === 'subnets')) {
      if (await spanning.tags(req, res, ctx, caller, c, ref, rest, rewrite.body)) return;
    }
    await front.forwardRouted(
      req,
      res,
      ctx,
      caller,
      { probe: probeOf(c), ...ref },
      { segments: [c.path, ref.id, ...rest], json: rewrite.body, refs: rewrite.refs },
    );
  }

  return router;
}

/** A create or update body must be one JSON object (neutron/api/v2/base.py prepare_request_body). */
function objectBody(doc: unknown): unknown {
  if (doc === undefined) throw new BadRequest('Resource body required');
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new BadRequest('Body contains invalid data');
  return doc;
}
