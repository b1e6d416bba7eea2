// Cinder attachments API (new-style attach flow Nova uses): POST /attachments (3.27: reserve, volume
// "reserved"), PUT /attachments/{id} with a connector (volume "attaching", connection_info returned),
// POST /attachments/{id}/action {"os-complete": null} (3.44: volume "in-use"), DELETE (remaining attachments).
// Below the required microversion the routes do not exist (404), as in Cinder.
import type { NextFunction, Request, Response, Router } from 'express';
import type { FakeVolume } from './fake-volume';
import { microversionOf } from './volume-actions';
import { renderAttachment } from './volume-render';
import type { VolumeAttachmentRec, VolumeRec } from './volume-render';
import { bump, isUuid, newUuid, projectOf, sendFault } from './sim-http';

function atLeast(minor: number) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (microversionOf(res) < minor) return sendFault(res, 404, 'The resource could not be found.');
    next();
  };
}

export function installAttachments(p: Router, fake: FakeVolume): void {
  const lookup = (req: Request, res: Response): { v: VolumeRec; a: VolumeAttachmentRec } | undefined => {
    for (const v of fake.volumes.values()) {
      if (v.projectId !== projectOf(res)) continue;
      const a = v.attachments.find((x) => x.id === req.params.id);
      if (a) return { v, a };
    }
    sendFault(res, 404, `Volume attachment could not be found with filter: attachment_id = ${req.params.id}.`);
    return undefined;
  };
  p.get('/attachments', atLeast(27), (_req, res) => {
    const all = [...fake.volumes.values()].filter((v) => v.projectId === projectOf(res)).flatMap((v) => v.attachments);
    res.json({
      attachments: all.map((a) => ({ id: a.id, status: a.status, instance: a.serverId, volume_id: a.volumeId })),
    });
  });
  p.get('/attachments/:id', atLeast(27), (req, res) => {
    const found = lookup(req, res);
    if (found) res.json({ attachment: renderAttachment(found.a) });
  });
  p.post('/attachments', atLeast(27), (req, res) => {
    const body = (req.body as { attachment?: Record<string, unknown> } | undefined)?.attachment;
    if (!body || !isUuid(body.volume_uuid)) {
      return sendFault(
        res,
        400,
        `Invalid input for field/attribute volume_uuid. Value: ${String(body?.volume_uuid)}. '${String(body?.volume_uuid)}' is not a 'uuid'`,
      );
    }
    const v = fake.find(req, res, body.volume_uuid);
    if (!v) return;
    if (v.status !== 'available' && v.status !== 'in-use') {
      return sendFault(
        res,
        400,
        `Invalid volume: Volume ${v.id} status must be available or in-use, but current status is: ${v.status}.`,
      );
    }
    const connector =
      body.connector && typeof body.connector === 'object' ? (body.connector as Record<string, unknown>) : null;
    const a: VolumeAttachmentRec = {
      id: newUuid(),
      volumeId: v.id,
      serverId: String(body.instance_uuid ?? ''),
      device: null,
      status: connector ? 'attaching' : 'reserved',
      attachedAt: null,
      connector,
    };
    v.attachments.push(a);
    if (v.status === 'available') v.status = connector ? 'attaching' : 'reserved';
    bump(fake.stats, 'attachments');
    res.json({ attachment: renderAttachment(a) });
  });
  p.put('/attachments/:id', atLeast(27), (req, res) => {
    const found = lookup(req, res);
    if (!found) return;
    const connector = (req.body as { attachment?: { connector?: unknown } } | undefined)?.attachment?.connector;
    if (!connector || typeof connector !== 'object')
      return sendFault(res, 400, "Invalid input for field/attribute connector. 'connector' is a required property");
    found.a.connector = connector as Record<string, unknown>;
    found.a.status = 'attaching';
    if (found.v.status !== 'in-use') found.v.status = 'attaching';
    res.json({ attachment: renderAttachment(found.a) });
  });
  p.post('/attachments/:id/action', atLeast(44), (req, res) => {
    const found = lookup(req, res);
    if (!found) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!('os-complete' in body)) return sendFault(res, 400, `There is no such action: ${Object.keys(body)[0] ?? ''}`);
    found.a.status = 'attached';
    found.a.attachedAt = fake.now();
    found.a.device = found.a.device ?? '/dev/vdb';
    found.v.status = 'in-use';
    res.status(204).end();
  });
  p.delete('/attachments/:id', atLeast(27), (req, res) => {
    const found = lookup(req, res);
    if (!found) return;
    found.v.attachments = found.v.attachments.filter((x) => x.id !== found.a.id);
    if (!found.v.attachments.some((x) => x.status === 'attached'))
      found.v.status = found.v.attachments.length ? 'reserved' : 'available';
    res.json({
      attachments: found.v.attachments.map((x) => ({
        id: x.id,
        status: x.status,
        instance: x.serverId,
        volume_id: x.volumeId,
      })),
    });
  });
}
