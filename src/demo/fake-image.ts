// Simulated Glance v2 (devstack `/image/v2/...`). Mount `router` at the image root. Checked against the image
// api-ref and glance/api/v2/images.py: default page size 25 (limit_param_default), max 1000, sort by
// created_at desc then id, `first`/`next`/`schema` links relative to the API root, 201 on create with a
// Location, 204 on data upload, Content-MD5 on download, webob text/HTML error bodies.
import { createHash } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import {
  CONTAINER_FORMATS,
  CORE_PROPERTIES,
  DISK_FORMATS,
  SORT_FIELDS,
  renderImage,
  sendGlanceError,
  versionsDocument,
} from './image-render';
import type { ImageRec } from './image-render';
import {
  allQuery,
  bump,
  firstQuery,
  headerValue,
  isUuid,
  newUuid,
  parseBodies,
  projectOf,
  recordRequests,
  requestIdHeader,
  RequestLog,
  requireToken,
} from './sim-http';
import type { Stats, TokenLookup } from './sim-http';
import { pageAfter, parseLimit, parseSortParam, sortBy, sortSpec } from './sim-paging';

export interface FakeImageOptions {
  /** Service root, e.g. `http://127.0.0.1:5000/image`. */
  baseUrl: string;
  auth: TokenLookup;
  clock?: () => number;
}

export interface ImageSeed {
  name: string;
  createdAt: number;
  visibility?: ImageRec['visibility'];
  data?: Buffer;
}

export class FakeImage {
  readonly requests = new RequestLog();
  readonly stats: Stats = { list: 0, created: 0, deleted: 0, uploads: 0, downloads: 0 };
  readonly images = new Map<string, ImageRec>();
  readonly router: Router = express.Router();
  private readonly now: () => number;

