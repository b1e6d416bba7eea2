import { renderError } from '../../../../src/errors/format';
import { aclIds, projectOfAccount, translateAcl, withOwnProject } from '../../../../src/services/object-store/acl-ids';
import { NO_ACL_IDS } from '../../../../src/identity/identity-directory';
import { rewriteRequestHeaders } from '../../../../src/services/object-store/request-headers';
import { ItemNotFound, PreconditionFailed } from '../../../../src/errors/errors';
import { checkBodyFraming } from '../../../../src/services/object-store/constraints';
import { clientRow, rowsNeedRewrite } from '../../../../src/services/object-store/listing-paths';
import { titleCase } from '../../../../src/services/object-store/relay';
import { clientHeaders, swiftChallenge } from '../../../../src/services/object-store/response-headers';
import { withAccount } from '../../../../src/services/object-store/upstream-url';
import {
  CallerRefused,
  LengthRequired,
  NotImplemented,
  callerRefusal,
  throwRefusal,
} from '../../../../src/services/object-store/swift-errors';
import { pyQuote, swiftMount, swiftRealm } from '../../../../src/services/object-store/swift-path';

describe('swiftMount: Swift at /v1 on the root, /object-store as its alias', () => {
  it.each([
    ['/v1/AUTH_p/c', ''],
    ['/v1', ''],
    ['/v1.0/AUTH_p', ''],
    ['/object-store/v1/AUTH_p', '/object-store'],
    ['/object-store', '/object-store'],
    ['/v10/AUTH_p', undefined],
    ['/v1x', undefined],
    ['/volume/v3', undefined],
    ['/object-storex/v1', undefined],
  ])('%s -> %p', (path, mount) => {
    expect(swiftMount(path)).toBe(mount);
  });
});

describe("swiftRealm: the account of Swift's WWW-Authenticate challenge", () => {
  it('quotes the decoded account like Python quote(safe="/")', () => {
    expect(swiftRealm('/v1/AUTH_abc/c/o')).toBe('AUTH_abc');
    const hax = 'AUTH_haxx"\nContent-Length: 14\n\n<b>Hello World';
    expect(swiftRealm(`/v1/${encodeURIComponent(hax)}`)).toBe(
      'AUTH_haxx%22%0AContent-Length%3A%2014%0A%0A%3Cb%3EHello%20World',
    );
    expect(pyQuote("a!'()*~_.-b")).toBe('a%21%27%28%29%2A~_.-b');
  });

  it('is unknown without an account, or for the auth paths', () => {
    expect(swiftRealm('/v1')).toBe('unknown');
    expect(swiftRealm('/v1/')).toBe('unknown');
    expect(swiftRealm('/auth/v1.0')).toBe('unknown');
    expect(swiftRealm('/v1/%FF')).toBe('unknown');
  });
});

describe("renderSwift: swob's bodies", () => {
  it('a default explanation is the HTML page, anything else the text alone, both text/html; charset=UTF-8', () => {
    const page = renderError('object-store', new ItemNotFound('The resource could not be found.'));
    expect(page.body).toBe('<html><h1>Not Found</h1><p>The resource could not be found.</p></html>');
    expect(page.contentType).toBe('text/html; charset=UTF-8');
    const plain = renderError('object-store', new PreconditionFailed('Bad URL'));
    expect(plain.body).toBe('Bad URL');
    expect(plain.contentType).toBe('text/html; charset=UTF-8');
    expect(renderError('object-store', new LengthRequired()).status).toBe(411);
    expect(renderError('object-store', new ItemNotFound('no <b>')).body).toBe('no &lt;b&gt;');
  });
});

describe('checkBodyFraming: only chunked or a Content-Length frame an object PUT', () => {
  it('411 without either, 501 for a list of codings, fine otherwise', () => {
    expect(() => checkBodyFraming({})).toThrow(LengthRequired);
    expect(() => checkBodyFraming({ 'transfer-encoding': 'gzip,chunked' })).toThrow(NotImplemented);
    expect(() => checkBodyFraming({ 'transfer-encoding': 'gzip' })).toThrow(LengthRequired);
    expect(() => checkBodyFraming({ 'content-length': '0' })).not.toThrow();
    expect(() => checkBodyFraming({ 'transfer-encoding': 'chunked' })).not.toThrow();
  });
});

describe('callerRefusal: a provider refusing the caller is the caller’s answer', () => {
  it('401/403 with the caller’s token are refusals; with static credentials they are outages', () => {
    expect(callerRefusal(403, false)?.status).toBe(403);
    expect(callerRefusal(401, false)?.status).toBe(401);
    expect(callerRefusal(403, true)).toBeUndefined();
    expect(callerRefusal(404, false)).toBeUndefined();
    expect(() => throwRefusal([{ error: new ItemNotFound('x') }])).not.toThrow();
    expect(() => throwRefusal([{ error: new CallerRefused(403) }])).toThrow(CallerRefused);
  });
});

const bu = {
  provider: 'bu',
  providerBase: 'http://10.0.0.9:8080/v1/AUTH_bu1',
  proxyBase: 'http://proxy:8080/v1/AUTH_home1',
};

