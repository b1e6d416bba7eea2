// Server create when Nova reaches Glance and Cinder over HTTP (nova/compute/api.py _create_instance): the API
// checks imageRef with `image_api.get` (400 when Glance does not show it or it is not active) and looks up and
// reserves the volumes of the block device mappings; nova-compute then spawns: it downloads the image (what the
// libvirt driver's image cache does; Nova's own FakeDriver downloads nothing) and connects the reserved volumes.
import { connectVolume, novaFault, reserveVolume, type NovaFault } from './compute-attach';
import type { ServerCreate } from './compute-requests';
import type { NovaContext, RemoteServices } from './compute-remote-services';

export interface BootPlan {
  imageId: string;
  volumes: { volumeId: string; attachmentId: string; device: string }[];
}

export type Prepared = { ok: true; plan: BootPlan } | { ok: false; fault: NovaFault };

/** Block devices are named in BDM order: the boot volume of a boot-from-volume server is vda. */
export function deviceName(index: number): string {
  return `/dev/vd${String.fromCharCode(97 + index)}`;
}

/** Nova API side: image shown and active, BDM volumes found and reserved (reservations undone on failure). */
export async function prepareBoot(
  remote: RemoteServices,
  ctx: NovaContext,
  serverId: string,
  create: ServerCreate,
): Promise<Prepared> {
  const { imageId } = create;
  if (imageId) {
    const notFound = { status: 400, message: `Image ${imageId} could not be found.` };
    try {
      const image = await remote.getImage(ctx, imageId);
      if (image.status !== 'active')
        return { ok: false, fault: { status: 400, message: `Image ${imageId} is not active.` } };
    } catch (err) {
      const fault = novaFault(err, notFound);
      return { ok: false, fault: fault.status === 403 ? notFound : fault };
    }
  }
  const firstDevice = imageId ? 1 : 0;
  const volumes: BootPlan['volumes'] = [];
  for (const [i, volumeId] of create.volumeIds.entries()) {
    const notFound = { status: 400, message: `Block Device Mapping is Invalid: failed to get volume ${volumeId}.` };
    const reserved = await reserveVolume(remote, ctx, volumeId, serverId, notFound);
    if (!reserved.ok) {
      await Promise.all(volumes.map((v) => remote.attachmentDelete(ctx, v.attachmentId).catch(() => undefined)));
      return { ok: false, fault: reserved.fault.status === 404 ? notFound : reserved.fault };
    }
    volumes.push({ volumeId, attachmentId: reserved.attachmentId, device: deviceName(firstDevice + i) });
  }
  return { ok: true, plan: { imageId, volumes } };
}

/** nova-compute side: fetch the image, connect the volumes; throws what made the build fail. */
export async function spawn(remote: RemoteServices, ctx: NovaContext, plan: BootPlan): Promise<void> {
  if (plan.imageId) await remote.downloadImage(ctx, plan.imageId);
  for (const v of plan.volumes) await connectVolume(remote, ctx, v.volumeId, v.attachmentId, v.device);
}
