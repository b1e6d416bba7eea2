import { Conflict } from '../../errors/errors';
import { headerValue, type HeaderBag } from '../../upstream/headers';
import { checkContainerName, checkMetadata } from './constraints';
import type { ContainerRef } from './container-locator';
import { listContainer } from './container-listing';
import { placeNewContainer } from './container-placement';
import { sumHeaders } from './counters';
import { setHeaders } from './relay';
import { aclsFor, clientHeaders } from './response-headers';
import { relayPicked, sendMany } from './send-many';
import { discard } from './swift-client';
import { requestOp } from './forward-request';
import { containerRef, relayFrom, viewOf, type SwiftCall } from './swift-call';

/**
 * Container requests. A bare name addresses every provider holding it (one union container); `name@provider`
 * (or X-OCX-Provider) that provider alone (docs/contract.md "Swift: one account over many clusters").
 */
export async function containerRequest(call: SwiftCall, raw: string): Promise<void> {
  const ref = containerRef(call, raw);
  if (call.req.method === 'PUT') checkContainerName(ref.name, call.limits);
  if (call.req.method === 'PUT' || call.req.method === 'POST')
    checkMetadata(call.req.headers as HeaderBag, 'container', call.limits);
  switch (call.req.method) {
    case 'GET':
      return listContainer(call, ref);
    case 'HEAD':
      return headContainer(call, ref);
    case 'PUT':
      return putContainer(call, ref);
    case 'DELETE':
      return deleteContainer(call, ref);
    default: {
      // POST (metadata, ACLs) and anything else: every holder, so the union keeps one set of metadata.
      const holders = (await call.locator.require(call.client, ref)).providers;
      await relayPicked(call, await sendMany(call, holders, await requestOp(call, holders[0] as string, ref.name)));
    }
  }
}

/** HEAD of a union container: object count and bytes summed over its holders, other headers from the first. */
async function headContainer(call: SwiftCall, ref: ContainerRef): Promise<void> {
  const holders = (await call.locator.require(call.client, ref)).providers;
  const result = await sendMany(call, holders, await requestOp(call, holders[0] as string, ref.name));
  const found = result.ok.filter((a) => a.value.status >= 200 && a.value.status < 300);
  if (found.length <= 1 || result.failed.length > 0) {
    if (found.length === 0 && result.ok.every((a) => a.value.status === 404)) {
      call.locator.removed(call.client, ref.name, holders);
    }
    await relayPicked(call, result);
    return;
  }
  for (const a of result.ok) discard(a.value);
  const first = found[0] as (typeof found)[number];
  const view = await viewOf(call, first.provider);
  const headers = clientHeaders(
    first.value.headers,
    view,
    call.client.ctx.requestId,
    await aclsFor(first.value.headers, view),
  );
  Object.assign(
    headers,
    sumHeaders(
      found.map((a) => a.value.headers),
      /^x-container-(object-count|bytes-used)$/,
    ),
  );
  headers['x-ocx-provider'] = found.map((a) => a.provider).join(',');
  call.client.ctx.provider = first.provider;
  call.res.status(first.value.status);
  setHeaders(call.res, headers);
  call.res.end();
}

/**
 * PUT: `@provider` / X-OCX-Provider create (or update) there; an existing bare name is updated at every holder;
 * a new one is placed by policy (container-placement.ts).
 */
async function putContainer(call: SwiftCall, ref: ContainerRef): Promise<void> {
  if (ref.provider) {
    const up = await call.client.send(ref.provider, await requestOp(call, ref.provider, ref.name));
    if (up.status >= 200 && up.status < 300) call.locator.added(call.client, ref.name, ref.provider);
    await relayFrom(call, ref.provider, up);
    return;
  }
  const holders = await call.locator.holders(call.client, ref);
  if (holders.providers.length > 0) {
    const result = await sendMany(
      call,
      holders.providers,
      await requestOp(call, holders.providers[0] as string, ref.name),
    );
    await relayPicked(call, result);
    return;
  }
  const target = await placeNewContainer(
    call,
    ref.name,
    holders.failed.map((f) => f.provider),
  );
  const up = await call.client.send(target, await requestOp(call, target, ref.name));
  if (up.status >= 200 && up.status < 300) call.locator.remember(call.client, ref.name, [target]);
  await relayFrom(call, target, up);
}

/** DELETE: Swift's 409 if the union holds any object (checked at every holder before deleting at any). */
async function deleteContainer(call: SwiftCall, ref: ContainerRef): Promise<void> {
  const holders = (await call.locator.require(call.client, ref)).providers;
  if (holders.length > 1) {
    const heads = await sendMany(call, holders, { method: 'HEAD', container: ref.name });
    for (const a of heads.ok) discard(a.value);
    const firstFailure = heads.failed[0];
    if (firstFailure) throw firstFailure.error;
    const busy = heads.ok.some((a) => Number(headerValue(a.value.headers, 'x-container-object-count') ?? 0) > 0);
    if (busy) throw new Conflict('There was a conflict when trying to complete your request.');
  }
  const result = await sendMany(call, holders, await requestOp(call, holders[0] as string, ref.name));
  const gone = result.ok.filter((a) => a.value.status === 404 || (a.value.status >= 200 && a.value.status < 300));
  call.locator.removed(
    call.client,
    ref.name,
    gone.map((a) => a.provider),
  );
  await relayPicked(call, result);
}