  constructor(readonly options: FakeImageOptions) {
    this.now = options.clock ?? Date.now;
    const r = this.router;
    r.use(requestIdHeader(), ...parseBodies(), recordRequests(this.requests));
    r.get(
      ['/', '/versions'],
      (req, res) => void res.status(req.path === '/' ? 300 : 200).json(versionsDocument(options.baseUrl)),
    );
    r.use('/v2', requireToken(options.auth));
    r.get('/v2/images', (req, res) => this.list(req, res));
    r.post('/v2/images', (req, res) => this.create(req, res));
    r.get('/v2/images/:id', (req, res) => {
      const i = this.find(req, res);
      if (i) res.json(renderImage(i));
    });
    r.delete('/v2/images/:id', (req, res) => {
      const i = this.find(req, res);
      if (!i) return;
      if (i.owner !== projectOf(res))
        return sendGlanceError(req, res, 403, `You are not permitted to delete this image.`);
      if (i.protected) return sendGlanceError(req, res, 403, `Image ${i.id} is protected and cannot be deleted.`);
      this.images.delete(i.id);
      bump(this.stats, 'deleted');
      res.status(204).end();
    });
    r.put('/v2/images/:id/file', (req, res) => this.upload(req, res));
    r.get('/v2/images/:id/file', (req, res) => {
      const i = this.find(req, res);
      if (!i) return;
      bump(this.stats, 'downloads');
      if (!i.data || i.status !== 'active') return void res.status(204).end();
      res.setHeader('Content-Type', 'application/octet-stream');
      if (i.checksum) res.setHeader('Content-MD5', i.checksum);
      res.setHeader('Content-Length', String(i.data.length));
      res.end(i.data);
    });
    r.use((req: Request, res: Response) => sendGlanceError(req, res, 404, 'The resource could not be found.'));
    r.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
      const status = (err as { status?: number }).status === 400 ? 400 : 500;
      sendGlanceError(req, res, status, status === 400 ? 'Malformed JSON in request body.' : 'Internal Server Error');
    });
  }

  seed(owner: string, seeds: ImageSeed[]): ImageRec[] {
    return seeds.map((s) => {
      const i = this.add(owner, s.name, s.visibility ?? 'private', s.createdAt);
      Object.assign(i, { diskFormat: 'qcow2', containerFormat: 'bare' });
      if (s.data) this.store(i, s.data);
      return i;
    });
  }

  /** Whether `id` is visible to `projectId` (Nova's image check). */
  visible(id: string, projectId?: string): boolean {
    const i = this.images.get(id);
    return i !== undefined && (i.visibility === 'public' || i.visibility === 'community' || i.owner === projectId);
  }

  private add(
    owner: string,
    name: string | null,
    visibility: ImageRec['visibility'],
    at: number,
    id = newUuid(),
  ): ImageRec {
    const i: ImageRec = {
      id,
      name,
      owner,
      visibility,
      status: 'queued',
      diskFormat: null,
      containerFormat: null,
      minDisk: 0,
      minRam: 0,
      protected: false,
      tags: [],
      createdAt: at,
      updatedAt: at,
      checksum: null,
      sha512: null,
      extra: {},
    };
    this.images.set(i.id, i);
    return i;
  }

  private store(i: ImageRec, data: Buffer): void {
    i.data = data;
    i.checksum = createHash('md5').update(data).digest('hex');
    i.sha512 = createHash('sha512').update(data).digest('hex');
    i.status = 'active';
    i.updatedAt = this.now();
  }

  private find(req: Request, res: Response): ImageRec | undefined {
    const id = String(req.params.id);
    if (this.visible(id, projectOf(res))) return this.images.get(id);
    sendGlanceError(req, res, 404, `No image found with ID ${id}`);
    return undefined;
  }

  private list(req: Request, res: Response): void {
    bump(this.stats, 'list');
    const q = req.query as Record<string, unknown>;
    const sort = firstQuery(q.sort);
    // glance/api/v2/images.py: `sort` cannot be mixed with sort_key/sort_dir; enum filters are validated.
    if (sort !== undefined && (q.sort_key !== undefined || q.sort_dir !== undefined)) {
      return sendGlanceError(req, res, 400, 'The "sort" parameter cannot be used with "sort_key" or "sort_dir".');
    }
    const vis = firstQuery(q.visibility);
    if (vis !== undefined && !['public', 'private', 'shared', 'community', 'all'].includes(vis)) {
      return sendGlanceError(req, res, 400, `Invalid visibility value: ${vis}`);
    }
    const ms = firstQuery(q.member_status);
    if (ms !== undefined && !['accepted', 'pending', 'rejected', 'all'].includes(ms)) {
      return sendGlanceError(req, res, 400, `Invalid status value: ${ms}`);
    }
    const { keys, dirs } =
      sort !== undefined ? parseSortParam(sort) : { keys: allQuery(q.sort_key), dirs: allQuery(q.sort_dir) };
    const spec = sortSpec(keys, dirs, Object.keys(SORT_FIELDS));
    if (!spec.ok) return sendGlanceError(req, res, 400, spec.message);
    const limit = parseLimit(firstQuery(q.limit) ?? '25', 1000);
    if (!limit.ok) return sendGlanceError(req, res, 400, 'limit param must be an integer');
    const visibility = vis === 'all' ? undefined : vis;
    const seen = [...this.images.values()].filter(
      (i) => this.visible(i.id, projectOf(res)) && (visibility === undefined || i.visibility === visibility),
    );
    const sorted = sortBy(seen, spec.keys, (i, key) => i[SORT_FIELDS[key] ?? 'id']);
    const marker = firstQuery(q.marker);
    const page = pageAfter(sorted, marker, limit.limit);
    if (!page.ok) return sendGlanceError(req, res, 400, `marker ${marker} not found`);
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (k !== 'marker') for (const one of allQuery(v)) params.append(k, one);
    const first = params.toString();
    const body: Record<string, unknown> = {
      images: page.items.map(renderImage),
      first: `/v2/images${first ? `?${first}` : ''}`,
      schema: '/v2/schemas/images',
    };
    const last = page.items.at(-1);
    if (page.full && last) {
      params.append('marker', last.id);
      body.next = `/v2/images?${params.toString()}`;
    }
    res.json(body);
  }

  private create(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Buffer.isBuffer(body))
      return sendGlanceError(req, res, 400, 'Body expected in request.');
    if (body.id !== undefined && !isUuid(body.id))
      return sendGlanceError(req, res, 400, `Invalid image id ${String(body.id)}`);
    if (isUuid(body.id) && this.images.has(body.id))
      return sendGlanceError(req, res, 409, `Image with identifier ${body.id} already exists!`);
    if (body.disk_format !== undefined && !DISK_FORMATS.includes(String(body.disk_format)))
      return sendGlanceError(req, res, 400, `Invalid value '${String(body.disk_format)}' for parameter 'disk_format'`);
    if (body.container_format !== undefined && !CONTAINER_FORMATS.includes(String(body.container_format)))
      return sendGlanceError(
        req,
        res,
        400,
        `Invalid value '${String(body.container_format)}' for parameter 'container_format'`,
      );
    const vis = (body.visibility ?? 'shared') as ImageRec['visibility'];
    const i = this.add(
      projectOf(res),
      typeof body.name === 'string' ? body.name : null,
      vis,
      this.now(),
      typeof body.id === 'string' ? body.id : undefined,
    );
    i.diskFormat = typeof body.disk_format === 'string' ? body.disk_format : null;
    i.containerFormat = typeof body.container_format === 'string' ? body.container_format : null;
    i.protected = body.protected === true;
    i.tags = Array.isArray(body.tags) ? body.tags.map(String) : [];
    for (const [k, v] of Object.entries(body)) if (!CORE_PROPERTIES.has(k)) i.extra[k] = v;
    bump(this.stats, 'created');
    res.setHeader('Location', `${this.options.baseUrl}/v2/images/${i.id}`);
    res.status(201).json(renderImage(i));
  }

  private upload(req: Request, res: Response): void {
    const i = this.find(req, res);
    if (!i) return;
    const type = headerValue(req, 'content-type') ?? '';
    if (!type.startsWith('application/octet-stream'))
      return sendGlanceError(req, res, 415, `Content type '${type}' not supported`);
    if (i.status !== 'queued')
      return sendGlanceError(req, res, 409, `Image status transition from ${i.status} to saving is not allowed`);
    this.store(i, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    bump(this.stats, 'uploads');
    res.status(204).end();
  }
}
