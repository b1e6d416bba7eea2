import { Router, type Request, type Response } from 'express';
import { Conflict, ProviderUnavailable } from '../../errors/errors';
import { contextOf, type RequestContext } from '../../http/context';
import type { Caller } from '../../identity/caller';
import { imageCallbacks } from '../front-engine/callback-calls';
import { resourceRef } from '../front-engine/explicit-provider';
import { hasBody } from '../../http/body';
import { endsInSlash, Front } from '../front-engine/front';
import type { FrontDeps } from '../front-engine/front-deps';
import type { ListingCursors } from '../front-engine/listing-cursors';
import { MergedListings } from '../front-engine/merged-listing';
import { splitPath } from '../front-engine/path-segments';
import { placeWithPolicy } from '../exchange/placement-policy';
import { validateImageCreate } from './validate-create';
import { serveVersionDocument } from '../front-engine/version-documents';
import { IMAGE_PROBE, IMAGES, imageIds } from './image-listings';
import { rewriteImageCreate, rewriteImagePatch } from './rewrite-request';

/**
 * The proxy's Glance at /image: merged `GET /v2/images` with Glance's `next` links, creates placed,
 * calls about one image routed to where it lives, image data streamed both ways (never buffered); anything else
 * (schemas, info, tasks) at home unless targeted.
 */
export function imageRoutes(deps: FrontDeps, cursors: ListingCursors): Router {
  const front = new Front(deps, 'image', imageIds, imageCallbacks);
  const listings = new MergedListings(front, cursors);
  const router = Router();

  router.get(['/', '/versions'], (req, res) =>
    serveVersionDocument(front, req, res, req.path === '/' ? 'root' : 'versioned'),
  );

  router.use(async (req: Request, res: Response) => {
    const segments = splitPath(req.path);
    const isImages = segments[0] === 'v2' && segments[1] === 'images' && !endsInSlash(req);
    if (isImages && segments.length === 2 && req.method === 'GET')
      return listings.serve(req, res, IMAGES, '/v2/images');
    if (isImages && segments.length === 2 && req.method === 'POST') return createImage(req, res);
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    if (isImages && segments.length > 2) {
      const ref = resourceRef(segments[2] as string, front.known, front.targeted(req));
      const rest = segments.slice(3);
      // Image data is relayed as the provider sends it, content encoding included.
      const keepEncoding = rest[0] === 'file';
      const call = { segments: ['v2', 'images', ref.id, ...rest], keepEncoding, ...(await body(req)) };
      return front.forwardRouted(req, res, ctx, caller, { probe: IMAGE_PROBE, ...ref }, call);
    }
    const provider = front.targeted(req) ?? front.home;
    // An empty id (`/v2/images/`) keeps its slash: Glance answers it (404), not the collection.
    const trailingSlash = endsInSlash(req);
    await front.forwardTo(req, res, ctx, caller, provider, { segments, trailingSlash, ...(await body(req)) });
  });

  /** JSON bodies are read (bounded) and rewritten; image data streams through untouched. */
  async function body(
    req: Request,
  ): Promise<{ json?: unknown; stream?: boolean; rewriteBody?: typeof rewriteImagePatch }> {
    if (!hasBody(req.headers)) return {};
    if (!/json/i.test(String(req.headers['content-type'] ?? ''))) return { stream: true };
    const json = await front.json(req);
    return req.method === 'PATCH' ? { json, rewriteBody: rewriteImagePatch } : { json };
  }

  /** POST /v2/images: placed by name@provider, X-OCX-Provider, policy (Glance has no availability zones). */
  async function createImage(req: Request, res: Response): Promise<void> {
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const body = await front.json(req);
    validateImageCreate(body);
    const rewrite = rewriteImageCreate(body, front.known);
    const placement = await placeWithPolicy(front, req, ctx, caller, rewrite.body, {
      nameProvider: rewrite.nameProvider,
      headerProvider: front.targeted(req),
      home: front.home,
      known: front.known,
    });
    const chosen = chosenId(rewrite.body);
    if (chosen !== undefined) await refuseTakenId(req, ctx, caller, chosen, placement.provider);
    await front.forwardTo(req, res, ctx, caller, placement.provider, {
      segments: ['v2', 'images'],
      json: rewrite.body,
    });
  }

  /**
   * A client-chosen id must not copy an image the caller can see at another provider: ids are unique per
   * Glance only, and a second copy would make the id ambiguous for everyone who uses it (the provider the
   * image goes to answers its own duplicates). A provider that cannot be asked leaves the id unchecked: 503.
   */
  async function refuseTakenId(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    id: string,
    target: string,
  ): Promise<void> {
    const others = front.client.providers.filter((p) => p !== target);
    const { found, failed } = await front.locator.holders(req, ctx, caller, IMAGE_PROBE, id, others);
    if (found.length) throw new Conflict(`Image with identifier ${id} already exists!`);
    if (failed.length) {
      throw new ProviderUnavailable(failed.join(', '), `could not be asked whether image ${id} exists`);
    }
  }

  return router;
}

function chosenId(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
