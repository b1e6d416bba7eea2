// Nova and Neutron together through the proxy, against the demo cloud: `server create --nic net-id=ID@provider`
// and `--port PORT@provider` reach that provider's Nova with the bare id (Nova refuses "@"), the server is placed
// there, and a network named at another provider than the server's placement is a 400 naming it.
import request from 'supertest';
import { login, received, startHarness, type Harness, type Login } from './compute-support';

let h: Harness;
let me: Login;
const bu = () => h.demo.providers['bu-keystone']!;
const buProject = () => bu().projects['demo'] as string;
const cirros = (p: string) =>
  [...h.demo.providers[p]!.image.images.values()].find((i) => (i.name ?? '').startsWith('cirros'))!.id;

beforeAll(async () => {
  h = await startHarness();
  me = await login(h);
});
afterAll(async () => {
  await h.demo.providers['home']!.compute.idle();
  await bu().compute.idle();
  await h.close();
});

const create = (server: Record<string, unknown>, headers: Record<string, string> = {}) =>
  request(h.server)
    .post('/compute/v2.1/servers')
    .set('x-auth-token', me.token)
    .set(headers)
    .send({ server: { flavorRef: '1', ...server } });

describe('server create with networks named at a provider', () => {
  it('--nic net-id=ID@bu-keystone creates the server at bu-keystone with the bare network id', async () => {
    const net = bu().network.seed('networks', buProject(), { name: 'vm-net' })['id'] as string;
    const from = bu().compute.requests.length;
    const res = await create({
      name: 'on-bu-net',
      imageRef: cirros('bu-keystone'),
      networks: [{ uuid: `${net}@bu-keystone` }],
    });
    expect(res.status).toBe(202);
    expect(res.headers['x-ocx-provider']).toBe('bu-keystone');
    const [seen] = received(bu().compute.requests, from, 'POST', /\/servers$/);
    expect((seen?.body as { server: { networks: unknown } }).server.networks).toEqual([{ uuid: net }]);
  });

  it('--port PORT@bu-keystone is stripped the same way', async () => {
    const port = `${'1'.repeat(8)}-1111-1111-1111-${'1'.repeat(12)}`;
    const from = bu().compute.requests.length;
    const res = await create({
      name: 'on-bu-port',
      imageRef: cirros('bu-keystone'),
      networks: [{ port: `${port}@bu-keystone` }],
    });
    expect(res.status).toBe(202);
    const [seen] = received(bu().compute.requests, from, 'POST', /\/servers$/);
    expect((seen?.body as { server: { networks: unknown } }).server.networks).toEqual([{ port }]);
  });

  it('a network at bu-keystone for a server placed at home is a 400 naming both', async () => {
    const net = bu().network.seed('networks', buProject(), { name: 'away' })['id'] as string;
    const res = await create(
      { name: 'mismatch', imageRef: cirros('home'), networks: [{ uuid: `${net}@bu-keystone` }] },
      {
        'x-ocx-provider': 'home',
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toContain(`Network ${net} is at bu-keystone`);
  });

  it('networks at two providers are a 400', async () => {
    const res = await create({
      name: 'split',
      imageRef: cirros('home'),
      networks: [{ uuid: 'a@home' }, { uuid: 'b@bu-keystone' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toContain('several providers');
  });
});
