import { ProviderSessions, type ProviderSession } from '../../../src/identity/provider-sessions';
import { TokenValidator, type TokenCacheEntry } from '../../../src/identity/token-validator';
import { memoryCache, type Cache } from '../../../src/state/cache';
import { tokenDigest } from '../../../src/state/token-key';
import type { UpstreamClient } from '../../../src/upstream/client';
import { config, info, NOW, now } from './identity-fixtures';

// A local miss consults the shared level before asking any Keystone.

/** A memory cache whose shared level is `shared` (what another instance wrote). */
function withShared<V extends object>(shared: Map<string, V>): Cache<V> & { asked: string[] } {
  const local = memoryCache<V>(10);
  const asked: string[] = [];
  return {
    ...local,
    get size() {
      return local.size;
    },
    asked,
    fetchShared: async (key) => {
      asked.push(key);
      const v = shared.get(key);
      if (v) local.set(key, v, 60_000);
      return v;
    },
  };
}

function upstreamThatFails(): UpstreamClient & { send: jest.Mock } {
  return { send: jest.fn(async () => Promise.reject(new Error('no Keystone call expected'))) } as never;
}

describe('token validation consults the shared level on a local miss', () => {
  it('a verdict from another instance saves the Keystone validation', async () => {
    const cache = withShared(new Map<string, TokenCacheEntry>([[tokenDigest('tok-1'), { ok: true, info }]]));
    const upstream = upstreamThatFails();
    const v = new TokenValidator({ name: 'home', keystoneUrl: 'x' }, upstream, cache, config.cache, undefined, now);
    await expect(v.validate('tok-1')).resolves.toEqual(info);
    const asked = [...cache.asked];
    expect(asked).toContain(tokenDigest('tok-1'));
    await expect(v.validate('tok-1')).resolves.toEqual(info);
    expect(cache.asked).toEqual(asked); // the second call was a local hit
    expect(upstream.send).not.toHaveBeenCalled();
  });

  it("another instance's rejection is a rejection", async () => {
    const cache = withShared(new Map<string, TokenCacheEntry>([[tokenDigest('tok-bad'), { ok: false }]]));
    const upstream = upstreamThatFails();
    const v = new TokenValidator({ name: 'home', keystoneUrl: 'x' }, upstream, cache, config.cache, undefined, now);
    await expect(v.validate('tok-bad')).rejects.toMatchObject({ status: 401 });
    expect(upstream.send).not.toHaveBeenCalled();
  });

  it('an expired shared verdict is not trusted: Keystone is asked', async () => {
    const expired: TokenCacheEntry = { ok: true, info: { ...info, expiresAt: NOW - 1 } };
    const cache = withShared(new Map<string, TokenCacheEntry>([[tokenDigest('tok-2'), expired]]));
    const upstream = upstreamThatFails();
    const v = new TokenValidator({ name: 'home', keystoneUrl: 'x' }, upstream, cache, config.cache, undefined, now);
    await expect(v.validate('tok-2')).rejects.toThrow('no Keystone call expected');
    expect(upstream.send).toHaveBeenCalledTimes(1);
  });
});

describe('provider sessions consult the shared level before a K2K exchange', () => {
  const caller = { token: 'home-token', info };
  const session = (expiresAt: number): ProviderSession => ({
    provider: 'bu',
    kind: 'k2k',
    token: 'provider-token',
    projectId: 'bu-p1',
    homeProjectId: 'p1',
    expiresAt,
    catalog: [],
  });

  it("another instance's provider token for the same caller is used, no exchange", async () => {
    const shared = new Map<string, ProviderSession>();
    const cache = withShared(shared);
    const upstream = upstreamThatFails();
    const sessions = new ProviderSessions(config, upstream, cache, undefined, now);
    const key = `${tokenDigest('home-token')}|u1|p1|bu`;
    shared.set(key, session(NOW + 3_600_000));
    await expect(sessions.get(caller, 'bu')).resolves.toMatchObject({ token: 'provider-token' });
    expect(cache.asked).toEqual([key]);
    expect(upstream.send).not.toHaveBeenCalled();
  });

  it('a shared provider token inside the renewal margin is not used: a fresh exchange is attempted', async () => {
    const shared = new Map<string, ProviderSession>();
    const upstream = upstreamThatFails();
    const sessions = new ProviderSessions(config, upstream, withShared(shared), undefined, now);
    const key = `${tokenDigest('home-token')}|u1|p1|bu`;
    shared.set(key, session(NOW + config.cache.providerTokenMarginMs - 1));
    await expect(sessions.get(caller, 'bu')).rejects.toThrow();
  });

  describe('the shared lease on an exchange', () => {
    /** A shared level where another instance holds the lease until `heldFor` ms have passed (real time). */
    function leased(shared: Map<string, ProviderSession>, heldFor: number) {
      const cache = withShared(shared);
      const started = Date.now();
      const claims: number[] = [];
      return Object.assign(cache, {
        claims,
        claimShared: async () => {
          claims.push(Date.now() - started);
          return Date.now() - started >= heldFor;
        },
        releaseShared: async () => undefined,
      });
    }

    it("waits for the holder's session instead of exchanging", async () => {
      const shared = new Map<string, ProviderSession>();
      const cache = leased(shared, 60_000);
      const upstream = upstreamThatFails();
      const sessions = new ProviderSessions(config, upstream, cache, undefined, now);
      setTimeout(() => shared.set(`${tokenDigest('home-token')}|u1|p1|bu`, session(NOW + 3_600_000)), 100);
      await expect(sessions.get(caller, 'bu')).resolves.toMatchObject({ token: 'provider-token' });
      expect(upstream.send).not.toHaveBeenCalled();
      expect(cache.claims.length).toBeGreaterThan(1);
    });

    it('a holder that died: its lease runs out and this instance exchanges itself, within seconds', async () => {
      const cache = leased(new Map(), 3_000);
      const upstream = upstreamThatFails();
      const sessions = new ProviderSessions(config, upstream, cache, undefined, now);
      const t0 = Date.now();
      // The fixture's home token lists no service provider: reaching that error means the exchange was started.
      await expect(sessions.get(caller, 'bu')).rejects.toThrow(/Federation with provider bu failed/);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(3_000);
      expect(Date.now() - t0).toBeLessThan(4_500);
    });
  });
});
