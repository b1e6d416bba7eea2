import type { LocationCache, ResourceKind } from './location-cache';

/**
 * The steps of finding where a bare id or container name lives that every front shares (docs/contract.md "Naming
 * a provider"): the recorded location first (warmed from the shared level, state.backend redis), else every
 * provider asked in parallel by the front, then the answer recorded and judged here. The fronts keep only what is
 * theirs: how a provider is asked (a show, a HEAD), which answers mean "absent", and their errors'
 * wording (services/front-engine/locate-resource.ts, services/object-store/container-locator.ts). Pure apart from
 * the cache.
 */
export interface LocationKey {
  kind: ResourceKind;
  /** The caller's home project (or user): a location is only reused within it. */
  scope: string;
  id: string;
}

/** A provider that answered "I have it". */
export interface Holder {
  provider: string;
}

/** What asking every provider found: the holders in priority order; `failed`, the providers that could not say. */
export interface Asked<H extends Holder = Holder> {
  found: readonly H[];
  failed: readonly string[];
}

/**
 * How several holders are read: `one`, an id that should live at one provider (several are ambiguous: a copy
 * made elsewhere, never a guess); `union`, one resource spread over them (a Swift union container).
 */
export type HolderShape = 'one' | 'union';

/** The providers recorded for the key, after copying another instance's answer in if the shared level has one. */
export async function recorded(cache: LocationCache, key: LocationKey): Promise<string[] | undefined> {
  await cache.warm(key.kind, key.scope, key.id);
  return cache.get(key.kind, key.scope, key.id);
}

/**
 * What a fresh ask teaches. `one`: a single holder was just asked and replaces what was known; several are
 * learned as ambiguous (never served from the cache until asked afresh); none records nothing. `union`: the
 * holders as a whole, only when every provider answered (one that could not may hold it too); none forgets it.
 */
export function recordAsked(cache: LocationCache, key: LocationKey, asked: Asked, shape: HolderShape): void {
  const { kind, scope, id } = key;
  const providers = asked.found.map((h) => h.provider);
  if (shape === 'union') {
    if (asked.failed.length) return;
    if (providers.length) cache.remember(kind, scope, id, providers);
    else cache.forget(kind, scope, id);
    return;
  }
  if (providers.length === 1) cache.remember(kind, scope, id, providers);
  else if (providers.length > 1) cache.learn(kind, scope, id, providers);
}

export type Verdict<H extends Holder> =
  | { kind: 'at'; holder: H }
  | { kind: 'ambiguous'; holders: readonly H[] }
  | { kind: 'unavailable'; failed: readonly string[] }
  | { kind: 'absent' };

/**
 * The one-holder rule: one holder is the answer; of several, the single one `prefer` keeps (e.g. the most trusted
 * copy), else ambiguous; none is absent, or unavailable when a provider could not be asked (it may hold it).
 */
export function verdictOf<H extends Holder>(
  asked: Asked<H>,
  prefer: (holders: readonly H[]) => readonly H[] = (h) => h,
): Verdict<H> {
  const [first] = asked.found;
  if (asked.found.length > 1) {
    const best = prefer(asked.found);
    return best.length === 1 ? { kind: 'at', holder: best[0] as H } : { kind: 'ambiguous', holders: asked.found };
  }
  if (first) return { kind: 'at', holder: first };
  if (asked.failed.length) return { kind: 'unavailable', failed: asked.failed };
  return { kind: 'absent' };
}
