import type { Cache } from '../../state/cache';
import { headerValue, type HeaderBag } from '../../upstream/headers';

/**
 * What the proxy must know to serve a signed request (TempURL, FormPost: tempurl.ts, formpost.ts) that carries no
 * token: for a home project, its account URL at each provider, and the temp-url keys of its account and
 * containers *as each provider holds them*. All of it is learned only from the project's own authenticated use
 * through the proxy (swift-client.ts calls observe() for every answer to the caller's own account): a session's
 * storage URL, the owner's HEAD/GET answers carrying `X-Account-Meta-Temp-URL-Key(-2)` /
 * `X-Container-Meta-Temp-URL-Key(-2)`, and the owner's successful POST/PUT setting or removing them. Keys are kept
 * per provider, so a provider can only ever vouch for its own account: a signature the proxy accepts for an object
 * at provider P was made with a key P itself reported or was told, and P checks it again (the proxy re-signs with
 * the same key). Entries live in the shared state (state.backend redis: sealed, see src/state/sealed-entry.ts), so
 * every replica verifies alike. Keys are never logged.
 */
/** `temp-url-key` / `temp-url-key-2` -> value, as the provider holds them. */
export type NamedKeys = Partial<Record<KeyName, string>>;

export interface KeyEntry {
  keys: NamedKeys;
}

export interface BasesEntry {
  bases: Record<string, string>;
}

/** Providers where the container was seen to exist (for requests that cannot ask: a signed PUT). */
export interface SeenEntry {
  seen: string[];
}

type Entry = KeyEntry | BasesEntry | SeenEntry;

/** Keys stay as long as an owner could expect a signed URL to work without touching the account again. */
export const SIGNING_KEYS_TTL_MS = 30 * 24 * 3600_000;

const KEY_HEADERS = ['temp-url-key', 'temp-url-key-2'] as const;
type KeyName = (typeof KEY_HEADERS)[number];

export class SigningKeys {
  constructor(
    private readonly cache: Cache<Entry>,
    private readonly ttlMs = SIGNING_KEYS_TTL_MS,
  ) {}

  /**
   * The shared level first: another replica may have learned a newer key, and a local copy is only dropped when an
   * entry is deleted, not when it is replaced. The local copy when the shared level cannot say.
   */
  private async read<V extends Entry>(key: string): Promise<V | undefined> {
    const shared = await this.cache.fetchShared?.(key);
    return (shared ?? this.cache.get(key)) as V | undefined;
  }

  private local<V extends Entry>(key: string): V | undefined {
    return this.cache.get(key) as V | undefined;
  }

  private write(key: string, value: Entry, known: Entry | undefined): void {
    if (JSON.stringify(known) === JSON.stringify(value)) return;
    this.cache.set(key, value, this.ttlMs);
  }

  /** A provider account URL a session of the project's own gave (provider catalogs are trusted for URLs). */
  async learnBase(project: string, provider: string, base: string): Promise<void> {
    const key = `b\0${project}`;
    // Told on every call: the shared level is only read when this replica's copy lacks the URL.
    if (this.local<BasesEntry>(key)?.bases[provider] === base) return;
    const entry = await this.read<BasesEntry>(key);
    const known = entry?.bases ?? {};
    if (known[provider] === base) return;
    this.write(key, { bases: { ...known, [provider]: base } }, entry);
  }

  async bases(project: string): Promise<Record<string, string>> {
    return (await this.read<BasesEntry>(`b\0${project}`))?.bases ?? {};
  }

  /** Account keys first, then the container's, as Swift's tempurl middleware orders them (with their scope). */
  async keys(project: string, provider: string, container: string): Promise<ScopedKey[]> {
    const account = Object.values((await this.read<KeyEntry>(accountKey(project, provider)))?.keys ?? {});
    const cont = Object.values((await this.read<KeyEntry>(containerKey(project, provider, container)))?.keys ?? {});
    return [
      ...account.map((key) => ({ key, scope: 'account' as const })),
      ...cont.map((key) => ({ key, scope: 'container' as const })),
    ];
  }

