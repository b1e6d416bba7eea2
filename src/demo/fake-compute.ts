// Simulated Nova v2.1 (devstack `/compute/v2.1/...`, no project id in paths). Mount `router` at the compute root.
// Checked against the compute api-ref (servers list/detail/create/show/delete, os-volume_attachments, flavors,
// os-availability-zone, limits) and Nova's JSON schemas for the 400 messages. By default images and volumes are
// checked in-process at the provider's own fakes; with service endpoints set (`services` option or
// setServiceEndpoints) the fake reaches Glance and Cinder over HTTP as a real Nova does (compute-remote-services.ts),
// which is how a home Nova behind the proxy uses a volume or image of another provider.
import express from 'express';
import type { Request, Response, Router } from 'express';
import {
  FLAVORS,
  briefServer,
  detailServer,
  renderFlavor,
  renderLimits,
  versionDocument,
  versionsDocument,
} from './compute-render';
import { requestedVersion, versionString } from './compute-microversion';
import type { ServerRec, ServerVolume } from './compute-render';
import type { NovaContext, ServiceEndpoints } from './compute-remote-services';
import { ComputeWorker } from './compute-worker';
import { NOVA_QUOTA_DEFAULTS, renderQuotaSet, type QuotaLimits } from './fake-quotas';
import { CLIENT_SORT_KEYS, SORT_FIELDS, checkAttach, checkServerCreate, nameFilter } from './compute-requests';
import {
  allQuery,
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
import { nextQuery, pageAfter, parseLimit, sortBy, sortSpec } from './sim-paging';

export interface FakeComputeOptions {
  /** Service root, e.g. `http://127.0.0.1:5000/compute`. */
  baseUrl: string;
  auth: TokenLookup;
  zone?: string;
  clock?: () => number;
  /** Image visibility check (Nova asks Glance); absent = every UUID is an image. */
  images?: { visible(id: string, projectId: string): boolean };
  /** Volume lookups for attach (Nova asks Cinder). */
  volumes?: {
    exists(projectId: string, id: string): boolean;
    attach?(projectId: string, volumeId: string, serverId: string): void;
  };
  /** Reach Cinder and Glance over HTTP at these endpoints instead of `images`/`volumes` (see header). */
  services?: ServiceEndpoints;
}

export interface ServerSeed {
  name: string;
  createdAt: number;
  imageId?: string;
  flavorId?: string;
}

export class FakeCompute {
  readonly requests = new RequestLog();
  readonly stats: Stats = { list: 0, created: 0, deleted: 0, attached: 0 };
  readonly servers = new Map<string, ServerRec>();
  /** This Nova's quota for every project (os-quota-sets names); tests may change it. */
  readonly quota: QuotaLimits = { ...NOVA_QUOTA_DEFAULTS };
  readonly router: Router = express.Router();
  /** The HTTP mode's Cinder/Glance calls and background work (events: what finished, in order). */
  readonly worker: ComputeWorker;
  private readonly now: () => number;

  constructor(readonly options: FakeComputeOptions) {
    this.now = options.clock ?? Date.now;
    this.worker = new ComputeWorker(this.now);
    this.worker.setEndpoints(options.services);
    const r = this.router;
    const root = options.baseUrl;
    r.use(requestIdHeader(), ...parseBodies(), recordRequests(this.requests), (req, res, next) => {
      const version = versionString(requestedVersion(req));
      res.setHeader('OpenStack-API-Version', `compute ${version}`);
      res.setHeader('X-OpenStack-Nova-API-Version', version);
      res.setHeader('Vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version');
      next();
    });
    r.get('/', (_req, res) => void res.json(versionsDocument(root)));
    r.get(['/v2.1', '/v2.1/'], (_req, res) => void res.json(versionDocument(root)));
    r.use('/v2.1', requireToken(options.auth));
    r.get('/v2.1/servers', (req, res) => this.list(req, res, false));
    r.get('/v2.1/servers/detail', (req, res) => this.list(req, res, true));
    r.post('/v2.1/servers', (req, res) => this.create(req, res));
    r.get('/v2.1/servers/:id', (req, res) => {
      const s = this.find(req, res);
      if (s) res.json({ server: detailServer(root, s, requestedVersion(req)) });
    });
    r.delete('/v2.1/servers/:id', (req, res) => {
      const s = this.find(req, res);
      if (!s) return;
      this.servers.delete(s.id);
      if (this.worker.active) this.worker.release(novaContext(req, res), s);
      bump(this.stats, 'deleted');
      res.status(204).end();
    });
    r.get('/v2.1/servers/:id/os-volume_attachments', (req, res) => {
      const s = this.find(req, res);
      if (s) res.json({ volumeAttachments: s.volumes.map((v) => this.attachment(s, v)) });
    });
    r.post('/v2.1/servers/:id/os-volume_attachments', (req, res) => this.attach(req, res));
    r.get(['/v2.1/flavors', '/v2.1/flavors/detail'], (req, res) => {
      const detail = req.path.endsWith('/detail');
      res.json({ flavors: FLAVORS.map((f) => renderFlavor(root, f, detail)) });
    });
    r.get('/v2.1/flavors/:id', (req, res) => {
      const f = FLAVORS.find((x) => x.id === req.params.id);
      if (!f) return sendFault(res, 404, `Flavor ${req.params.id} could not be found.`);
      res.json({ flavor: renderFlavor(root, f, true) });
    });
    r.get('/v2.1/os-availability-zone', (_req, res) => {
      res.json({ availabilityZoneInfo: [{ zoneName: this.zone, zoneState: { available: true }, hosts: null }] });
    });
    r.get('/v2.1/limits', (_req, res) => {
      res.json(
        renderLimits(
          [...this.servers.values()].filter((s) => s.projectId === projectOf(res)),
          this.quota,
        ),
      );
    });
    r.get(['/v2.1/os-quota-sets/:project', '/v2.1/os-quota-sets/:project/detail'], (req, res) => {
      // A project reader sees its own project's quota only (Nova's os_compute_api:os-quota-sets:show).
      if (req.params.project !== projectOf(res)) {
        return sendFault(res, 403, "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
      }
      const mine = [...this.servers.values()].filter((s) => s.projectId === projectOf(res));
      const flavors = mine.map((s) => FLAVORS.find((f) => f.id === s.flavorId));
      const inUse = {
        instances: mine.length,
        cores: flavors.reduce((n, f) => n + (f?.vcpus ?? 0), 0),
        ram: flavors.reduce((n, f) => n + (f?.ram ?? 0), 0),
      };
      res.json(renderQuotaSet(req.params.project, this.quota, req.path.endsWith('/detail') ? inUse : undefined));
    });
    r.use((_req: Request, res: Response) => sendFault(res, 404, 'The resource could not be found.'));
    r.use(bodyErrors(sendFault));
  }

  /**
   * Point this Nova's `[cinder] endpoint_template` and `[glance] api_servers` somewhere (e.g. the proxy, once its
   * port is known: `proxyServiceEndpoints(url)`); `undefined` goes back to in-process checks.
   */
  setServiceEndpoints(endpoints: ServiceEndpoints | undefined): void {
    this.worker.setEndpoints(endpoints);
  }

  /** Resolves once the background work (spawns, volume connects) has finished. */
  idle(): Promise<void> {
    return this.worker.idle();
  }

  get zone(): string {
    return this.options.zone ?? 'nova';
  }

  seed(projectId: string, userId: string, seeds: ServerSeed[]): ServerRec[] {
    return seeds.map((s) =>
      this.add(projectId, userId, s.name, s.imageId ?? '', s.flavorId ?? '1', this.zone, s.createdAt),
    );
  }

  private add(p: string, u: string, name: string, image: string, flavor: string, zone: string, at: number): ServerRec {
    const ids = { id: newUuid(), projectId: p, userId: u, imageId: image, flavorId: flavor };
    const rec: ServerRec = {
      ...ids,
      name,
      zone,
      status: 'ACTIVE',
      createdAt: at,
      updatedAt: at,
      metadata: {},
      volumes: [],
    };
    this.servers.set(rec.id, rec);
    return rec;
  }

  private imageCheck(projectId: string): ((id: string) => boolean) | undefined {
    const images = this.options.images;
    return images ? (id) => images.visible(id, projectId) : undefined;
  }

  private find(req: Request, res: Response): ServerRec | undefined {
    const id = String(req.params.id);
    const s = this.servers.get(id);
    if (s && s.projectId === projectOf(res)) return s;
    sendFault(res, 404, `Instance ${id} could not be found.`);
    return undefined;
  }

  private list(req: Request, res: Response, detail: boolean): void {
    bump(this.stats, 'list');
    const q = req.query as Record<string, unknown>;
    const spec = sortSpec(allQuery(q.sort_key), allQuery(q.sort_dir), CLIENT_SORT_KEYS);
    if (!spec.ok) return sendFault(res, 400, spec.message);
    const since = firstQuery(q['changes-since']);
    // Nova's schema: changes-since is an ISO 8601 date-time.
    if (since !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(Date.parse(since)))) {
      return sendFault(
        res,
        400,
        'Invalid input for query parameters changes-since. Value: ' +
          since.slice(0, 40) +
          ". 'changes-since' is not a 'date-time'",
      );
    }
    const limit = parseLimit(firstQuery(q.limit), 1000);
    if (!limit.ok) return sendFault(res, 400, limit.message);
    const name = nameFilter(firstQuery(q.name));
    const status = firstQuery(q.status)?.toUpperCase();
    const mine = [...this.servers.values()].filter(
      (s) => s.projectId === projectOf(res) && name(s.name) && (status === undefined || s.status === status),
    );
    const sorted = sortBy(mine, spec.keys, (s, key) => SORT_FIELDS[key]?.(s));
    const marker = firstQuery(q.marker);
    const page = pageAfter(sorted, marker, limit.limit);
    if (!page.ok) return sendFault(res, 400, `marker [${marker}] not found`);
    const root = this.options.baseUrl;
    const body: Record<string, unknown> = {
      servers: page.items.map((s) => (detail ? detailServer(root, s, requestedVersion(req)) : briefServer(root, s))),
    };
    const last = page.items.at(-1);
    if (page.full && last) {
      const href = `${root}/v2.1/servers${detail ? '/detail' : ''}?${nextQuery(q, last.id)}`;
      body.servers_links = [{ rel: 'next', href }];
    }
    res.json(body);
  }

  private async create(req: Request, res: Response): Promise<void> {
    const remote = this.worker.active;
    const checked = checkServerCreate(req.body, this.zone, remote ? undefined : this.imageCheck(projectOf(res)));
    if (!checked.ok) return sendFault(res, 400, checked.message);
    const c = checked.value;
    const rec = this.add(projectOf(res), userOf(res), c.name, c.imageId, c.flavorId, c.zone, this.now());
    rec.metadata = c.metadata;
    if ((req.body as { server?: { networks?: unknown } }).server?.networks === 'none') rec.noNetworks = true;
    const fault = remote ? await this.worker.create(novaContext(req, res), rec, c) : undefined;
    if (fault) {
      this.servers.delete(rec.id);
      return sendFault(res, fault.status, fault.message);
    }
    bump(this.stats, 'created');
    const root = this.options.baseUrl;
    res.setHeader('Location', `${root}/v2.1/servers/${rec.id}`);
    const links = briefServer(root, rec).links;
    const security_groups = [{ name: 'default' }];
    const server = { id: rec.id, links, 'OS-DCF:diskConfig': 'MANUAL', security_groups, adminPass: 'Fake-Admin-Pass' };
    res.status(202).json({ server });
  }

  private attachment(s: ServerRec, v: ServerVolume): Record<string, unknown> {
    return { device: v.device, id: v.id, serverId: s.id, volumeId: v.id };
  }

  private async attach(req: Request, res: Response): Promise<void> {
    const s = this.find(req, res);
    if (!s) return;
    const checked = checkAttach(req.body);
    if (!checked.ok) return sendFault(res, 400, checked.message);
    const volumeId = checked.value;
    const vols = this.worker.active ? undefined : this.options.volumes;
    if (vols && !vols.exists(s.projectId, volumeId))
      return sendFault(res, 404, `Volume ${volumeId} could not be found.`);
    if (s.volumes.some((v) => v.id === volumeId))
      return sendFault(res, 400, `Invalid volume: volume ${volumeId} already attached`);
    const entry: ServerVolume = { id: volumeId, device: `/dev/vd${String.fromCharCode(98 + s.volumes.length)}` };
    const fault = this.worker.active ? await this.worker.attach(novaContext(req, res), s, entry) : undefined;
    if (fault) return sendFault(res, fault.status, fault.message);
    vols?.attach?.(s.projectId, volumeId, s.id);
    s.volumes.push(entry);
    bump(this.stats, 'attached');
    res.json({ volumeAttachment: this.attachment(s, entry) });
  }
}

/** The caller as Nova passes it on to Cinder and Glance: its token, project and request id. */
function novaContext(req: Request, res: Response): NovaContext {
  const token = req.headers['x-auth-token'];
  return {
    token: (Array.isArray(token) ? token[0] : token) ?? '',
    projectId: projectOf(res),
    requestId: String(res.getHeader('x-openstack-request-id') ?? ''),
  };
}
