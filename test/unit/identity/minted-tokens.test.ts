import { MintedTokens } from '../../../src/identity/minted-tokens';
import { memoryCache } from '../../../src/state/cache';

describe('minted provider tokens', () => {
  it('maps a minted token back to exactly the home token and provider project it was made for', () => {
    const m = new MintedTokens(memoryCache(10));
    m.remember('nu-token-1', { homeToken: 'home-a', provider: 'nu', providerProjectId: 'nu-p1' }, 60_000);
    m.remember('nu-token-2', { homeToken: 'home-b', provider: 'nu', providerProjectId: 'nu-p2' }, 60_000);
    expect(m.lookup('nu-token-1')).toEqual({ homeToken: 'home-a', provider: 'nu', providerProjectId: 'nu-p1' });
    expect(m.lookup('nu-token-2')).toEqual({ homeToken: 'home-b', provider: 'nu', providerProjectId: 'nu-p2' });
    expect(m.lookup('home-a')).toBeUndefined();
    expect(m.lookup('unknown')).toBeUndefined();
    m.forget('nu-token-1');
    expect(m.lookup('nu-token-1')).toBeUndefined();
  });

  it('does not remember entries with no lifetime left', () => {
    const m = new MintedTokens(memoryCache(10));
    m.remember('t', { homeToken: 'h', provider: 'nu' }, 0);
    expect(m.lookup('t')).toBeUndefined();
  });
});
