import { Router, type Request, type Response } from 'express';
import { contextOf } from '../../http/context';
import type { ResourceRef } from '../front-engine/at-provider-refs';
import { resourceRef } from '../front-engine/explicit-provider';
import { endsInSlash, Front } from '../front-engine/front';
import type { FrontDeps } from '../front-engine/front-deps';
import type { ListingCursors } from '../front-engine/listing-cursors';
import { MergedListings } from '../front-engine/merged-listing';
import { splitPath } from '../front-engine/path-segments';
import { placeWithPolicy } from '../exchange/placement-policy';
import { checkServerNetworks } from '../network/server-networks';
import { spanningFor } from '../network/spanning/spanning-networks';
import { QUOTA_PATHS, summedQuotas } from '../exchange/quota-routes';
import { checkMicroversion, requestedMicroversion } from '../front-engine/microversion';
import { knownRange, serveVersionDocument } from '../front-engine/version-documents';
import {
  INSTANCE_ACTIONS_PROBE,
  SERVER_PROBE,
  showServerZone,
  SERVERS_BRIEF,
  SERVERS_DETAIL,
  computeIds,
} from './compute-listings';
import { dropServerZone, rewriteServerAction, rewriteServerCreate, rewriteVolumeAttachment } from './rewrite-request';

/**
 * The proxy's Nova at /compute: merged `servers`; server calls routed to the server's provider;
 * `@provider` stripped from volume, image and BDM references (held for the Cinder and Glance calls the home
 * Nova then makes through the proxy, remembered once the named provider answers one); everything else at home
 * unless targeted.
 */
export function computeRoutes(deps: FrontDeps, cursors: ListingCursors): Router {
  const front = new Front(deps, 'compute', computeIds, undefined, showServerZone);
  const listings = new MergedListings(front, cursors);
  // A spanning network named in a server create is its twin at the server's provider (network/spanning/).
  const spanning = spanningFor(deps);
  const router = Router();
  const self = (req: Request): string => `${deps.config.publicUrl}${req.baseUrl}${req.path}`.replace(/\/+$/, '');

  router.get(['/', '/v2.1', '/v2.1/'], (req, res) =>
    serveVersionDocument(front, req, res, req.path === '/' ? 'root' : 'versioned'),
  );

  // Limits and quota sets summed over the caller's providers (services/exchange/quota-routes.ts).
  router.get([...QUOTA_PATHS.compute], summedQuotas(front));

  router.use('/v2.1', async (req: Request, res: Response) => {
    if (requestedMicroversion(req.headers, 'compute') !== undefined) {
      checkMicroversion(req.headers, 'compute', knownRange(front));
    }
    const segments = splitPath(req.path);
    const [collection, second] = segments;
    if (endsInSlash(req)) return forwardAsIs(req, res, segments);
    if (collection === 'servers' && segments.length <= 2 && req.method === 'GET') {
      if (second === undefined) return listings.serve(req, res, SERVERS_BRIEF, self(req));
      if (second === 'detail') return listings.serve(req, res, SERVERS_DETAIL, self(req));
    }
    if (collection === 'servers' && segments.length === 1 && req.method === 'POST') return createServer(req, res);
    if (collection === 'servers' && second !== undefined) return serverCall(req, res, segments);
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const provider = front.targeted(req) ?? front.home;
    await front.forwardTo(req, res, ctx, caller, provider, { segments, json: await front.json(req) });
  });

  /** Nova's own answer to a path it routes nowhere (an empty id): at home unless targeted. */
  async function forwardAsIs(req: Request, res: Response, segments: string[]): Promise<void> {
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const provider = front.targeted(req) ?? front.home;
    await front.forwardTo(req, res, ctx, caller, provider, {
      segments,
      trailingSlash: true,
      json: await front.json(req),
    });
  }

  /** POST /servers: placed by name@provider, availability zone, X-OCX-Provider, policy. */
  async function createServer(req: Request, res: Response): Promise<void> {
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const rewrite = rewriteServerCreate(await front.json(req), front.known);
    const placement = await placeWithPolicy(front, req, ctx, caller, rewrite.body, {
      nameProvider: rewrite.nameProvider,
      availabilityZone: rewrite.availabilityZone,
      headerProvider: front.targeted(req),
      referencedProvider: rewrite.networkProvider,
      home: front.home,
      known: front.known,
    });
    let json = placement.dropAvailabilityZone ? dropServerZone(rewrite.body, placement.zone) : rewrite.body;
    const refs = rewrite.refs;
    checkServerNetworks(refs, placement.provider);
    if (spanning) json = await spanning.serverCreate(req, ctx, caller, placement.provider, json);
    await front.forwardTo(req, res, ctx, caller, placement.provider, { segments: ['servers'], json, refs });
  }

  /** /servers/{id}[/...]: at the server's provider; volume attachments and rebuilds name other resources. */
  async function serverCall(req: Request, res: Response, segments: string[]): Promise<void> {
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const ref = resourceRef(segments[1] as string, front.known, front.targeted(req));
    const rest = segments.slice(2);
    let json = await front.json(req);
    let refs: ResourceRef[] = [];
    if (rest[0] === 'os-volume_attachments' && (req.method === 'POST' || req.method === 'PUT')) {
      ({ body: json, refs } = rewriteVolumeAttachment(json, front.known));
    } else if (rest[0] === 'action' && req.method === 'POST') {
      ({ body: json, refs } = rewriteServerAction(json, front.known));
    }
    // Nova lists the actions of a deleted server (2.21): located by them, not by a show that is a 404 by then.
    const probe = rest[0] === 'os-instance-actions' && req.method === 'GET' ? INSTANCE_ACTIONS_PROBE : SERVER_PROBE;
    await front.forwardRouted(
      req,
      res,
      ctx,
      caller,
      { probe, ...ref },
      { segments: ['servers', ref.id, ...rest], json, refs },
    );
  }

  return router;
}
