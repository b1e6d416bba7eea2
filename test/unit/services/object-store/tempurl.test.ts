import { createHmac } from 'node:crypto';
import { keyBytes, tempUrlHmac, verify } from '../../../../src/services/object-store/tempurl';

// A temp-url key is a header value. Node's HTTP parser and undici give header values one byte per character
// (latin1), while Swift (and the client that signed) HMACs the key's raw bytes: a key of UTF-8 text must not be
// UTF-8-encoded a second time. Swift's functional suite uses such keys (test_tempurl.py *UTF8 classes).

const TEXT_KEY = 'kéy-中文-Ω';
/** The key as it arrives in a header value, byte for byte. */
const HEADER_KEY = Buffer.from(TEXT_KEY, 'utf8').toString('latin1');
const PATH = '/v1/AUTH_p/cönt/öbj';
const EXPIRES = 1_900_000_000;

function swiftSig(method: string, path: string, digest = 'sha256'): string {
  // swift/common/digest.py get_hmac over the key's bytes, as the suite signs (key.encode('utf8')).
  return createHmac(digest, Buffer.from(TEXT_KEY, 'utf8'))
    .update(Buffer.from(`${method}\n${EXPIRES}\n${path}`, 'utf8'))
    .digest('hex');
}

describe('temp-url keys are HMACed as the bytes the header carried', () => {
  it('keyBytes gives back the header bytes', () => {
    expect(keyBytes(HEADER_KEY).equals(Buffer.from(TEXT_KEY, 'utf8'))).toBe(true);
    expect(keyBytes('ascii-key').toString('utf8')).toBe('ascii-key');
  });

  it('tempUrlHmac matches the signature Swift and its clients make with a UTF-8 key', () => {
    expect(tempUrlHmac('GET', PATH, EXPIRES, HEADER_KEY, 'sha256')).toBe(swiftSig('GET', PATH));
    expect(tempUrlHmac('PUT', PATH, EXPIRES, HEADER_KEY, 'sha512')).toBe(swiftSig('PUT', PATH, 'sha512'));
  });

  it('verify accepts the signature for the UTF-8 key and refuses the key encoded twice', () => {
    const p = { sig: swiftSig('GET', PATH), expires: EXPIRES, inline: false };
    const digests = ['sha1', 'sha256', 'sha512'];
    expect(verify(p, 'GET', [PATH], [{ key: HEADER_KEY, scope: 'account' }], digests)?.key).toBe(HEADER_KEY);
    const doubled = createHmac('sha256', Buffer.from(HEADER_KEY, 'utf8'))
      .update(`GET\n${EXPIRES}\n${PATH}`)
      .digest('hex');
    expect(verify({ ...p, sig: doubled }, 'GET', [PATH], [{ key: HEADER_KEY, scope: 'account' }], digests)).toBe(
      undefined,
    );
  });
});