describe('Swift paths reach the client in the form the client used', () => {
  it('Content-Location and Location follow a root (/v1) account', () => {
    const out = clientHeaders(
      { 'content-location': '/v1/AUTH_bu1/c/target', location: 'http://10.0.0.9:8080/v1/AUTH_bu1/c/o' },
      bu,
      'req-1',
    );
    expect(out['content-location']).toBe('/v1/AUTH_home1/c/target');
    expect(out['location']).toBe('http://proxy:8080/v1/AUTH_home1/c/o');
  });

  it("symlink_path in listing rows names the client's account", () => {
    const row = { name: 'l', bytes: 0, symlink_path: '/v1/AUTH_bu1/tc/t%20o' };
    expect(clientRow(row, bu)).toEqual({ ...row, symlink_path: '/v1/AUTH_home1/tc/t%20o' });
    const alias = { ...bu, proxyBase: 'http://proxy:8080/object-store/v1/AUTH_home1' };
    expect(clientRow(row, alias)['symlink_path']).toBe('/object-store/v1/AUTH_home1/tc/t%20o');
    // Another account's path is left alone: it is not the caller's.
    const other = { name: 'l', symlink_path: '/v1/AUTH_zzz/tc/t' };
    expect(clientRow(other, bu)).toBe(other);
    expect(rowsNeedRewrite(bu)).toBe(true);
    const same = { provider: 'home', providerBase: 'http://h:8081/v1/AUTH_p', proxyBase: 'http://proxy/v1/AUTH_p' };
    expect(rowsNeedRewrite(same)).toBe(false);
  });
});

describe('titleCase: header names as swob writes them', () => {
  it("matches Python's str.title()", () => {
    expect(titleCase('x-object-meta-color')).toBe('X-Object-Meta-Color');
    expect(titleCase('etag')).toBe('Etag');
    expect(titleCase('x-object-meta-a1b')).toBe('X-Object-Meta-A1B');
    expect(titleCase('X-OBJECT-META-FOOD')).toBe('X-Object-Meta-Food');
  });
});

describe('withAccount and swiftChallenge', () => {
  it('swaps the account of a storage URL, never to a dot segment', () => {
    expect(withAccount('http://h:8081/v1/AUTH_a', 'AUTH_b')).toBe('http://h:8081/v1/AUTH_b');
    expect(withAccount('http://h:8081/swift/v1/AUTH_a/', 'AUTH_b c')).toBe('http://h:8081/swift/v1/AUTH_b%20c');
    for (const bad of ['..', '.', '', 'a/b']) expect(() => withAccount('http://h/v1/AUTH_a', bad)).toThrow();
  });

  it("keeps Swift's challenge (account made the proxy's), drops Keystone's with its URL", () => {
    expect(swiftChallenge(['Swift realm="AUTH_p"', 'Keystone uri="http://10.0.0.1:5000"'], 'AUTH_p', 'AUTH_h')).toBe(
      'Swift realm="AUTH_h"',
    );
    expect(swiftChallenge('Keystone uri="http://10.0.0.1:5000"', 'AUTH_p', 'AUTH_h')).toBeUndefined();
    expect(swiftChallenge(undefined, 'AUTH_p', 'AUTH_h')).toBeUndefined();
  });
});

describe("container ACLs: the caller's project id translated between home and the provider", () => {
  it('translates only elements naming that project, both ways', () => {
    const own = (from: string, to: string) => withOwnProject(NO_ACL_IDS, from, to);
    expect(translateAcl('home1:*,home1:u1, .r:*,other:*,home10:x', own('home1', 'bu1'))).toBe(
      'bu1:*,bu1:u1, .r:*,other:*,home10:x',
    );
    expect(translateAcl('bu1:*', own('bu1', 'home1'))).toBe('home1:*');
    expect(projectOfAccount('AUTH_abc')).toBe('abc');
  });

  it("translates other grantees' projects and users where known, never referrer designators", () => {
    const ids = { projects: new Map([['p2', 'bp2']]), users: new Map([['u2', 'bu2']]) };
    expect(translateAcl('p2:u2, p2:*,p3:u2,.r:p2,.rlistings,u2', ids)).toBe(
      'bp2:bu2, bp2:*,p3:bu2,.r:p2,.rlistings,u2',
    );
    expect(aclIds(['p2:u2, p3:*,.r:*', undefined, 'bare'])).toEqual({ projects: ['p2', 'p3', 'bare'], users: ['u2'] });
  });

  it('is applied to the request for a provider and to its answer', () => {
    const rw = { provider: 'bu', providers: ['home', 'bu'], proxyAccount: 'AUTH_home1', providerAccount: 'AUTH_bu1' };
    expect(rewriteRequestHeaders({ 'x-container-read': 'home1:*,.rlistings' }, rw)['x-container-read']).toBe(
      'bu1:*,.rlistings',
    );
    expect(
      clientHeaders({ 'x-container-write': 'bu1:u' }, { ...bu, providerBase: 'http://b/v1/AUTH_bu1' }, 'r')[
        'x-container-write'
      ],
    ).toBe('home1:u');
  });
});
