import { BadRequest, Forbidden } from '../../../../src/errors/errors';
import { rewriteRequestHeaders } from '../../../../src/services/object-store/request-headers';

const rw = { provider: 'bu', providers: ['home', 'bu'], proxyAccount: 'AUTH_home1', providerAccount: 'AUTH_bu1' };

describe('rewriteRequestHeaders', () => {
  it('strips @provider from DLO and symlink targets at the same provider', () => {
    const out = rewriteRequestHeaders(
      { 'x-object-manifest': 'segs@bu/big/0001', 'x-symlink-target': 'c%40bu/o', 'x-other': 'keep@bu' },
      rw,
    );
    expect(out).toEqual({ 'x-object-manifest': 'segs/big/0001', 'x-symlink-target': 'c/o', 'x-other': 'keep@bu' });
  });

  it('leaves bare names alone', () => {
    expect(rewriteRequestHeaders({ 'x-object-manifest': 'segs/p' }, rw)).toEqual({ 'x-object-manifest': 'segs/p' });
  });

  it('refuses a target at another provider', () => {
    expect(() => rewriteRequestHeaders({ 'x-object-manifest': 'segs@home/p' }, rw)).toThrow(BadRequest);
  });

  it('translates the proxy account into the provider account, refuses any other', () => {
    expect(rewriteRequestHeaders({ 'x-symlink-target-account': 'AUTH_home1' }, rw)).toEqual({
      'x-symlink-target-account': 'AUTH_bu1',
    });
    expect(() => rewriteRequestHeaders({ 'destination-account': 'AUTH_bu1' }, rw)).toThrow(Forbidden);
    expect(() => rewriteRequestHeaders({ 'x-copy-from-account': 'AUTH_other' }, rw)).toThrow(Forbidden);
  });

  it('does not modify its input', () => {
    const input = Object.freeze({ 'x-object-manifest': 'segs@bu/p' });
    rewriteRequestHeaders(input, rw);
    expect(input['x-object-manifest']).toBe('segs@bu/p');
  });
});