  /**
   * One answer of `provider` to the project's own account (never another account's). A 2xx HEAD/GET states the
   * keys as they are; a 2xx POST (or container PUT) changed those its request named.
   */
  async observe(
    project: string,
    provider: string,
    op: { method: string; container?: string; object?: string; headers?: HeaderBag },
    status: number,
    responseHeaders: HeaderBag,
  ): Promise<void> {
    if (op.container !== undefined) await this.noteSeen(project, provider, op, status);
    if (status < 200 || status >= 300 || op.object !== undefined) return;
    const kind = op.container === undefined ? 'account' : 'container';
    const key =
      op.container === undefined ? accountKey(project, provider) : containerKey(project, provider, op.container);
    if (op.method === 'HEAD' || op.method === 'GET') {
      this.store(key, statedKeys(responseHeaders, kind), await this.read<KeyEntry>(key));
      return;
    }
    if (op.method === 'DELETE' && kind === 'container') {
      this.cache.delete(key);
      return;
    }
    if (op.method !== 'POST' && !(op.method === 'PUT' && kind === 'container')) return;
    const changes = keyChanges(op.headers ?? {}, kind);
    if (!changes.size) return;
    const prior = await this.read<KeyEntry>(key);
    const next: NamedKeys = { ...prior?.keys };
    for (const [name, value] of changes) {
      if (value === undefined) delete next[name];
      else next[name] = value;
    }
    this.store(key, next, prior);
  }

  /** Providers where the project's container was last seen (any 2xx about it or its objects), priority order aside. */
  async seenAt(project: string, container: string): Promise<string[]> {
    return (await this.read<SeenEntry>(seenKey(project, container)))?.seen ?? [];
  }

  private async noteSeen(
    project: string,
    provider: string,
    op: { method: string; container?: string; object?: string },
    status: number,
  ): Promise<void> {
    const key = seenKey(project, op.container as string);
    const gone =
      op.object === undefined && ((op.method === 'DELETE' && status < 300) || status === 404) && status >= 200;
    const there = status >= 200 && status < 300 && !(op.method === 'DELETE' && op.object === undefined);
    if (!gone && !there) return;
    // Told on every call about a container: the shared level is only read when this replica's copy disagrees.
    if (there === (this.local<SeenEntry>(key)?.seen.includes(provider) ?? false)) return;
    const entry = await this.read<SeenEntry>(key);
    const known = entry?.seen ?? [];
    if (there === known.includes(provider)) return;
    const next = there ? [...known, provider] : known.filter((p) => p !== provider);
    if (next.length) this.write(key, { seen: next }, entry);
    else this.cache.delete(key);
  }

  private store(key: string, keys: NamedKeys, known: KeyEntry | undefined): void {
    if (Object.keys(keys).length) this.write(key, { keys }, known);
    else if (known !== undefined) this.cache.delete(key);
  }
}

export interface ScopedKey {
  key: string;
  scope: 'account' | 'container';
}

function accountKey(project: string, provider: string): string {
  return `a\0${project}\0${provider}`;
}

function seenKey(project: string, container: string): string {
  return `s\0${project}\0${container}`;
}

function containerKey(project: string, provider: string, container: string): string {
  return `c\0${project}\0${provider}\0${container}`;
}

/** The temp-url keys an answer states (`X-Account-Meta-Temp-URL-Key`, `-2`). */
export function statedKeys(headers: HeaderBag, kind: 'account' | 'container'): NamedKeys {
  const out: NamedKeys = {};
  for (const name of KEY_HEADERS) {
    const v = headerValue(headers, `x-${kind}-meta-${name}`);
    if (v) out[name] = v;
  }
  return out;
}

/** The temp-url keys a request sets (value) or removes (undefined): an empty value or `X-Remove-...` removes. */
export function keyChanges(headers: HeaderBag, kind: 'account' | 'container'): Map<KeyName, string | undefined> {
  const out = new Map<KeyName, string | undefined>();
  for (const name of KEY_HEADERS) {
    const set = headerValue(headers, `x-${kind}-meta-${name}`);
    if (set !== undefined) out.set(name, set === '' ? undefined : set);
    if (headerValue(headers, `x-remove-${kind}-meta-${name}`) !== undefined) out.set(name, undefined);
  }
  return out;
}

/** Request headers that name temp-url keys, for carrying an account's keys to every provider. */
export function keyHeaders(headers: HeaderBag, kind: 'account' | 'container'): HeaderBag {
  const out: HeaderBag = {};
  for (const name of KEY_HEADERS) {
    for (const h of [`x-${kind}-meta-${name}`, `x-remove-${kind}-meta-${name}`]) {
      const v = headerValue(headers, h);
      if (v !== undefined) out[h] = v;
    }
  }
  return out;
}
