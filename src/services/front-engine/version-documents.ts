import type { Request, Response } from 'express';
import { rewriteUrlsDeep } from '../../catalog/links';
import { ProviderUnavailable } from '../../errors/errors';
import { fanOut } from '../../fanout/fan-out';
import { contextOf } from '../../http/context';
import type { Front } from './front';
import { mergeVersionDocuments } from './merge-versions';
import type { ServiceEndpoint } from './service-endpoint';
import { builtinVersions, VersionMemo, type VersionAnswer } from './anonymous-versions';
import { checkMicroversion, rangeOf, requestedMicroversion } from './microversion';
import type { VersionBook } from './version-book';
import { currentRange, renderVersions, type VersionForm } from './version-forms';

const memos = new WeakMap<Front, VersionMemo>();

function memoOf(front: Front): VersionMemo {
  let m = memos.get(front);
  if (!m) {
    m = new VersionMemo();
    memos.set(front, m);
  }
  return m;
}

/**
 * A version document (`/compute/`, `/volume/v3/`, `/image/versions`…) from the providers, links at the proxy.
 * `narrow`: microversion ranges narrowed to what every provider offers (merge-versions.ts); otherwise the home
 * provider's (or the targeted one's) document alone.
 */
export async function serveVersions(
  front: Front,
  req: Request,
  res: Response,
  path: (ep: ServiceEndpoint) => string,
  narrow: boolean,
): Promise<void> {
  const key = `${req.baseUrl}${req.path}`;
  if (req.headers['x-auth-token'] === undefined && req.headers['x-ocx-provider'] === undefined) {
    const answer =
      memoOf(front).get(key) ?? builtinVersions(front.service, front.deps.config.publicUrl, !/\/v\d/.test(req.path));
    res.status(answer.status).json(answer.doc);
    return;
  }
  const answer = await fetchVersions(front, req, res, path, narrow, key);
  res.status(answer.status).json(answer.doc);
}

/** The merged microversion range every provider supports, learnt once from an authenticated caller. */
export async function microversionRange(
  front: Front,
  req: Request,
  res: Response,
  path: (ep: ServiceEndpoint) => string,
): Promise<{ min: string; max: string } | undefined> {
  const known = memoOf(front).range();
  if (known) return known;
  // Unknown yet: ask the providers this request may reach (all, or the targeted one) once.
  return rangeOf((await fetchVersions(front, req, res, path, true, `${req.baseUrl}/`)).doc);
}

async function fetchVersions(
  front: Front,
  req: Request,
  res: Response,
  path: (ep: ServiceEndpoint) => string,
  narrow: boolean,
  key: string,
): Promise<VersionAnswer> {
  const ctx = contextOf(res.locals);
  const caller = await front.caller(req);
  const targeted = front.targeted(req);
  const providers = targeted ? [targeted] : narrow ? front.client.providers : [front.home];
  const result = await fanOut(
    providers,
    async (provider, signal): Promise<VersionAnswer> => {
      const { response, endpoint } = await front.client.send(
        req,
        ctx,
        caller,
        provider,
        (ep) => ({ method: 'GET', url: path(ep), clientHeaders: false }),
        { signal },
      );
      if (response.status >= 400) {
        response.body.resume();
        throw new ProviderUnavailable(provider, `answered HTTP ${response.status} for its version document`);
      }
      return { status: response.status, doc: rewriteUrlsDeep(await response.json(), endpoint.mappings) };
    },
    { signal: ctx.signal, deadline: ctx.deadline },
  );
  const base = result.ok.find((r) => r.provider === (targeted ?? front.home)) ?? result.ok[0];
  if (!base) throw result.failed[0]?.error ?? new ProviderUnavailable(front.home);
  const others = result.ok.filter((r) => r !== base).map((r) => r.value.doc);
  if (providers.length === 1) {
    res.setHeader('X-OCX-Provider', base.provider);
    ctx.provider = base.provider;
  }
  const doc = narrow ? mergeVersionDocuments(base.value.doc, others) : base.value.doc;
  const answer = { status: base.value.status, doc };
  if (!targeted && result.failed.length === 0) memoOf(front).set(key, answer);
  return answer;
}

function bookOf(front: Front): VersionBook {
  const book = front.service === 'network' ? undefined : front.deps.versions?.[front.service];
  if (!book) throw new Error(`no version book for ${front.service}`);
  return book;
}

/** The range every provider supports, from their documents; undefined while none has been read. */
export function knownRange(front: Front): { min: string; max: string } | undefined {
  return bookOf(front).range();
}

/**
 * A Nova, Cinder or Glance version document (docs/compute-volume-image.md "Version discovery"): the same answer for
 * every path form, with or without a token, from the providers' documents (version-book.ts). A caller's token is
 * only used to learn the roots of providers no config or catalog has named yet; `X-OCX-Provider` answers that
 * provider's own document.
 */
export async function serveVersionDocument(
  front: Front,
  req: Request,
  res: Response,
  form: VersionForm,
): Promise<void> {
  const book = bookOf(front);
  const targeted = front.targeted(req);
  if (req.headers['x-auth-token'] !== undefined && front.client.providers.some((p) => !book.hasRoot(p))) {
    await learnWithToken(front, book, req, res).catch(() => undefined);
  }
  await book.settled();
  const entries = (targeted && book.entriesOf(targeted)) || book.merged();
  let microversion: string | undefined;
  if (book.service === 'compute' && form === 'versioned') {
    const range = currentRange(entries);
    checkMicroversion(req.headers, 'compute', range);
    const asked = requestedMicroversion(req.headers, 'compute')?.trim();
    microversion = asked?.toLowerCase() === 'latest' ? range?.max : asked || undefined;
  }
  const answer = renderVersions(book.service, form, entries, microversion);
  res.set(answer.headers);
  if (targeted) {
    res.setHeader('X-OCX-Provider', targeted);
    contextOf(res.locals).provider = targeted;
  }
  res.status(answer.status).json(answer.doc);
}

/** The caller's sessions show the roots of providers not yet known (FrontClient.endpointFor tells the book). */
async function learnWithToken(front: Front, book: VersionBook, req: Request, res: Response): Promise<void> {
  const ctx = contextOf(res.locals);
  const caller = await front.caller(req);
  const missing = front.client.providers.filter((p) => !book.hasRoot(p));
  await fanOut(
    missing,
    async (provider, signal) => {
      const { response } = await front.client.send(
        req,
        ctx,
        caller,
        provider,
        (ep) => ({ method: 'GET', url: `${ep.root}/`, clientHeaders: false }),
        { signal },
      );
      if (response.status >= 400) {
        response.body.resume();
        return;
      }
      book.store(provider, await response.json(256 * 1024));
    },
    { signal: ctx.signal, deadline: ctx.deadline },
  );
}
