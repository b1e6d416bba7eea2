import { BadRequest, Forbidden, ItemNotFound, type OcxError } from '../../errors/errors';
import type { ListingFamily } from './listing-spec';

/** Query handling of merged listings, in each service's own words. Pure. */

export function parseLimit(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  if (/^-\d+$/.test(raw.trim())) throw new BadRequest('limit param must be positive');
  if (!/^\d+$/.test(raw.trim())) throw new BadRequest('limit param must be an integer');
  return Number(raw.trim());
}

const FALSE_WORDS = new Set(['0', 'false', 'f', 'off', 'no', 'n']);

/**
 * `all_tenants` lists every project's resources and is for admins only, refused as each service
 * refuses it: Nova answers 403 (policy `servers:detail:get_all_tenants`); Cinder ignores it for a non-admin
 * (volume API `get_all` only honours it with an admin context), which cinderclient relies on: its `find` always
 * sends `all_tenants=1`. Returns the query to use (the client's own is never changed).
 */
export function guardAllTenants(
  family: ListingFamily,
  params: URLSearchParams,
  roles: readonly string[],
): URLSearchParams {
  const value = params.get('all_tenants');
  if (value === null || FALSE_WORDS.has(value.trim().toLowerCase()) || roles.includes('admin')) return params;
  if (family === 'nova') throw new Forbidden('Only an admin may list the servers of all projects (all_tenants).');
  const out = new URLSearchParams(params);
  out.delete('all_tenants');
  return out;
}

/** An unknown marker, as each service says it (Nova and Glance 400, Cinder 404 MarkerNotFound). */
export function markerNotFound(family: ListingFamily, marker: string): OcxError {
  if (family === 'cinder') return new ItemNotFound(`Marker ${marker} could not be found.`);
  if (family === 'glance') return new BadRequest(`Marker ${marker} could not be found.`);
  return new BadRequest(`marker [${marker}] not found`);
}

/** The next page's query: the client's own (filters, sort, limit) with the new marker. */
export function nextQuery(params: URLSearchParams, limit: number | undefined, marker: string): string {
  const q = new URLSearchParams(params);
  if (limit !== undefined) q.set('limit', String(limit));
  q.set('marker', marker);
  return q.toString();
}
