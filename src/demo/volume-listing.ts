// Cinder list paging: `sort=key:dir,...` (or the older sort_key/sort_dir), created_at desc + id desc as
// tie-breakers, marker/limit (osapi_max_limit 1000), an unknown marker is 404 MarkerNotFound, and a full page
// carries a `next` link that keeps the original query.
import type { Request } from 'express';
import { allQuery, firstQuery } from './sim-http';
import { nextQuery, pageAfter, parseLimit, parseSortParam, sortBy, sortSpec } from './sim-paging';

const FIELDS: Record<string, string> = {
  id: 'id',
  name: 'name',
  display_name: 'name',
  size: 'size',
  status: 'status',
  availability_zone: 'zone',
  bootable: 'bootable',
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  volume_id: 'volumeId',
};

export type ListPage<T> = { ok: true; items: T[]; next?: string } | { ok: false; status: 400 | 404; message: string };

export function listPage<T extends { id: string }>(req: Request, items: T[], selfUrl: string): ListPage<T> {
  const q = req.query as Record<string, unknown>;
  const sort = firstQuery(q.sort);
  // cinder/api/common.py get_sort_params: `sort` and the deprecated sort_key/sort_dir are exclusive.
  if (sort !== undefined && (q.sort_key !== undefined || q.sort_dir !== undefined)) {
    return {
      ok: false,
      status: 400,
      message:
        "Invalid input received: The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
    };
  }
  const { keys, dirs } =
    sort !== undefined ? parseSortParam(sort) : { keys: allQuery(q.sort_key), dirs: allQuery(q.sort_dir) };
  const spec = sortSpec(keys, dirs, Object.keys(FIELDS));
  if (!spec.ok) return { ok: false, status: 400, message: `Invalid input received: ${spec.message}` };
  const limit = parseLimit(firstQuery(q.limit), 1000);
  if (!limit.ok) return { ok: false, status: 400, message: `Invalid input received: ${limit.message}` };
  const sorted = sortBy(items, spec.keys, (item, key) => (item as Record<string, unknown>)[FIELDS[key] ?? key]);
  const marker = firstQuery(q.marker);
  const page = pageAfter(sorted, marker, limit.limit);
  if (!page.ok) return { ok: false, status: 404, message: `Marker ${marker ?? ''} could not be found.` };
  const last = page.items.at(-1);
  return { ok: true, items: page.items, next: page.full && last ? `${selfUrl}?${nextQuery(q, last.id)}` : undefined };
}
