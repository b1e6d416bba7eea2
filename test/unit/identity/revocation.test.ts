import { MintedTokens, type MintedToken } from '../../../src/identity/minted-tokens';
import { ProviderSessions, type ProviderSession } from '../../../src/identity/provider-sessions';
import { TokenValidator, type TokenCacheEntry } from '../../../src/identity/token-validator';
import { callWithSession } from '../../../src/services/provider-call';
import { memoryCache, type Cache } from '../../../src/state/cache';
import { tokenDigest } from '../../../src/state/token-key';
import type { UpstreamClient, UpstreamResponse } from '../../../src/upstream/client';
import { config, info, NOW, now } from './identity-fixtures';

// Revocation: a tombstone beats a validation in flight (here and at another instance sharing the cache), and what
// was derived from a revoked or rejected home token (provider sessions, minted provider tokens) goes with it.
const tokenBody = {
  token: {
    user: { id: 'u1', name: 'demo' },
    project: { id: 'p1', name: 'demo' },
    expires_at: new Date(NOW + 3_600_000).toISOString(),
  },
};

/** Two instances' caches over one shared map, as layered-cache.ts behaves (without the invalidation channel). */
function sharedPair<V extends object>(): [Cache<V>, Cache<V>] {
  const shared = new Map<string, V>();
  const one = (): Cache<V> => {
    const local = memoryCache<V>(100);
    return {
      get: (k) => local.get(k),
      set: (k, v, ttl) => {
        local.set(k, v, ttl);
        shared.set(k, v);
      },
      delete: (k) => {
        local.delete(k);
        shared.delete(k);
      },
      get size() {
        return local.size;
      },
      fetchShared: async (k) => shared.get(k),
    };
  };
  return [one(), one()];
}

function response(status: number, body: unknown = {}): UpstreamResponse {
  return { status, headers: {}, json: async () => body, body: { resume: () => undefined } } as never;
}

/** A home Keystone whose validation answers wait until released. */
function slowKeystone(): { upstream: UpstreamClient; release: () => void } {
  let release = (): void => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const upstream = {
    send: jest.fn(async () => {
      await gate;
      return response(200, tokenBody);
    }),
  } as never;
  return { upstream, release };
}

describe('token revocation tombstones', () => {
  it('a validation in flight when the token is revoked neither succeeds nor is cached', async () => {
    const { upstream, release } = slowKeystone();
    const v = new TokenValidator(
      { name: 'home', keystoneUrl: 'x' },
      upstream,
      memoryCache<TokenCacheEntry>(10),
      config.cache,
      undefined,
      now,
    );
    const inFlight = v.validate('tok');
    v.revoked('tok');
    release();
    await expect(inFlight).rejects.toMatchObject({ status: 401 });
    await expect(v.validate('tok')).rejects.toMatchObject({ status: 401 });
  });

  it("another instance's tombstone stops this instance's validation in flight", async () => {
    const [a, b] = sharedPair<TokenCacheEntry>();
    const { upstream, release } = slowKeystone();
    const atA = new TokenValidator({ name: 'home', keystoneUrl: 'x' }, upstream, a, config.cache, undefined, now);
    const atB = new TokenValidator({ name: 'home', keystoneUrl: 'x' }, upstream, b, config.cache, undefined, now);
    const inFlight = atB.validate('tok');
    atA.revoked('tok');
    release();
    await expect(inFlight).rejects.toMatchObject({ status: 401 });
    await expect(atB.validate('tok')).rejects.toMatchObject({ status: 401 });
  });

  it('revoking returns what was known of the token', async () => {
    const v = new TokenValidator(
      { name: 'home', keystoneUrl: 'x' },
      {} as never,
      memoryCache(10),
      config.cache,
      undefined,
      now,
    );
    v.remember('tok', info);
    expect(v.revoked('tok')).toEqual(info);
    await expect(v.validate('tok')).rejects.toMatchObject({ status: 401 });
  });
});

describe("a revoked or rejected home token's provider sessions", () => {
  const caller = { token: 'home-token', info };
  const session: ProviderSession = {
    provider: 'bu',
    kind: 'k2k',
    token: 'provider-token',
    projectId: 'bu-p1',
    homeProjectId: 'p1',
    expiresAt: NOW + 3_600_000,
    catalog: [],
  };

  function primed(): { sessions: ProviderSessions; cache: Cache<ProviderSession>; minted: MintedTokens } {
    const cache = memoryCache<ProviderSession>(10);
    const minted = new MintedTokens(memoryCache<MintedToken>(10));
    const sessions = new ProviderSessions(config, {} as never, cache, undefined, now, minted);
    // What a K2K exchange leaves behind: the session under the caller's key and the minted token.
    cache.set(`${tokenDigest('home-token')}|u1|p1|bu`, session, 60_000);
    minted.remember('provider-token', { homeToken: 'home-token', provider: 'bu', providerProjectId: 'bu-p1' }, 60_000);
    return { sessions, cache, minted };
  }

  it('forgetToken drops the sessions and the minted provider tokens', async () => {
    const { sessions, cache, minted } = primed();
    await expect(sessions.get(caller, 'bu')).resolves.toMatchObject({ token: 'provider-token' });
    sessions.forgetToken(caller);
    expect(cache.size).toBe(0);
    expect(minted.lookup('provider-token')).toBeUndefined();
  });

  it('a 401 at home drops them too', async () => {
    const { sessions, cache } = primed();
    const validator = { forget: jest.fn() } as unknown as TokenValidator;
    const { response: res } = await callWithSession({ sessions, validator }, caller, 'home', async () => response(401));
    expect(res.status).toBe(401);
    expect(validator.forget).toHaveBeenCalledWith('home-token');
    expect(cache.size).toBe(0);
  });

  const federated = {
    ...info,
    serviceProviders: [
      { id: 'bu', spUrl: 'http://127.0.0.1:5002/Shibboleth.sso/SAML2/ECP', authUrl: 'http://127.0.0.1:5002/v3/x' },
    ],
  };

  it('a refused exchange is remembered per (user, project, provider), not re-run', async () => {
    const send = jest.fn(async () => response(403));
    const sessions = new ProviderSessions(config, { send } as never, memoryCache(10), undefined, now);
    await expect(sessions.get({ token: 't1', info: federated }, 'bu')).rejects.toMatchObject({ step: 'ecp-assertion' });
    expect(send).toHaveBeenCalledTimes(1);
    // Another token of the same user and project: the remembered refusal, no new exchange.
    await expect(sessions.get({ token: 't2', info: federated }, 'bu')).rejects.toMatchObject({ step: 'ecp-assertion' });
    expect(send).toHaveBeenCalledTimes(1);
    // Another project of the same user is asked afresh.
    await expect(sessions.get({ token: 't3', info: { ...federated, projectId: 'p2' } }, 'bu')).rejects.toThrow();
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('a transport failure is not remembered', async () => {
    const send = jest.fn(async () => Promise.reject(new Error('ECONNREFUSED')));
    const sessions = new ProviderSessions(config, { send } as never, memoryCache(10), undefined, now);
    await expect(sessions.get({ token: 't1', info: federated }, 'bu')).rejects.toThrow('ECONNREFUSED');
    await expect(sessions.get({ token: 't1', info: federated }, 'bu')).rejects.toThrow('ECONNREFUSED');
    expect(send).toHaveBeenCalledTimes(2);
  });
});
