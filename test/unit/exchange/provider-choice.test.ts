import { ProviderNotChosen } from '../../../src/identity/k2k/errors';
import { ProviderSessions } from '../../../src/identity/provider-sessions';
import { ProviderChoices } from '../../../src/services/exchange/provider-choice';
import { memoryCache } from '../../../src/state/cache';
import type { UpstreamClient, UpstreamResponse } from '../../../src/upstream/client';
import { config, info } from '../identity/identity-fixtures';

// Reading a project's provider choice at the home Keystone: cached for provider_choice_ttl, the last known choice
// kept while Keystone cannot answer, every provider when Keystone does not let the caller read the project; and the
// gate in provider-sessions.ts that refuses an unchosen provider before any exchange.
function response(status: number, body: unknown = {}): UpstreamResponse {
  return { status, headers: {}, json: async () => body, body: { resume: () => undefined } } as never;
}

function keystone(answers: Array<() => UpstreamResponse>): { upstream: UpstreamClient; calls: jest.Mock } {
  const calls = jest.fn(async () => (answers.shift() ?? (() => response(500)))());
  return { upstream: { send: calls } as never, calls };
}

const project = (tags: string[]) => () => response(200, { project: { id: 'p1', tags } });
const caller = { token: 'tok', info };

describe('ProviderChoices.chosen', () => {
  it('reads the tag with the caller’s token and reuses it for provider_choice_ttl', async () => {
    let t = 1_000;
    const { upstream, calls } = keystone([project(['ocx-providers:home']), project([])]);
    const choices = new ProviderChoices(config, upstream, memoryCache(10), () => t);
    expect(await choices.chosen(caller)).toEqual(['home']);
    expect(await choices.chosen(caller)).toEqual(['home']);
    expect(calls).toHaveBeenCalledTimes(1);
    const sent = calls.mock.calls[0] as unknown as [{ url: string; headers: Record<string, string> }];
    expect(sent[0].url).toBe('http://127.0.0.1:5001/v3/projects/p1');
    expect(sent[0].headers['x-auth-token']).toBe('tok');
    t += config.cache.providerChoiceTtlMs;
    expect(await choices.chosen(caller)).toBeUndefined();
    expect(calls).toHaveBeenCalledTimes(2);
  });

  it('keeps the last known choice while the home Keystone fails; none known: every provider', async () => {
    let t = 1_000;
    const down = () => {
      throw new Error('connect ECONNREFUSED');
    };
    const { upstream } = keystone([project(['ocx-providers:home']), down, down]);
    const choices = new ProviderChoices(config, upstream, memoryCache(10), () => t);
    expect(await choices.chosen(caller)).toEqual(['home']);
    t += config.cache.providerChoiceTtlMs + 1;
    expect(await choices.chosen(caller)).toEqual(['home']);
    const fresh = new ProviderChoices(config, keystone([down]).upstream, memoryCache(10), () => t);
    expect(await fresh.chosen(caller)).toBeUndefined();
  });

  it('Keystone refusing to show the project (403) means every provider; unscoped tokens ask nothing', async () => {
    const { upstream, calls } = keystone([() => response(403)]);
    const choices = new ProviderChoices(config, upstream, memoryCache(10));
    expect(await choices.chosen(caller)).toBeUndefined();
    expect(await choices.chosen({ token: 'tok', info: { ...info, projectId: undefined } })).toBeUndefined();
    expect(calls).toHaveBeenCalledTimes(1);
  });
});

describe('ProviderChoices.choose', () => {
  it('writes the tags back with the caller’s token, other tags kept; Keystone’s 403 is the answer', async () => {
    const { upstream, calls } = keystone([project(['team-a']), () => response(200), project([]), () => response(403)]);
    const choices = new ProviderChoices(config, upstream, memoryCache(10));
    expect(await choices.choose(caller, ['home'])).toEqual(['home']);
    const put = calls.mock.calls[1] as unknown as [{ method: string; url: string; body: string }];
    expect(put[0].method).toBe('PUT');
    expect(put[0].url).toBe('http://127.0.0.1:5001/v3/projects/p1/tags');
    expect(JSON.parse(put[0].body)).toEqual({ tags: ['team-a', 'ocx-providers:home'] });
    expect(await choices.chosen(caller)).toEqual(['home']);
    await expect(choices.choose(caller, ['home', 'bu'])).rejects.toMatchObject({ status: 403 });
  });
});

describe('the gate in provider-sessions.ts', () => {
  it('refuses a provider the caller’s project did not choose, before any exchange', async () => {
    const { upstream, calls } = keystone([]);
    const sessions = new ProviderSessions(config, upstream, memoryCache(10));
    await expect(sessions.get({ ...caller, providers: ['home'] }, 'bu')).rejects.toBeInstanceOf(ProviderNotChosen);
    await expect(sessions.get({ ...caller, providers: ['home'] }, 'bu')).rejects.toMatchObject({ status: 400 });
    expect((await sessions.get({ ...caller, providers: ['home'] }, 'home')).kind).toBe('home');
    expect(calls).not.toHaveBeenCalled();
  });
});
