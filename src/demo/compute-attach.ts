// Volume attach the way Nova Zed does it over Cinder's attachments API (nova/compute/api.py attach_volume,
// nova/virt/block_device.py DriverVolumeBlockDevice.attach): the API looks the volume up and reserves it with an
// attachment (`POST /attachments`, no connector), answers the client, and the compute side then connects it
// (`GET /volumes/{id}` at 3.48, `PUT /attachments/{id}` with the host connector, `POST .../action os-complete`),
// deleting the attachment if any of that fails.
import type { NovaContext, RemoteServices } from './compute-remote-services';
import { RemoteServiceError } from './compute-remote-services';

/** A Nova fault to answer with. */
export interface NovaFault {
  status: number;
  message: string;
}

/** What nova-compute's FakeDriver.get_volume_connector returns (plus the mountpoint Nova adds). */
export function fakeDriverConnector(device: string): Record<string, unknown> {
  return { ip: '127.0.0.1', initiator: 'fake', host: 'fake-mini', mountpoint: device };
}

/**
 * Nova's translation of a Cinder or Glance failure (translate_volume_exception and friends): NotFound keeps its
 * own message, BadRequest becomes InvalidInput (400), anything else an unexpected API error (500).
 */
export function novaFault(err: unknown, notFound: NovaFault): NovaFault {
  if (!(err instanceof RemoteServiceError)) {
    return { status: 500, message: `Unexpected API Error: ${(err as Error).message}` };
  }
  if (err.status === 404) return notFound;
  if (err.status === 400) return { status: 400, message: `Invalid input received: ${err.message}` };
  if (err.status === 403) return { status: 403, message: err.message };
  const why = err.status === 0 ? err.message : `${err.service} answered HTTP ${err.status}: ${err.message}`;
  return { status: 500, message: `Unexpected API Error. ${why}` };
}

export type Reserved = { ok: true; attachmentId: string } | { ok: false; fault: NovaFault };

/** API side of an attach (and of a boot-from-volume BDM): the volume must exist for the caller, then reserve it. */
export async function reserveVolume(
  remote: RemoteServices,
  ctx: NovaContext,
  volumeId: string,
  serverId: string,
  notFound: NovaFault,
): Promise<Reserved> {
  try {
    await remote.getVolume(ctx, volumeId);
  } catch (err) {
    return { ok: false, fault: novaFault(err, notFound) };
  }
  try {
    const attachment = await remote.attachmentCreate(ctx, volumeId, serverId);
    return { ok: true, attachmentId: attachment.id };
  } catch (err) {
    return { ok: false, fault: novaFault(err, notFound) };
  }
}

/** Compute side: connect the reserved volume and mark the attachment complete; on failure delete it and rethrow. */
export async function connectVolume(
  remote: RemoteServices,
  ctx: NovaContext,
  volumeId: string,
  attachmentId: string,
  device: string,
): Promise<void> {
  try {
    await remote.getVolume(ctx, volumeId, true);
    const updated = await remote.attachmentUpdate(ctx, attachmentId, fakeDriverConnector(device));
    if (!updated.connection_info) throw new Error(`attachment ${attachmentId} came back without connection_info`);
    await remote.attachmentComplete(ctx, attachmentId);
  } catch (err) {
    await remote.attachmentDelete(ctx, attachmentId).catch(() => undefined);
    throw err;
  }
}
