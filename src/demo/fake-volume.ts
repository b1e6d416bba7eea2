// Simulated Cinder v3 (devstack `/volume/v3/{project_id}/...`). Mount `router` at the volume root.
// Checked against the block-storage api-ref (versions, volumes, volume actions, snapshots, types,
// availability zones, attachments) and cinder/api/openstack/wsgi.py (a project id in the URL that is not the
// token's project is a 400 "Malformed request url"; microversions via `OpenStack-API-Version: volume 3.x`).
import { CINDER_QUOTA_DEFAULTS, renderCinderLimits, renderQuotaSet, type QuotaLimits } from './fake-quotas';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { installAttachments } from './volume-attachments';
import { negotiateMicroversion, volumeAction } from './volume-actions';
import { installSnapshots } from './volume-snapshots';
import { detailVolume, briefVolume, VOLUME_TYPES, versionsDocument, writtenVolume } from './volume-render';
import type { SnapshotRec, VolumeRec } from './volume-render';
import {
  bodyErrors,
  bump,
  firstQuery,
  newUuid,
  parseBodies,
  projectOf,
  recordRequests,
  requestIdHeader,
  RequestLog,
  requireToken,
  sendFault,
  userOf,
} from './sim-http';
import type { Stats, TokenLookup } from './sim-http';
import { listPage } from './volume-listing';

export interface FakeVolumeOptions {
  /** Service root, e.g. `http://127.0.0.1:5000/volume`. */
  baseUrl: string;
  auth: TokenLookup;
  zone?: string;
  clock?: () => number;
}

export interface VolumeSeed {
  name: string;
  size: number;
  createdAt: number;
  bootable?: boolean;
}

/** cinder/api/openstack/wsgi.py: a project id in the URL that is not the token's is a malformed URL. */
function sameProject(req: Request, res: Response, next: NextFunction): void {
  if (req.params.project_id !== projectOf(res)) return sendFault(res, 400, 'Malformed request url');
  next();
}

const DELETE_REFUSED =
  'Invalid volume: Volume status must be available or error or error_restoring or error_extending or ' +
  'error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, ' +
  'or be disassociated from snapshots after volume transfer.';

export class FakeVolume {
  readonly requests = new RequestLog();
  readonly stats: Stats = { list: 0, created: 0, deleted: 0, actions: 0, attachments: 0 };
  readonly volumes = new Map<string, VolumeRec>();
  readonly snapshots = new Map<string, SnapshotRec>();
  /** This Cinder's quota for every project (os-quota-sets names); tests may change it. */
  readonly quota: QuotaLimits = { ...CINDER_QUOTA_DEFAULTS };
  readonly router: Router = express.Router();
  readonly now: () => number;

  constructor(readonly options: FakeVolumeOptions) {
    this.now = options.clock ?? Date.now;
    const root = options.baseUrl;
    const r = this.router;
    r.use(requestIdHeader(), ...parseBodies(), recordRequests(this.requests));
    r.get('/', (_req, res) => void res.status(300).json(versionsDocument(root)));
    r.get(['/v3', '/v3/'], (_req, res) => void res.json(versionsDocument(root)));
    const p = express.Router({ mergeParams: true });
    r.use('/v3/:project_id', requireToken(options.auth), sameProject, negotiateMicroversion, p);
    p.get(['/volumes', '/volumes/detail'], (req, res) => {
      bump(this.stats, 'list');
      const detail = req.path.endsWith('/detail');
      const name = firstQuery(req.query.name);
      const status = firstQuery(req.query.status);
      const mine = [...this.volumes.values()].filter(
        (v) =>
          v.projectId === projectOf(res) &&
          (name === undefined || v.name === name) &&
          (status === undefined || v.status === status),
      );
      const page = listPage(req, mine, `${root}/v3/${projectOf(res)}/volumes${detail ? '/detail' : ''}`);
      if (!page.ok) return sendFault(res, page.status, page.message);
      const body: Record<string, unknown> = {
        volumes: page.items.map((v) => (detail ? detailVolume(root, v) : briefVolume(root, v))),
      };
      if (page.next) body.volumes_links = [{ href: page.next, rel: 'next' }];
      res.json(body);
    });
    p.post('/volumes', (req, res) => this.create(req, res));
    p.get('/volumes/:id', (req, res) => {
      const v = this.find(req, res);
      if (v) res.json({ volume: detailVolume(root, v) });
    });
    p.put('/volumes/:id', (req, res) => {
      const v = this.find(req, res);
      if (!v) return;
      const upd = (req.body as { volume?: Record<string, unknown> } | undefined)?.volume;
      if (!upd)
        return sendFault(
          res,
          400,
          "Invalid input for field/attribute volume. Value: None. 'volume' is a required property",
        );
      if (typeof upd.name === 'string') v.name = upd.name;
      if (typeof upd.description === 'string') v.description = upd.description;
      if (upd.metadata && typeof upd.metadata === 'object')
        v.metadata = { ...(upd.metadata as Record<string, string>) };
      v.updatedAt = this.now();
      res.json({ volume: writtenVolume(root, v) });
    });
    p.delete('/volumes/:id', (req, res) => {
      const v = this.find(req, res);
      if (!v) return;
      const hasSnapshots = [...this.snapshots.values()].some((s) => s.volumeId === v.id);
      if (v.status !== 'available' && v.status !== 'error') return sendFault(res, 400, DELETE_REFUSED);
      if (hasSnapshots) return sendFault(res, 400, DELETE_REFUSED);
      this.volumes.delete(v.id);
      bump(this.stats, 'deleted');
      res.status(202).end();
    });
    p.post('/volumes/:id/action', (req, res) => {
      const v = this.find(req, res);
      if (!v) return;
      bump(this.stats, 'actions');
      volumeAction(this, v, req.body, res);
    });
    installSnapshots(p, this);
    installAttachments(p, this);
    p.get('/types', (_req, res) => void res.json({ volume_types: VOLUME_TYPES }));
    p.get('/limits', (_req, res) => void res.json(renderCinderLimits(this.quota, this.used(projectOf(res)))));
    p.get('/os-quota-sets/:target', (req, res) => {
      // A project reader sees its own project's quota only (Cinder's volume_extension:quotas:show).
      if (req.params.target !== projectOf(res)) {
        return sendFault(res, 403, 'Policy does not allow volume_extension:quotas:show to be performed.');
      }
      const usage = String(req.query.usage ?? '').toLowerCase() === 'true';
      res.json(renderQuotaSet(req.params.target, this.quota, usage ? this.used(projectOf(res)) : undefined));
    });
    p.get('/os-availability-zone', (_req, res) => {
      res.json({ availabilityZoneInfo: [{ zoneName: this.zone, zoneState: { available: true } }] });
    });
    r.use((_req: Request, res: Response) => sendFault(res, 404, 'The resource could not be found.'));
    r.use(bodyErrors(sendFault));
  }

