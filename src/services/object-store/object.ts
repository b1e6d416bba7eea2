import { ItemNotFound } from '../../errors/errors';
import type { HeaderBag } from '../../upstream/headers';
import { NOT_FOUND, type ContainerRef } from './container-locator';
import { discard } from './swift-client';
import { checkBodyFraming, checkMetadata, checkObjectCreation } from './constraints';
import { addressFromHeader, copyObject } from './copy';
import { putDloManifest, putSloManifest } from './manifest';
import { readTarget, writeTarget } from './object-location';
import { relayPicked, sendMany } from './send-many';
import { containerRef, queryParam, type SwiftCall } from './swift-call';
import { forwardRequest, requestOp } from './forward-request';

/**
 * Object requests: routed to the provider holding the object, bodies streamed both ways (docs/contract.md "Swift").
 * Range, If-* and X-Delete-At/After pass through untouched; COPY / X-Copy-From and manifests have their own files.
 */
export async function objectRequest(call: SwiftCall, rawContainer: string, object: string): Promise<void> {
  const ref = containerRef(call, rawContainer);
  const method = call.req.method;
  const headers = call.req.headers as HeaderBag;
  if (method === 'PUT') checkObjectCreation(object, headers, call.limits);
  if (method === 'PUT' || method === 'POST' || method === 'COPY') checkMetadata(headers, 'object', call.limits);
  const here = { raw: rawContainer, ref, object };
  if (method === 'COPY') return copyObject(call, here, addressFromHeader(call, 'destination'));
  if (method === 'PUT' && call.req.headers['x-copy-from'] !== undefined) {
    return copyObject(call, addressFromHeader(call, 'x-copy-from'), here);
  }
  const holders = (await call.locator.require(call.client, ref)).providers;
  if (method === 'PUT') {
    // Like Swift's object PUT: the container must exist before the body's framing is judged.
    await framed(call, ref, holders);
    if (queryParam(call, 'multipart-manifest') === 'put') return putSloManifest(call, holders, ref.name, object);
    if (call.req.headers['x-object-manifest'] !== undefined) return putDloManifest(call, holders, ref.name, object);
    return forwardRequest(call, await writeTarget(call, holders, ref.name, object), ref.name, object);
  }
  if (method === 'DELETE') {
    // A name shadowed at several holders would reappear after deleting it at one: delete it everywhere.
    if (holders.length === 1) return forwardRequest(call, holders[0] as string, ref.name, object);
    await relayPicked(
      call,
      await sendMany(call, holders, await requestOp(call, holders[0] as string, ref.name, object)),
    );
    return;
  }
  return forwardRequest(call, await readTarget(call, holders, ref.name, object), ref.name, object);
}

async function framed(call: SwiftCall, ref: ContainerRef, holders: readonly string[]): Promise<void> {
  try {
    checkBodyFraming(call.req.headers as HeaderBag);
  } catch (err) {
    // The body was not framed: what follows on the connection cannot be read as the next request.
    call.res.setHeader('connection', 'close');
    call.res.shouldKeepAlive = false;
    // `name@provider` was not looked up: Swift's 404 for a missing container comes before its 411.
    const [only] = holders;
    if (ref.provider && only) {
      const head = await call.client.send(only, { method: 'HEAD', container: ref.name });
      discard(head);
      if (head.status === 404) throw new ItemNotFound(NOT_FOUND);
    }
    throw err;
  }
}
