// A first path segment named like a member of Object.prototype (`constructor`, `__proto__`, `toString`) once found
// that member in the request context's service table (src/http/middleware.ts) and the error renderer failed on it:
// a 500 HTML page with a stack trace naming the proxy's files. Such paths are unknown paths: 404 in the proxy's
// own JSON format, nothing about the proxy's insides.
import request from 'supertest';
import { startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('first path segments named like Object.prototype members', () => {
  it.each(['/constructor', '/__proto__', '/toString', '/hasOwnProperty/x', '/valueOf/'])(
    '%s is a plain 404',
    async (path) => {
      const res = await request(h.server).get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.error.code).toBe(404);
      expect(res.text).not.toMatch(/TypeError|at |node_modules|dist\//);
    },
  );
});
