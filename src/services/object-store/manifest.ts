import { BadRequest, PayloadTooLarge } from '../../errors/errors';
import { readBody } from '../../http/body';
import { parseAtProvider, type AtProvider } from '../../location/parse-at-provider';
import { headerValue } from '../../upstream/headers';
import { writeTarget } from './object-location';
import { forwardRequest } from './forward-request';
import { rewriteRequestHeaders } from './request-headers';
import { forwardableHeaders } from './swift-client';
import { relayFrom, type SwiftCall } from './swift-call';
import { swiftUnquote } from './swift-path';
import { accountOf } from './upstream-url';

/** Swift's default max_manifest_size is 8 MiB; allow some slack for whitespace. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * Large objects (SLO and DLO) are assembled by the provider's Swift, inside its own account: the manifest and
 * its segments must be at the same provider. For a union manifest container the manifest is placed at a holder
 * that also holds the segment containers; `@provider` suffixes in segment paths are stripped. Segments only at
 * another provider are refused with a 400 that says so.
 */
export async function putSloManifest(
  call: SwiftCall,
  holders: readonly string[],
  container: string,
  object: string,
): Promise<void> {
  // Refuse an announced oversize body before reading any of it.
  if (Number(call.req.headers['content-length'] ?? 0) > MAX_MANIFEST_BYTES) {
    throw new PayloadTooLarge(`A manifest is at most ${MAX_MANIFEST_BYTES} bytes.`);
  }
  const raw = await readBody(call.req, MAX_MANIFEST_BYTES);
  const doc = parseManifest(raw);
  const refs = new Map<string, AtProvider>();
  for (const seg of doc ?? []) {
    const c = segmentContainer(seg);
    if (c !== undefined && !refs.has(c)) refs.set(c, parseAtProvider(c, call.client.names));
  }
  const candidates = await colocate(call, holders, [...refs.values()], container);
  const target = await writeTarget(call, candidates, container, object);
  let body = raw;
  if (doc && [...refs.keys()].some((c) => c.includes('@'))) {
    body = Buffer.from(JSON.stringify(doc.map((seg) => withoutSuffix(seg, refs))));
  }
  const headers = rewriteRequestHeaders(forwardableHeaders(call.req.headers), {
    provider: target,
    providers: call.client.names,
    proxyAccount: call.account,
    providerAccount: accountOf(await call.client.baseUrl(target)),
  });
  headers['content-length'] = String(body.length);
  delete headers['transfer-encoding'];
  const up = await call.client.send(target, { method: 'PUT', container, object, query: call.query, headers, body });
  await relayFrom(call, target, up);
}

/** DLO: `X-Object-Manifest: <segment container>/<prefix>`; the manifest goes where the segment container is. */
export async function putDloManifest(
  call: SwiftCall,
  holders: readonly string[],
  container: string,
  object: string,
): Promise<void> {
  const value = headerValue(call.req.headers, 'x-object-manifest') ?? '';
  const raw = value.replace(/^\/+/, '');
  const segContainer = swiftUnquote(raw.slice(0, raw.indexOf('/') < 0 ? raw.length : raw.indexOf('/')));
  const refs = segContainer ? [parseAtProvider(segContainer, call.client.names)] : [];
  const candidates = await colocate(call, holders, refs, container);
  await forwardRequest(call, await writeTarget(call, candidates, container, object), container, object);
}

/** The manifest container's holders that also hold every (known) segment container. */
async function colocate(
  call: SwiftCall,
  holders: readonly string[],
  refs: readonly AtProvider[],
  container: string,
): Promise<string[]> {
  const segHolders = await Promise.all(
    refs.map(async (r) => ({
      name: r.id,
      at: r.provider ? [r.provider] : (await call.locator.holders(call.client, { name: r.id })).providers,
    })),
  );
  // A segment container found nowhere is left to Swift, which reports the missing segments itself.
  const known = segHolders.filter((s) => s.at.length > 0);
  const candidates = holders.filter((p) => known.every((s) => s.at.includes(p)));
  if (candidates.length > 0) return candidates;
  const where = known.map((s) => `${s.name} at ${s.at.join(', ')}`).join('; ');
  throw new BadRequest(
    `Large-object segments must be stored at the same provider as the manifest: container ${container} is at ` +
      `${holders.join(', ')}, segments container ${where}.`,
  );
}

function parseManifest(raw: Buffer): unknown[] | undefined {
  try {
    const doc = JSON.parse(raw.toString('utf8')) as unknown;
    return Array.isArray(doc) ? doc : undefined;
  } catch {
    // Not JSON: the provider's SLO answers with its own 400.
    return undefined;
  }
}

function segmentContainer(seg: unknown): string | undefined {
  const path = (seg as { path?: unknown } | null)?.path;
  if (typeof path !== 'string') return undefined;
  const trimmed = path.replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  return slash > 0 ? trimmed.slice(0, slash) : undefined;
}

function withoutSuffix(seg: unknown, refs: ReadonlyMap<string, AtProvider>): unknown {
  const c = segmentContainer(seg);
  const ref = c === undefined ? undefined : refs.get(c);
  if (!ref || ref.id === c) return seg;
  const path = (seg as { path: string }).path;
  const rest = path.replace(/^\/+/, '').slice((c as string).length);
  return { ...(seg as Record<string, unknown>), path: `/${ref.id}${rest}` };
}
