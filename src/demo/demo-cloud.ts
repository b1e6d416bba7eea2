// The bundled demo cloud: one in-process HTTP server per provider on 127.0.0.1:0, each hosting its simulated
// Keystone, Nova, Cinder, Glance and Swift under devstack paths. `npm start` without a config runs the proxy in
// front of it; the integration tests use it as their fixture. The first provider is home (the K2K IdP).
import { demoOffer } from './demo-offers';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { keystoneOptions, seedIdentity } from './demo-identity';
import type { ProviderAddress } from './demo-identity';
import { seedServices } from './demo-seed';
import type { ServiceEndpoints } from './compute-remote-services';
import { FakeCompute } from './fake-compute';
import { FakeImage } from './fake-image';
import { FakeKeystone } from './fake-keystone';
import { FakeNetwork } from './fake-network';
import { FakeObjectStore } from './fake-object-store';
import { FakeVolume } from './fake-volume';
import { SimServer } from './sim-server';
import type { TokenRecord } from './keystone-store';

export interface DemoCloudOptions {
  /** Provider names; the first is home. Default `['home', 'bu-keystone']`. */
  providers?: string[];
  /** Address the provider servers bind to (default 127.0.0.1). */
  host?: string;
  tokenLifetimeSec?: number;
  /** Port written into `config.listen` / `config.public_url` (default 0). */
  listenPort?: number;
  /**
   * The home Nova reaches Cinder and Glance over HTTP at these endpoints, e.g. the proxy's
   * (`proxyServiceEndpoints(url)`), as a real home Nova does for mix and match; default: in-process checks. Also
   * settable later: `providers.home.compute.setServiceEndpoints(...)`.
   */
  homeComputeServices?: ServiceEndpoints;
}

export interface DemoProvider {
  name: string;
  /** `http://127.0.0.1:<port>`; services live under /identity, /compute, /volume, /image, /object-store. */
  baseUrl: string;
  /** Project ids at this provider by name (home: demo, other, admin; SPs: demo, shared, admin). */
  projects: Record<string, string>;
  keystone: FakeKeystone;
  compute: FakeCompute;
  volume: FakeVolume;
  image: FakeImage;
  objectStore: FakeObjectStore;
  network: FakeNetwork;
}

/** Plain object in the YAML shape of docs/configuration.md. */
export interface DemoConfig {
  listen: { host: string; port: number };
  public_url: string;
  home: string;
  catalog: { template: string; region: string };
  providers: Record<
    string,
    {
      keystone_url: string;
      sp_id?: string;
      priority: number;
      provider_token_callbacks: boolean;
      offer?: Record<string, unknown>;
    }
  >;
}

export interface DemoCloud {
  providers: Record<string, DemoProvider>;
  config: DemoConfig;
  /** Simulates an outage: while down the provider's server accepts nothing and resets open connections. */
  setDown(provider: string, down: boolean): void;
  stop(): Promise<void>;
}

export const DEFAULT_PROVIDERS = ['home', 'bu-keystone'];

type Services = Omit<DemoProvider, 'name' | 'baseUrl' | 'projects'>;

/** Builds one provider's fakes; Nova checks images with Glance and attaches volumes through Cinder. */
function createServices(base: string, keystone: FakeKeystone): Services {
  const auth = keystone;
  const volume = new FakeVolume({ baseUrl: `${base}/volume`, auth });
  const image = new FakeImage({ baseUrl: `${base}/image`, auth });
  const compute = new FakeCompute({
    baseUrl: `${base}/compute`,
    auth,
    images: { visible: (id, projectId) => image.visible(id, projectId) },
    volumes: {
      exists: (projectId, id) => volume.volumes.get(id)?.projectId === projectId,
      attach: (projectId, volumeId, serverId) => volume.attachLegacy(projectId, volumeId, serverId),
    },
  });
  const objectStore = new FakeObjectStore({ baseUrl: `${base}/object-store`, auth });
  const network = new FakeNetwork({
    baseUrl: `${base}/network`,
    auth,
    isAdmin: (token) => keystone.store.isAdmin(token as TokenRecord),
  });
  return { keystone, compute, volume, image, objectStore, network };
}

function mountProvider(server: SimServer, s: Services): void {
  server.app.use('/identity', s.keystone.router);
  server.app.use('/compute', s.compute.router);
  server.app.use('/volume', s.volume.router);
  server.app.use('/image', s.image.router);
  server.app.use('/object-store', s.objectStore.router);
  server.app.use('/network', s.network.router);
  // Swift clients derive /info from the storage URL's host alone.
  server.app.get('/info', s.objectStore.infoHandler);
  // Shibboleth's handler sits at the server root (Apache maps /Shibboleth.sso before any WSGI app).
  server.app.use(s.keystone.shibbolethRouter);
}

export async function startDemoCloud(opts: DemoCloudOptions = {}): Promise<DemoCloud> {
  const names = opts.providers ?? DEFAULT_PROVIDERS;
  if (names.length === 0 || new Set(names).size !== names.length) {
    throw new Error(`startDemoCloud: providers must be distinct names, at least one (got ${JSON.stringify(names)})`);
  }
  const host = opts.host ?? '127.0.0.1';
  const servers = names.map(() => new SimServer());
  const bases = await Promise.all(servers.map((s) => s.listen(host)));
  const addresses: ProviderAddress[] = names.map((name, i) => ({ name, base: bases[i] as string }));
  const signingKey = randomBytes(32).toString('hex');

  const providers: Record<string, DemoProvider> = {};
  addresses.forEach((me, i) => {
    const server = servers[i] as SimServer;
    const keystone = new FakeKeystone(keystoneOptions(addresses, me, signingKey, opts.tokenLifetimeSec));
    const projects = seedIdentity(keystone.store, i === 0);
    const services = createServices(me.base, keystone);
    if (i === 0) services.compute.setServiceEndpoints(opts.homeComputeServices);
    mountProvider(server, services);
    const owner = [...keystone.store.users.values()].find((u) => u.name === (i === 0 ? 'demo' : 'admin'));
    const seed = { name: me.name, index: i, count: names.length, isHome: i === 0, projects, ownerId: owner?.id ?? '' };
    seedServices({ ...seed, ...services });
    providers[me.name] = { name: me.name, baseUrl: me.base, projects, ...services };
  });

  const port = opts.listenPort ?? 0;
  const config: DemoConfig = {
    listen: { host: '127.0.0.1', port },
    public_url: `http://127.0.0.1:${port}`,
    home: names[0] as string,
    catalog: { template: path.resolve(__dirname, '../../catalog-templates/default.yaml'), region: 'RegionOne' },
    providers: Object.fromEntries(
      addresses.map((a, i) => [
        a.name,
        i === 0
          ? {
              keystone_url: `${a.base}/identity`,
              priority: 1,
              provider_token_callbacks: true,
              offer: demoOffer(a.name, i),
            }
          : {
              keystone_url: `${a.base}/identity`,
              sp_id: a.name,
              priority: i + 1,
              provider_token_callbacks: true,
              offer: demoOffer(a.name, i),
            },
      ]),
    ),
  };

  return {
    providers,
    config,
    setDown(provider: string, down: boolean): void {
      const i = names.indexOf(provider);
      if (i < 0) throw new Error(`setDown: unknown provider "${provider}" (known: ${names.join(', ')})`);
      servers[i]?.setDown(down);
    },
    async stop(): Promise<void> {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
