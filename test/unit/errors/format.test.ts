import {
  BadRequest,
  ItemNotFound,
  ProviderUnavailable,
  Unauthorized,
  UnknownProvider,
  toOcxError,
} from '../../../src/errors/errors';
import { renderError } from '../../../src/errors/format';

describe('error rendering per service', () => {
  it('Keystone: {"error":{code,title,message}} with WWW-Authenticate on 401', () => {
    const r = renderError('identity', new Unauthorized());
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toEqual({
      error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
    });
    expect(r.headers?.['WWW-Authenticate']).toBeDefined();
  });

  it.each(['compute', 'volume'] as const)('%s: {"<kind>":{message,code}}', (svc) => {
    expect(JSON.parse(renderError(svc, new ItemNotFound('Volume x could not be found.')).body)).toEqual({
      itemNotFound: { code: 404, message: 'Volume x could not be found.' },
    });
    expect(JSON.parse(renderError(svc, new BadRequest('nope')).body)).toEqual({
      badRequest: { code: 400, message: 'nope' },
    });
  });

  it('Nova: an unavailable provider is a 503 serviceUnavailable, other 5xx are computeFault', () => {
    const r = renderError('compute', new ProviderUnavailable('bu-keystone'));
    expect(r.status).toBe(503);
    expect(Object.keys(JSON.parse(r.body))).toEqual(['serviceUnavailable']);
    expect(Object.keys(JSON.parse(renderError('compute', toOcxError(new Error('boom'))).body))).toEqual([
      'computeFault',
    ]);
  });

  it("Swift: swob's HTML page or its own text; Glance: plain text", () => {
    const s = renderError('object-store', new ItemNotFound('Not found <x>'));
    expect(s.contentType).toMatch(/text\/html/);
    expect(s.body).toBe('Not found &lt;x&gt;');
    expect(renderError('object-store', new ItemNotFound('The resource could not be found.')).body).toBe(
      '<html><h1>Not Found</h1><p>The resource could not be found.</p></html>',
    );
    const g = renderError('image', new ItemNotFound('No image found with ID x'));
    expect(g.contentType).toMatch(/text\/plain/);
    expect(g.body.startsWith('404 Not Found\n\nNo image found with ID x')).toBe(true);
  });

  it('unknown provider names the provider and lists the known ones', () => {
    const e = new UnknownProvider('mars', ['home', 'bu-keystone']);
    expect(e.status).toBe(400);
    expect(e.message).toBe('Unknown provider "mars". Known providers: home, bu-keystone.');
  });

  it('internal errors never expose their message', () => {
    const e = toOcxError(new Error('secret token gAAAA in message'));
    expect(e.status).toBe(500);
    expect(e.message).not.toMatch(/gAAAA/);
  });

  it('body-parser style errors keep their 4xx status', () => {
    expect(toOcxError(Object.assign(new Error('x'), { status: 413 })).status).toBe(413);
    expect(toOcxError(Object.assign(new Error('x'), { status: 400 })).status).toBe(400);
  });
});
