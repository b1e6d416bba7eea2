import request from 'supertest';
import { passwordAuth, startHarness, type Harness } from '../support/harness';

// Regression: a marker whose volume was deleted at a non-home provider used to yield a 200 listing silently
// missing that provider (X-OCX-Partial); Cinder answers an unknown marker with 404, and so does the proxy now.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it('a deleted marker at another provider is a 404, not a short listing', async () => {
  const login = await request(h.server)
    .post('/identity/v3/auth/tokens')
    .send(passwordAuth('demo', 'demo-secret', 'demo'));
  const token = login.headers['x-subject-token'] as string;
  const project = login.body.token.project.id as string;
  const bu = h.demo.providers['bu-keystone']!.volume;
  let marker: string | undefined;
  let next: string | undefined = `/volume/v3/${project}/volumes?limit=1`;
  for (let i = 0; i < 20 && next; i++) {
    const page = await request(h.server).get(next).set('x-auth-token', token);
    expect(page.status).toBe(200);
    const id = page.body.volumes[0]?.id as string | undefined;
    const link = (page.body.volumes_links ?? []).find((l: { rel: string }) => l.rel === 'next')?.href as
      string | undefined;
    if (id && bu.volumes.has(id) && link) {
      marker = id;
      next = new URL(link).pathname + new URL(link).search;
      break;
    }
    next = link ? new URL(link).pathname + new URL(link).search : undefined;
  }
  expect(marker).toBeDefined();
  bu.volumes.delete(marker as string);
  const res = await request(h.server)
    .get(next as string)
    .set('x-auth-token', token);
  expect(res.status).toBe(404);
  expect(res.headers['x-ocx-partial']).toBeUndefined();
  expect(Object.keys(res.body)).toEqual(['itemNotFound']);
});
