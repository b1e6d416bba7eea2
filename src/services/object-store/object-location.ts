import { ItemNotFound, ProviderUnavailable } from '../../errors/errors';
import { fanOut, type ProviderFailure } from '../../fanout/fan-out';
import { NOT_FOUND } from './container-locator';
import { containerPlacement } from './container-placement';
import { throwRefusal } from './swift-errors';
import { buildQuery } from './upstream-url';
import { discard } from './swift-client';
import { queryParam, type SwiftCall } from './swift-call';

export interface ObjectLocation {
  /** Holders of the object, in priority order. */
  found: string[];
  failed: ProviderFailure[];
}

/**
 * Which holders of a (union) container have the object: a parallel HEAD to each (docs/contract.md: "a read finds the
 * object at the first provider, in configured priority, that has it"). The HEAD carries no conditional or Range
 * header (those are for the real request) and `symlink=get`, so a symlink counts as present even if its target
 * is not.
 */
export async function locateObject(
  call: SwiftCall,
  holders: readonly string[],
  container: string,
  object: string,
): Promise<ObjectLocation> {
  const query = buildQuery([
    ['symlink', 'get'],
    ['version-id', queryParam(call, 'version-id')],
  ]);
  const result = await fanOut(
    holders,
    async (provider, signal) => {
      const res = await call.client.send(provider, { method: 'HEAD', container, object, query, signal });
      discard(res);
      const refused = call.client.refusal(provider, res.status);
      if (refused) throw refused;
      if (res.status === 404 || res.status === 401 || res.status === 403) return false;
      if (res.status >= 200 && res.status < 300) return true;
      throw new ProviderUnavailable(provider, `answered HTTP ${res.status}`);
    },
    { signal: call.client.ctx.signal, deadline: call.client.ctx.deadline },
  );
  throwRefusal(result.failed);
  return { found: result.ok.filter((r) => r.value).map((r) => r.provider), failed: result.failed };
}

/** Where a read (GET, HEAD, POST) goes: the only holder, else the first holder that has the object. */
export async function readTarget(
  call: SwiftCall,
  holders: readonly string[],
  container: string,
  object: string,
): Promise<string> {
  const [only] = holders;
  if (holders.length === 1 && only) return only;
  const loc = await locateObject(call, holders, container, object);
  const first = loc.found[0];
  if (first) return first;
  const failed = loc.failed[0];
  if (failed) throw failed.error;
  throw new ItemNotFound(NOT_FOUND);
}

/**
 * Where a write goes: the holder that already has the object, else the container's placement among its holders:
 * the provider the placement policy names (home, or a provider name) when it holds the container, else the
 * highest-priority holder.
 */
export async function writeTarget(
  call: SwiftCall,
  holders: readonly string[],
  container: string,
  object: string,
): Promise<string> {
  const [first] = holders;
  if (!first) throw new ItemNotFound(NOT_FOUND);
  if (holders.length === 1) return first;
  const loc = await locateObject(call, holders, container, object);
  const existing = loc.found[0];
  if (existing) return existing;
  // Not found where we could look: if a holder could not be asked, it may hold the object; refuse to fork it.
  const failed = loc.failed[0];
  if (failed) throw failed.error;
  return containerPlacement(call, holders);
}