  get zone(): string {
    return this.options.zone ?? 'nova';
  }

  seed(projectId: string, userId: string, seeds: VolumeSeed[]): VolumeRec[] {
    return seeds.map((s) => this.add(projectId, userId, s.name, s.size, s.createdAt, s.bootable ?? false));
  }

  add(projectId: string, userId: string, name: string | null, size: number, at: number, bootable = false): VolumeRec {
    const v: VolumeRec = {
      id: newUuid(),
      projectId,
      userId,
      name,
      description: null,
      size,
      status: 'available',
      zone: this.zone,
      volumeType: 'lvmdriver-1',
      bootable,
      createdAt: at,
      updatedAt: at,
      metadata: {},
      attachments: [],
    };
    this.volumes.set(v.id, v);
    return v;
  }

  /** The volume in the caller's project, or a 404 already sent. */
  /** What a project holds here, in Cinder's quota names. */
  used(projectId: string): { volumes: number; gigabytes: number; snapshots: number } {
    const vols = [...this.volumes.values()].filter((v) => v.projectId === projectId);
    const snaps = [...this.snapshots.values()].filter((x) => vols.some((v) => v.id === x.volumeId));
    return { volumes: vols.length, gigabytes: vols.reduce((n, v) => n + v.size, 0), snapshots: snaps.length };
  }

  find(req: Request, res: Response, id = String(req.params.id)): VolumeRec | undefined {
    const v = this.volumes.get(id);
    if (v && v.projectId === projectOf(res)) return v;
    sendFault(res, 404, `Volume ${id} could not be found.`);
    return undefined;
  }

  /** Legacy attach as Nova does it (os-attach through the compute fake). */
  attachLegacy(projectId: string, volumeId: string, serverId: string): void {
    const v = this.volumes.get(volumeId);
    if (!v || v.projectId !== projectId) return;
    const device = `/dev/vd${String.fromCharCode(98 + v.attachments.length)}`;
    v.attachments.push({
      id: newUuid(),
      volumeId,
      serverId,
      device,
      status: 'attached',
      attachedAt: this.now(),
      connector: null,
    });
    v.status = 'in-use';
  }

  private create(req: Request, res: Response): void {
    const body = (req.body as { volume?: Record<string, unknown> } | undefined)?.volume;
    if (!body)
      return sendFault(
        res,
        400,
        "Invalid input for field/attribute volume. Value: None. 'volume' is a required property",
      );
    const size = Number(body.size);
    if (!Number.isInteger(size) || size < 1)
      return sendFault(
        res,
        400,
        `Invalid input for field/attribute size. Value: ${String(body.size)}. ${String(body.size)} is less than the minimum of 1`,
      );
    const zone = body.availability_zone;
    if (zone !== undefined && zone !== null && zone !== this.zone)
      return sendFault(res, 400, `Invalid input received: Availability zone '${String(zone)}' is invalid.`);
    const v = this.add(
      projectOf(res),
      userOf(res),
      typeof body.name === 'string' ? body.name : null,
      size,
      this.now(),
      typeof body.imageRef === 'string',
    );
    if (typeof body.description === 'string') v.description = body.description;
    if (body.metadata && typeof body.metadata === 'object')
      v.metadata = { ...(body.metadata as Record<string, string>) };
    bump(this.stats, 'created');
    res.status(202).json({ volume: { ...writtenVolume(this.options.baseUrl, v), status: 'creating' } });
  }
}
