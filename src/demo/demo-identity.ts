// Identity seed and K2K wiring of the demo cloud: the home Keystone is the IdP, every other provider an SP.
import type { FakeKeystoneOptions } from './fake-keystone';
import type { CatalogService, ServiceProvider } from './keystone-render';
import type { KeystoneStore } from './keystone-store';

/** Users at home: name -> [password, project]. */
export const HOME_USERS: Record<string, [string, string]> = {
  demo: ['demo-secret', 'demo'],
  demo2: ['demo2-secret', 'demo'],
  other: ['other-secret', 'other'],
  admin: ['admin-secret', 'admin'],
  // The demo project's admin (role admin on demo): may change the project's provider choice (docs/exchange.md).
  'demo-admin': ['demo-admin-secret', 'demo'],
};

/** Projects at every service provider; federated users are mapped onto the same-named project plus `shared`. */
export const SP_PROJECTS = ['demo', 'shared', 'admin'];

/** Devstack-style catalog of one provider: every service under its own path on the provider's one listener. */
export function providerCatalog(base: string): CatalogService[] {
  return [
    { type: 'identity', name: 'keystone', url: `${base}/identity` },
    { type: 'compute', name: 'nova', url: `${base}/compute/v2.1` },
    { type: 'volumev3', name: 'cinderv3', url: `${base}/volume/v3/$(project_id)s` },
    { type: 'block-storage', name: 'cinder', url: `${base}/volume/v3/$(project_id)s` },
    { type: 'image', name: 'glance', url: `${base}/image` },
    { type: 'network', name: 'neutron', url: `${base}/network` },
    { type: 'object-store', name: 'swift', url: `${base}/object-store/v1/AUTH_$(project_id)s` },
  ];
}

export function ecpUrl(base: string): string {
  return `${base}/Shibboleth.sso/SAML2/ECP`;
}

export function federationAuthUrl(spBase: string, idpId: string): string {
  return `${spBase}/identity/v3/OS-FEDERATION/identity_providers/${idpId}/protocols/saml2/auth`;
}

export interface ProviderAddress {
  name: string;
  base: string;
}

/** FakeKeystone options for each provider; `signingKey` is shared by the IdP and its SPs. */
export function keystoneOptions(
  all: ProviderAddress[],
  me: ProviderAddress,
  signingKey: string,
  tokenLifetimeSec: number | undefined,
): FakeKeystoneOptions {
  const home = all[0] as ProviderAddress;
  const opts: FakeKeystoneOptions = {
    baseUrl: `${me.base}/identity`,
    region: 'RegionOne',
    catalog: providerCatalog(me.base),
    tokenLifetimeSec,
  };
  if (me === home) {
    const serviceProviders: ServiceProvider[] = all.slice(1).map((sp) => ({
      id: sp.name,
      sp_url: ecpUrl(sp.base),
      auth_url: federationAuthUrl(sp.base, home.name),
    }));
    opts.idp = { signingKey, serviceProviders };
  } else {
    const entityId = `${home.base}/identity/v3/OS-FEDERATION/saml2/idp`;
    opts.sp = { ecpUrl: ecpUrl(me.base), trustedIdps: [{ id: home.name, entityId, signingKey }] };
  }
  return opts;
}

/** Seeds users, projects and grants; returns project ids by name. */
export function seedIdentity(store: KeystoneStore, isHome: boolean): Record<string, string> {
  const projects: Record<string, string> = {};
  const names = isHome ? [...new Set(Object.values(HOME_USERS).map(([, p]) => p))] : SP_PROJECTS;
  for (const name of names) projects[name] = store.addProject(name).id;
  store.role('reader');
  store.role('member');
  if (isHome) {
    for (const [user, [password, project]] of Object.entries(HOME_USERS)) {
      const u = store.addUser(user, password);
      const roles = user === 'admin' || user === 'demo-admin' ? ['admin', 'member', 'reader'] : ['member', 'reader'];
      store.grant(u.id, projects[project] as string, roles);
    }
  } else {
    // A local cloud admin at each SP (not federated), e.g. for operators inspecting the fake.
    const admin = store.addUser('admin', 'admin-secret');
    store.grant(admin.id, projects.admin as string, ['admin', 'member', 'reader']);
  }
  return projects;
}
