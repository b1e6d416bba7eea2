// Glance v2 wire shapes (image api-ref: "Versions", "Images", "Image data") and its webob error bodies.
import type { Request, Response } from 'express';
import { headerValue, isoSeconds } from './sim-http';

export interface ImageRec {
  id: string;
  name: string | null;
  owner: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  status: 'queued' | 'saving' | 'active';
  diskFormat: string | null;
  containerFormat: string | null;
  minDisk: number;
  minRam: number;
  protected: boolean;
  tags: string[];
  createdAt: number;
  updatedAt: number;
  data?: Buffer;
  checksum: string | null;
  sha512: string | null;
  extra: Record<string, unknown>;
}

/** Glance sort keys -> ImageRec field. */
export const SORT_FIELDS: Record<string, keyof ImageRec> = {
  id: 'id',
  name: 'name',
  status: 'status',
  visibility: 'visibility',
  disk_format: 'diskFormat',
  container_format: 'containerFormat',
  min_disk: 'minDisk',
  min_ram: 'minRam',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
};
/** Properties with their own column; any other create property is an extra (custom) property. */
export const CORE_PROPERTIES = new Set([
  'id',
  'name',
  'visibility',
  'protected',
  'tags',
  'disk_format',
  'container_format',
  'min_disk',
  'min_ram',
  'owner',
  'status',
]);

export const DISK_FORMATS = ['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop'];
export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'];

/** Glance (Zed) API versions, newest first; `GET /` answers them with 300 Multiple Choices. */
export function versionsDocument(root: string): Record<string, unknown> {
  const ids = [
    '2.16',
    '2.15',
    '2.14',
    '2.13',
    '2.12',
    '2.11',
    '2.10',
    '2.9',
    '2.8',
    '2.7',
    '2.6',
    '2.5',
    '2.4',
    '2.3',
    '2.2',
    '2.1',
    '2.0',
  ];
  return {
    versions: ids.map((v, i) => ({
      id: `v${v}`,
      status: i === 0 ? 'CURRENT' : 'SUPPORTED',
      links: [{ rel: 'self', href: `${root}/v2/` }],
    })),
  };
}

export function renderImage(i: ImageRec): Record<string, unknown> {
  return {
    ...i.extra,
    id: i.id,
    name: i.name,
    status: i.status,
    visibility: i.visibility,
    protected: i.protected,
    os_hidden: false,
    checksum: i.checksum,
    os_hash_algo: i.sha512 ? 'sha512' : null,
    os_hash_value: i.sha512,
    owner: i.owner,
    size: i.data ? i.data.length : null,
    virtual_size: null,
    min_ram: i.minRam,
    min_disk: i.minDisk,
    disk_format: i.diskFormat,
    container_format: i.containerFormat,
    created_at: isoSeconds(i.createdAt),
    updated_at: isoSeconds(i.updatedAt),
    tags: i.tags,
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: '/v2/schemas/image',
    // Glance with enabled_backends (multi-store, the default since Train) names the stores holding the data.
    ...(i.data ? { stores: 'file' } : {}),
  };
}

/** webob's HTTPException body: HTML when the client accepts it (or says nothing), JSON when it asks for JSON, else plain text. */
export function sendGlanceError(req: Request, res: Response, status: number, message: string): void {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Request Entity Too Large',
    415: 'Unsupported Media Type',
  };
  const title = `${status} ${titles[status] ?? 'Error'}`;
  const accept = headerValue(req, 'accept') ?? '*/*';
  if (accept.includes('html') || accept === '*/*') {
    const html = `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n  <h1>${title}</h1>\n  ${message}<br /><br />\n\n\n\n </body>\n</html>`;
    res.status(status).type('text/html').send(html);
    return;
  }
  // webob renders the same error as JSON for clients that accept only JSON (openstacksdk, the proxy's fronts).
  if (accept.includes('application/json')) {
    const body = { message: `${message}<br /><br />\n\n\n`, code: title, title: titles[status] ?? 'Error' };
    res.status(status).setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
    return;
  }
  res.status(status).type('text/plain').send(`${title}\n\n${message}\n\n   `);
}
