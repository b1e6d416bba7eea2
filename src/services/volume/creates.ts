import type { Request, Response } from 'express';
import { contextOf, type RequestContext } from '../../http/context';
import type { Caller } from '../../identity/caller';
import type { ResourceRef } from '../front-engine/at-provider-refs';
import type { Front } from '../front-engine/front';
import type { Probe } from '../front-engine/locate-resource';
import { placeWithPolicy } from '../exchange/placement-policy';
import { zoneAtProvider } from '../../location/placement';
import { dropZone, rewriteAttachmentCreate, rewriteSnapshotCreate, rewriteVolumeCreate } from './rewrite-request';
import { SNAPSHOT_PROBE, VOLUME_PROBE } from './volume-listings';

/**
 * Cinder creates (docs/contract.md "Naming a provider"). A volume is placed by name@provider, availability zone,
 * X-OCX-Provider, then — when it is made from a snapshot or another volume — where that source lives, then the
 * policy. A snapshot or an attachment is made where its volume lives.
 */
export async function createVolume(front: Front, req: Request, res: Response, caller: Caller): Promise<void> {
  const ctx = contextOf(res.locals);
  const rewrite = rewriteVolumeCreate(await front.json(req), front.known);
  const header = front.targeted(req);
  let referencedProvider = rewrite.refs.find((r) => r.kind !== 'image')?.provider;
  if (!rewrite.nameProvider && !header && !referencedProvider && !zoneNamesProvider(front, rewrite.availabilityZone)) {
    referencedProvider = await sourceLocation(front, req, ctx, caller, rewrite.body);
  }
  const placement = await placeWithPolicy(front, req, ctx, caller, rewrite.body, {
    nameProvider: rewrite.nameProvider,
    availabilityZone: rewrite.availabilityZone,
    headerProvider: header,
    referencedProvider,
    home: front.home,
    known: front.known,
  });
  const json = placement.dropAvailabilityZone ? dropZone(rewrite.body, 'volume', placement.zone) : rewrite.body;
  // The source's `@provider` is not remembered from a create's answer: accepting a create proves nothing about it.
  await front.forwardTo(req, res, ctx, caller, placement.provider, { segments: ['volumes'], json, refs: rewrite.refs });
}

export async function createSnapshot(front: Front, req: Request, res: Response, caller: Caller): Promise<void> {
  const rewrite = rewriteSnapshotCreate(await front.json(req), front.known);
  await createAtVolume(front, req, res, caller, rewrite, 'snapshot', 'snapshots');
}

export async function createAttachment(front: Front, req: Request, res: Response, caller: Caller): Promise<void> {
  const rewrite = rewriteAttachmentCreate(await front.json(req), front.known);
  await createAtVolume(front, req, res, caller, rewrite, 'attachment', 'attachments');
}

async function createAtVolume(
  front: Front,
  req: Request,
  res: Response,
  caller: Caller,
  rewrite: { body: unknown; refs: ResourceRef[]; nameProvider?: string },
  wrapper: 'snapshot' | 'attachment',
  collection: string,
): Promise<void> {
  const ctx = contextOf(res.locals);
  const volumeRef = rewrite.refs.find((r) => r.kind === 'volume');
  const explicit = volumeRef?.provider ?? rewrite.nameProvider ?? front.targeted(req);
  const volumeId = bodyField(rewrite.body, wrapper, wrapper === 'snapshot' ? 'volume_id' : 'volume_uuid');
  // Made at the volume's named provider: its 2xx confirms the volume is there.
  const call = { segments: [collection], json: rewrite.body, refs: rewrite.refs, about: volumeRef };
  if (volumeId === undefined) {
    // No volume named: the provider answers the 400 in its own words.
    return front.forwardTo(req, res, ctx, caller, explicit ?? front.home, call);
  }
  const located = await front.locator.locate(req, ctx, caller, VOLUME_PROBE, volumeId, explicit);
  await front.forwardTo(req, res, ctx, caller, located.provider, call);
}

function zoneNamesProvider(front: Front, zone: string | undefined): boolean {
  return zoneAtProvider(zone, front.known) !== undefined;
}

/** A volume made from a snapshot or a volume goes where that source is (found as any bare id is). */
async function sourceLocation(
  front: Front,
  req: Request,
  ctx: RequestContext,
  caller: Caller,
  body: unknown,
): Promise<string | undefined> {
  const sources: Array<[string | undefined, Probe]> = [
    [bodyField(body, 'volume', 'snapshot_id'), SNAPSHOT_PROBE],
    [bodyField(body, 'volume', 'source_volid'), VOLUME_PROBE],
  ];
  for (const [id, probe] of sources) {
    if (id) return (await front.locator.locate(req, ctx, caller, probe, id)).provider;
  }
  return undefined;
}

function bodyField(body: unknown, wrapper: string, key: string): string | undefined {
  const inner = (body as Record<string, unknown> | null)?.[wrapper];
  const v = (inner as Record<string, unknown> | null | undefined)?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}
