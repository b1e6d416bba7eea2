import { Router, type Request, type Response } from 'express';
import { contextOf } from '../../http/context';
import type { Caller } from '../../identity/caller';
import { resourceRef } from '../front-engine/explicit-provider';
import { volumeCallbacks } from '../front-engine/callback-calls';
import { endsInSlash, Front } from '../front-engine/front';
import type { FrontDeps } from '../front-engine/front-deps';
import type { ListingCursors } from '../front-engine/listing-cursors';
import { serveCombined } from '../front-engine/merged-collection';
import { MergedListings } from '../front-engine/merged-listing';
import { splitPath } from '../front-engine/path-segments';
import { checkMicroversion, requestedMicroversion } from '../front-engine/microversion';
import { knownRange, serveVersionDocument } from '../front-engine/version-documents';
import { QUOTA_PATHS, summedQuotas } from '../exchange/quota-routes';
import { createAttachment, createSnapshot, createVolume } from './creates';
import { mergeAvailabilityZones, mergeVolumeTypes } from './merge-collections';
import {
  ATTACHMENT_PROBE,
  SNAPSHOT_PROBE,
  SNAPSHOTS_BRIEF,
  SNAPSHOTS_DETAIL,
  VOLUME_PROBE,
  VOLUMES_BRIEF,
  VOLUMES_DETAIL,
  showVolumeZone,
  volumeIds,
} from './volume-listings';

const LISTINGS = {
  volumes: VOLUMES_BRIEF,
  'volumes/detail': VOLUMES_DETAIL,
  snapshots: SNAPSHOTS_BRIEF,
  'snapshots/detail': SNAPSHOTS_DETAIL,
} as const;
const PROBES = { volumes: VOLUME_PROBE, snapshots: SNAPSHOT_PROBE, attachments: ATTACHMENT_PROBE } as const;
/** Second segments that are collections' own sub-paths, not resource ids. */
const NOT_IDS = new Set(['detail', 'summary']);

/**
 * The proxy's Cinder at /volume/v3/{home project id}: merged volumes and snapshots, merged types and
 * zones, creates placed, calls about one volume/snapshot/attachment routed to where it lives, project ids
 * translated in paths and bodies; anything else at home unless targeted.
 */
export function volumeRoutes(deps: FrontDeps, cursors: ListingCursors): Router {
  const front = new Front(deps, 'volume', volumeIds, volumeCallbacks, showVolumeZone);
  const listings = new MergedListings(front, cursors);
  const router = Router();

  router.get(['/', '/v3', '/v3/'], (req, res) =>
    serveVersionDocument(front, req, res, req.path === '/' ? 'root' : 'versioned'),
  );

  // Limits and quota sets summed over the caller's providers (services/exchange/quota-routes.ts).
  router.get([...QUOTA_PATHS.volume], summedQuotas(front));

  router.use('/v3/:project', async (req: Request, res: Response) => {
    if (requestedMicroversion(req.headers, 'volume') !== undefined) {
      checkMicroversion(req.headers, 'volume', knownRange(front));
    }
    const ctx = contextOf(res.locals);
    const caller = await front.caller(req);
    const project = String(req.params['project']);
    const segments = splitPath(req.path);
    // A provider token the proxy minted names that provider's project id: it is the caller's home project here.
    if (project !== caller.info.projectId && project !== caller.projectAlias) {
      // Another project than the token's: no translation is known for it; the home Cinder decides.
      const base = (ep: { root: string }): string => `${ep.root}/v3/${encodeURIComponent(project)}`;
      const provider = front.targeted(req) ?? front.home;
      return front.forwardTo(req, res, ctx, caller, provider, { segments, json: await front.json(req), base });
    }
    const [collection, second] = segments;
    const key = segments.join('/');
    if (endsInSlash(req) && segments.length > 0) {
      // An empty id: Cinder's own answer (404).
      const provider = front.targeted(req) ?? front.home;
      const call = { segments, trailingSlash: true, json: await front.json(req) };
      return front.forwardTo(req, res, ctx, caller, provider, call);
    }
    if (req.method === 'GET' && key in LISTINGS) {
      const self = `${deps.config.publicUrl}${req.baseUrl}${req.path}`.replace(/\/+$/, '');
      return listings.serve(req, res, LISTINGS[key as keyof typeof LISTINGS], self);
    }
    if (req.method === 'GET' && key === 'types') return serveCombined(front, req, res, segments, mergeVolumeTypes);
    if (req.method === 'GET' && key === 'os-availability-zone') {
      return serveCombined(front, req, res, segments, (docs) => mergeAvailabilityZones(docs, front.client.providers));
    }
    if (req.method === 'POST' && segments.length === 1) {
      if (collection === 'volumes') return createVolume(front, req, res, caller);
      if (collection === 'snapshots') return createSnapshot(front, req, res, caller);
      if (collection === 'attachments') return createAttachment(front, req, res, caller);
    }
    if (collection && collection in PROBES && second !== undefined && !NOT_IDS.has(second)) {
      return routed(req, res, caller, segments, PROBES[collection as keyof typeof PROBES]);
    }
    if (req.method === 'GET' && key === 'attachments' && typeof req.query['volume_id'] === 'string') {
      // Nova looks a volume's attachments up by volume: ask where the volume is.
      const ref = resourceRef(req.query['volume_id'], front.known, front.targeted(req));
      return front.forwardRouted(req, res, ctx, caller, { probe: VOLUME_PROBE, ...ref }, { segments });
    }
    const provider = front.targeted(req) ?? front.home;
    await front.forwardTo(req, res, ctx, caller, provider, { segments, json: await front.json(req) });
  });

  async function routed(
    req: Request,
    res: Response,
    caller: Caller,
    segments: string[],
    probe: (typeof PROBES)[keyof typeof PROBES],
  ): Promise<void> {
    const ctx = contextOf(res.locals);
    const ref = resourceRef(segments[1] as string, front.known, front.targeted(req));
    const call = { segments: [segments[0] as string, ref.id, ...segments.slice(2)], json: await front.json(req) };
    await front.forwardRouted(req, res, ctx, caller, { probe, ...ref }, call);
  }

  return router;
}
