import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { EntrySealer } from '../../../src/state/sealed-entry';

const key = () => new Uint8Array(randomBytes(32));
const NOW = 1_800_000_000_000;

describe('shared-state entries: JWE dir/A256GCM bound to their key', () => {
  const sealer = new EntrySealer(key());
  const name = sealer.name('provider_token', 'digest|user|project|bu-keystone');

  it('round-trips a value with its expiry', async () => {
    const jwe = await sealer.seal(name, { token: 'gAAAAsecret', expiresAt: 5 }, NOW + 60_000);
    expect(await sealer.open(name, jwe, NOW)).toEqual({
      value: { token: 'gAAAAsecret', expiresAt: 5 },
      expiresAt: NOW + 60_000,
    });
  });

  it('is a compact JWE with alg dir, enc A256GCM and no readable payload', async () => {
    const jwe = await sealer.seal(name, { token: 'gAAAAsecret' }, NOW + 60_000);
    const parts = jwe.split('.');
    expect(parts).toHaveLength(5);
    expect(parts[1]).toBe(''); // dir: no encrypted key
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'dir', enc: 'A256GCM' });
    expect(jwe).not.toContain('gAAAA');
    expect(Buffer.from(parts[3] as string, 'base64url').toString('latin1')).not.toContain('secret');
  });

  it('refuses an entry moved to another key (another caller), another encryption key, tampering and expiry', async () => {
    const jwe = await sealer.seal(name, { ok: true }, NOW + 60_000);
    const other = sealer.name('provider_token', 'another-digest|user|project|bu-keystone');
    expect(await sealer.open(other, jwe, NOW)).toBeUndefined();
    expect(await new EntrySealer(key()).open(name, jwe, NOW)).toBeUndefined();
    const parts = jwe.split('.');
    const ct = Buffer.from(parts[3] as string, 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[3] = ct.toString('base64url');
    expect(await sealer.open(name, parts.join('.'), NOW)).toBeUndefined();
    expect(await sealer.open(name, jwe, NOW + 60_000)).toBeUndefined();
    expect(await sealer.open(name, 'not a jwe', NOW)).toBeUndefined();
  });

  it('names keys by HMAC: nothing of the local key shows, namespaces and encryption keys differ', () => {
    const local = 'container|project-1234|my-private-container';
    const n = sealer.name('location', local);
    expect(n).toMatch(/^v1:location:[A-Za-z0-9_-]{43}$/);
    expect(n).not.toContain('project-1234');
    expect(n).not.toContain('my-private-container');
    expect(sealer.name('token', local)).not.toBe(n.replace(':location:', ':token:'));
    expect(new EntrySealer(key()).name('location', local)).not.toBe(n);
    expect(sealer.name('location', local)).toBe(n);
  });

  it('wants a 32-byte key', () => {
    expect(() => new EntrySealer(new Uint8Array(16))).toThrow(/32 bytes/);
  });
});
