import { Router, type Request, type Response } from 'express';
import { contextOf } from '../../http/context';
import type { ResourceRef } from '../routed/at-provider-refs';
import { resourceRef } from '../routed/explicit-provider';
import { Front } from '../routed/front';
import type { FrontDeps } from '../routed/front-deps';
import type { ListingCursors } from '../routed/listing-cursors';
import { MergedListings } from '../routed/merged-listing';
import { splitPath } from '../routed/path-segments';
import { placeCreate } from '../routed/placement';
import { checkMicroversion, requestedMicroversion } from '../routed/microversion';
import { microversionRange, serveVersions } from '../routed/version-documents';
import { SERVER_PROBE, SERVERS_BRIEF, SERVERS_DETAIL, computeIds } from './compute-listings';
import { dropServerZone, rewriteServerAction, rewriteServerCreate, rewriteVolumeAttachment } from './rewrite-request';

/**
 * The proxy's Nova at /compute (issue 5 §3): merged `servers`; server calls routed to the server's provider;
 * `@provider` stripped from volume, image and BDM references (held for the Cinder and Glance calls the home
 * Nova then makes through the proxy, remembered once the named provider answers one); everything else at home
 * unless targeted.
 */
export function computeRoutes(deps: FrontDeps, cursors: ListingCursors): Router {
  const front = new Front(deps, 'compute', computeIds);
  const listings = new MergedListings(front, cursors);
  const router = Router();
  const self = (req: Request): string => `${deps.config.publicUrl}${req.baseUrl}${req.path}`.replace(/\/+$/, '');

  router.get(['/', '/v2.1', '/v2.1/'], (req, res) =>
    serveVersions(front, req, res, (ep) => (req.path === '/' ? `${ep.root}/` : `${ep.base}/`), true),
  );

  router.use('/v2.1', async (req: Request, res: Response) => {
    if (requestedMicroversion(req.headers, 'compute') !== undefined) {
      const range = await microversionRange(front, req, res, (ep) => `${ep.root}/`);
      checkMicroversion(req.headers, 'compute', range);
    }
    const segments = splitPath(req.path);
    const [collection, second] = segments;
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

  /** POST /servers: placed by name@provider, availability zone, X-OCX-Provider, policy. */
  async function createServer(req: Request, res: Response): Promise<void> {
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const rewrite = rewriteServerCreate(await front.json(req), front.known);
    const placement = placeCreate({
      nameProvider: rewrite.nameProvider,
      availabilityZone: rewrite.availabilityZone,
      headerProvider: front.targeted(req),
      policy: deps.config.placement.policy,
      home: front.home,
      known: front.known,
    });
    const json = placement.dropAvailabilityZone ? dropServerZone(rewrite.body) : rewrite.body;
    const refs = rewrite.refs;
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
    await front.forwardRouted(
      req,
      res,
      ctx,
      caller,
      { probe: SERVER_PROBE, ...ref },
      { segments: ['servers', ref.id, ...rest], json, refs },
    );
  }

  return router;
}
