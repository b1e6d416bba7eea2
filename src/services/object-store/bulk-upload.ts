import { hasBody } from '../../http/body';
import { containerPlacement, placeNewContainer } from './container-placement';
import { requestOp } from './forward-request';
import { containerRef, relayFrom, type SwiftCall } from './swift-call';
import type { SwiftTarget } from './swift-path';

/**
 * `PUT ?extract-archive=tar|tar.gz|tar.bz2` (Swift's bulk middleware): the archive is streamed, unread, to one
 * provider, which unpacks it and answers in Swift's format (its body names only container/object paths, nothing
 * to translate). Addressed to a container (or a prefix in it): the provider holding it (a union container: its
 * placement among the holders), else where the placement policy puts a new container, which is then recorded
 * there. Addressed to the account (the archive's top-level directories are containers): where the placement
 * policy puts new containers; a container of the archive that already exists elsewhere becomes a union container
 * (docs/lab-swift.md "bulk_upload").
 */
export async function extractArchive(call: SwiftCall, target: SwiftTarget): Promise<void> {
  let provider: string;
  let created: string | undefined;
  let container: string | undefined;
  if (target.level === 'account') {
    provider = await placeNewContainer(call, '', []);
  } else {
    const ref = containerRef(call, target.container);
    container = ref.name;
    const holders = await call.locator.holders(call.client, ref);
    const [only] = holders.providers;
    if (holders.providers.length === 1 && only) provider = only;
    else if (holders.providers.length > 1) provider = containerPlacement(call, holders.providers);
    else {
      provider = await placeNewContainer(
        call,
        ref.name,
        holders.failed.map((f) => f.provider),
      );
      created = ref.name;
    }
  }
  const object = target.level === 'object' ? target.object : undefined;
  const op =
    container === undefined
      ? { method: 'PUT', query: call.query, headers: (await requestOp(call, provider, '')).headers }
      : await requestOp(call, provider, container, object);
  const streamed = hasBody(call.req.headers);
  const up = await call.client.send(provider, {
    ...op,
    container,
    object,
    body: streamed ? call.req : undefined,
    replayable: !streamed,
  });
  if (up.status >= 200 && up.status < 300 && container !== undefined) {
    if (created) call.locator.remember(call.client, created, [provider]);
    else call.locator.added(call.client, container, provider);
  }
  await relayFrom(call, provider, up);
}
