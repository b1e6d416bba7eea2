// Cinder request details kept out of fake-volume.ts: microversion negotiation and `POST /volumes/{id}/action`.
import type { NextFunction, Request, Response } from 'express';
import type { FakeVolume } from './fake-volume';
import { CINDER_MAX_VERSION } from './volume-render';
import type { VolumeRec } from './volume-render';
import { headerValue, sendFault } from './sim-http';

/** `OpenStack-API-Version: volume 3.44` -> [3, 44]; absent -> 3.0; `latest` -> max; undefined when unsupported. */
export function parseMicroversion(header: string | undefined): [number, number] | undefined {
  const max = CINDER_MAX_VERSION.split('.').map(Number) as [number, number];
  const m = /(?:^|,)\s*volume\s+([^,\s]+)/i.exec(header ?? '');
  if (!m?.[1]) return [3, 0];
  if (m[1] === 'latest') return max;
  const v = /^(\d+)\.(\d+)$/.exec(m[1]);
  if (!v) return undefined;
  const parsed: [number, number] = [Number(v[1]), Number(v[2])];
  return parsed[0] === 3 && parsed[1] <= max[1] ? parsed : undefined;
}

/** Negotiated minor version of this request (3.x -> x). */
export function microversionOf(res: Response): number {
  return (res.locals.microversion as number | undefined) ?? 0;
}

/** Sets res.locals.microversion and the response headers, or answers 406 like Cinder. */
export function negotiateMicroversion(req: Request, res: Response, next: NextFunction): void {
  const asked = headerValue(req, 'openstack-api-version');
  const mv = parseMicroversion(asked);
  if (!mv) {
    const max = CINDER_MAX_VERSION;
    return sendFault(
      res,
      406,
      `Version ${asked ?? ''} is not supported by the API. Minimum is 3.0 and maximum is ${max}.`,
    );
  }
  res.locals.microversion = mv[1];
  res.setHeader('OpenStack-API-Version', `volume ${mv[0]}.${mv[1]}`);
  res.setHeader('Vary', 'OpenStack-API-Version');
  next();
}

export function volumeAction(fake: FakeVolume, v: VolumeRec, rawBody: unknown, res: Response): void {
  const body = (rawBody ?? {}) as Record<string, unknown>;
  const name = Object.keys(body)[0] ?? '';
  const arg = (body[name] ?? {}) as Record<string, unknown>;
  switch (name) {
    case 'os-extend': {
      const size = Number(arg.new_size);
      if (!Number.isInteger(size) || size <= v.size) {
        const msg = `New size for extend must be greater than current size. (current: ${v.size}, extended: ${String(arg.new_size)}).`;
        return sendFault(res, 400, `Invalid input received: ${msg}`);
      }
      v.size = size;
      v.updatedAt = fake.now();
      return void res.status(202).end();
    }
    case 'os-set_bootable':
      v.bootable = arg.bootable === true || arg.bootable === 'true';
      return void res.status(200).end();
    case 'os-attach':
      fake.attachLegacy(v.projectId, v.id, String(arg.instance_uuid ?? ''));
      return void res.status(202).end();
    case 'os-detach':
      v.attachments = arg.attachment_id === undefined ? [] : v.attachments.filter((a) => a.id !== arg.attachment_id);
      if (v.attachments.length === 0) v.status = 'available';
      return void res.status(202).end();
    default:
      return sendFault(res, 400, `There is no such action: ${name}`);
  }
}
