// Simulated Neutron v2.0 (devstack `/networking`-style root, here `/network`). Mount `router` at the service root.
// Checked against the networking api-ref and neutron/api (versions, networks, subnets, ports, security groups and
// rules, routers with interfaces, floating IPs, tags, extensions, availability zones; NeutronError bodies;
// listing semantics in network-listing.ts).
import express from 'express';
import type { Request, Response, Router } from 'express';
import { listNeutron, type Rec } from './network-listing';
import {
  bodyErrors,
  isoSeconds,
  newUuid,
  parseBodies,
  projectOf,
  recordRequests,
  requestIdHeader,
  RequestLog,
  requireToken,
} from './sim-http';
import type { TokenInfo, TokenLookup } from './sim-http';

export interface FakeNetworkOptions {
  /** Service root, e.g. `http://127.0.0.1:5000/network`. */
  baseUrl: string;
  auth: TokenLookup;
  /** Availability zones of this Neutron (default `['nova']`). */
  zones?: string[];
  /** Extension aliases it announces. */
  extensions?: string[];
  clock?: () => number;
  /** Whether a token has the admin role (Neutron's default policy: admins see every project's resources and set
   * the `provider:*` attributes). Default: nobody. */
  isAdmin?: (token: TokenInfo) => boolean;
}

interface Kind {
  path: string;
  collection: string;
  singular: string;
  label: string;
}

const KINDS: Kind[] = [
  { path: 'networks', collection: 'networks', singular: 'network', label: 'Network' },
  { path: 'subnets', collection: 'subnets', singular: 'subnet', label: 'Subnet' },
  { path: 'ports', collection: 'ports', singular: 'port', label: 'Port' },
  { path: 'security-groups', collection: 'security_groups', singular: 'security_group', label: 'Security group' },
  {
    path: 'security-group-rules',
    collection: 'security_group_rules',
    singular: 'security_group_rule',
    label: 'Security group rule',
  },
  { path: 'routers', collection: 'routers', singular: 'router', label: 'Router' },
  { path: 'floatingips', collection: 'floatingips', singular: 'floatingip', label: 'Floating IP' },
];
const SORTABLE = new Set([
  'id',
  'name',
  'created_at',
  'updated_at',
  'status',
  'project_id',
  'tenant_id',
  'network_id',
  'cidr',
  'mac_address',
  'admin_state_up',
  'shared',
]);
export const DEFAULT_EXTENSIONS = [
  'network_availability_zone',
  'router',
  'security-group',
  'standard-attr-tag',
  'external-net',
  'provider',
  'availability_zone',
  'quotas',
];

export function sendNeutronError(res: Response, status: number, type: string, message: string): void {
  res.status(status).json({ NeutronError: { type, message, detail: '' } });
}

/** The provider extension's attributes: only admins set or see them (neutron/conf/policies/network.py). */
const PROVIDER_ATTRS = ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'];

/** A network as a non-admin sees it: without the provider attributes. */
function tenantView(kind: Kind, rec: Rec, admin: boolean): Rec {
  if (admin || kind.path !== 'networks') return rec;
  return Object.fromEntries(Object.entries(rec).filter(([k]) => !PROVIDER_ATTRS.includes(k)));
}

export class FakeNetwork {
  readonly requests = new RequestLog();
  readonly router: Router = express.Router();
  /** Every resource by collection path, then id. */
  readonly store = new Map<string, Map<string, Rec>>(KINDS.map((k) => [k.path, new Map()]));
  private readonly now: () => number;
  private seq = 0;

  constructor(readonly options: FakeNetworkOptions) {
    this.now = options.clock ?? Date.now;
    const root = options.baseUrl;
    const r = this.router;
    r.use(requestIdHeader(), ...parseBodies(), recordRequests(this.requests));
    r.get('/', (_req, res) => {
      res.json({ versions: [{ id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${root}/v2.0/` }] }] });
    });
    const v2 = express.Router();
    r.use('/v2.0', requireToken(options.auth), v2);
    v2.get(['/', ''], (_req, res) => {
      res.json({
        resources: KINDS.map((k) => ({
          name: k.singular,
          collection: k.collection,
          links: [{ rel: 'self', href: `${root}/v2.0/${k.path}` }],
        })),
      });
    });
    v2.get('/extensions', (_req, res) => {
      const aliases = options.extensions ?? DEFAULT_EXTENSIONS;
      res.json({
        extensions: aliases.map((alias) => ({
          alias,
          name: alias,
          description: `${alias} extension`,
          updated: '2024-01-01T00:00:00-00:00',
          links: [],
        })),
      });
    });
    v2.get('/availability_zones', (_req, res) => {
      const zones = options.zones ?? ['nova'];
      res.json({
        availability_zones: zones.flatMap((name) =>
          ['network', 'router'].map((resource) => ({ name, resource, state: 'available' })),
        ),
      });
    });
    for (const kind of KINDS) this.install(v2, kind);
    r.use((_req: Request, res: Response) =>
      sendNeutronError(res, 404, 'HTTPNotFound', 'The resource could not be found.'),
    );
    r.use(
      bodyErrors((res, status, message) =>
        sendNeutronError(res, status, status === 400 ? 'HTTPBadRequest' : 'HTTPInternalServerError', message),
      ),
    );
  }

  private coll(path: string): Map<string, Rec> {
    return this.store.get(path) as Map<string, Rec>;
  }

  private admin(res: Response): boolean {
    const token = res.locals.token as TokenInfo | undefined;
    return token !== undefined && this.options.isAdmin?.(token) === true;
  }

  /** What a project sees: its own, plus shared and external networks (and their subnets); an admin sees all. */
  private visible(kind: Kind, rec: Rec, project: string, admin = false): boolean {
    if (admin || rec['project_id'] === project) return true;
    if (kind.path === 'networks') return rec['shared'] === true || rec['router:external'] === true;
    if (kind.path === 'subnets') {
      const net = this.coll('networks').get(String(rec['network_id']));
      return net !== undefined && (net['shared'] === true || net['router:external'] === true);
    }
    return false;
  }

  get(path: string, id: string, project: string, admin = false): Rec | undefined {
    const kind = KINDS.find((k) => k.path === path) as Kind;
    const rec = this.coll(path).get(id);
    return rec && this.visible(kind, rec, project, admin) ? rec : undefined;
  }

  /** What the caller of `res` may see and change: its own project's, or anything for an admin. */
  private found(kind: Kind, req: Request, res: Response, owned: boolean): Rec | undefined {
    const admin = this.admin(res);
    const rec = this.get(kind.path, String(req.params['id']), projectOf(res), admin);
    if (!rec || (owned && !admin && rec['project_id'] !== projectOf(res))) return undefined;
    return rec;
  }

  /** Resources made without the API (tests): stored under `project`. */
  seed(path: string, project: string, attrs: Rec): Rec {
    const rec = this.base(project, attrs);
    this.coll(path).set(rec['id'] as string, rec);
    return rec;
  }

  private base(project: string, attrs: Rec): Rec {
    const stamp = isoSeconds(this.now() + this.seq++ * 1000);
    return {
      id: newUuid(),
      name: '',
      project_id: project,
      tenant_id: project,
      tags: [],
      created_at: stamp,
      updated_at: stamp,
      revision_number: 0,
      description: '',
      ...attrs,
    };
  }

  private ensureDefaultGroup(project: string): void {
    const groups = this.coll('security-groups');
    if ([...groups.values()].some((g) => g['project_id'] === project && g['name'] === 'default')) return;
    const sg = this.base(project, {
      name: 'default',
      description: 'Default security group',
      stateful: true,
      shared: false,
    });
    groups.set(sg['id'] as string, sg);
    sg['security_group_rules'] = ['IPv4', 'IPv6'].map((ethertype) => {
      const rule = this.base(project, {
        security_group_id: sg['id'],
        direction: 'egress',
        ethertype,
        protocol: null,
        port_range_min: null,
        port_range_max: null,
        remote_ip_prefix: null,
        remote_group_id: null,
      });
      this.coll('security-group-rules').set(rule['id'] as string, rule);
      return rule;
    });
  }

  private install(v2: Router, kind: Kind): void {
    const notFound = (res: Response, id: string): void =>
      sendNeutronError(
        res,
        404,
        `${kind.label.replace(/ /g, '')}NotFound`,
        kind.path.startsWith('security')
          ? `${kind.label} ${id} does not exist`
          : `${kind.label} ${id} could not be found.`,
      );
    v2.get(`/${kind.path}`, (req, res) => {
      const project = projectOf(res);
      this.ensureDefaultGroup(project);
      const query = new URLSearchParams(req.originalUrl.split('?')[1] ?? '');
      const admin = this.admin(res);
      const mine = [...this.coll(kind.path).values()]
        .filter((r) => this.visible(kind, r, project, admin))
        .map((r) => tenantView(kind, r, admin));
      const answer = listNeutron(mine, query, SORTABLE);
      if (!answer.ok)
        return sendNeutronError(
          res,
          answer.status,
          answer.status === 404 ? `${kind.label.replace(/ /g, '')}NotFound` : 'HTTPBadRequest',
          answer.status === 404 ? `${kind.label} ${answer.message}` : answer.message,
        );
      const body: Rec = { [kind.collection]: answer.items };
      if (answer.more) {
        const q = new URLSearchParams(query);
        q.set('marker', String(answer.items[answer.items.length - 1]?.['id']));
        body[`${kind.collection}_links`] = [{ rel: 'next', href: `${this.options.baseUrl}/v2.0/${kind.path}?${q}` }];
      }
      res.json(body);
    });
    v2.post(`/${kind.path}`, (req, res) => {
      const project = projectOf(res);
      this.ensureDefaultGroup(project);
      const attrs = (req.body as Rec | undefined)?.[kind.singular];
      if (!attrs || typeof attrs !== 'object')
        return sendNeutronError(res, 400, 'HTTPBadRequest', `Resource body required`);
      const made = this.create(kind, project, attrs as Rec, this.admin(res));
      if ('error' in made) return sendNeutronError(res, made.status, made.type, made.error);
      // Neutron's create answer of a network also carries the auto-allocated-topology flag; show does not.
      const answer = kind.path === 'networks' ? { ...made.rec, is_default: false } : made.rec;
      res.status(201).json({ [kind.singular]: answer });
    });
    v2.get(`/${kind.path}/:id`, (req, res) => {
      const rec = this.found(kind, req, res, false);
      if (!rec) return notFound(res, String(req.params['id']));
      res.json({ [kind.singular]: tenantView(kind, rec, this.admin(res)) });
    });
    v2.put(`/${kind.path}/:id`, (req, res) => {
      const rec = this.found(kind, req, res, true);
      if (!rec) return notFound(res, String(req.params['id']));
      const attrs = (req.body as Rec | undefined)?.[kind.singular];
      if (!attrs || typeof attrs !== 'object')
        return sendNeutronError(res, 400, 'HTTPBadRequest', 'Resource body required');
      Object.assign(rec, attrs, {
        updated_at: isoSeconds(this.now()),
        revision_number: Number(rec['revision_number']) + 1,
      });
      res.json({ [kind.singular]: rec });
    });
    v2.delete(`/${kind.path}/:id`, (req, res) => {
      const rec = this.found(kind, req, res, true);
      if (!rec) return notFound(res, String(req.params['id']));
      if (
        kind.path === 'networks' &&
        [...this.coll('ports').values()].some(
          (p) => p['network_id'] === rec['id'] && p['device_owner'] !== 'network:dhcp',
        )
      ) {
        return sendNeutronError(
          res,
          409,
          'NetworkInUse',
          `Unable to complete operation on network ${String(rec['id'])}. There are one or more ports still in use on the network.`,
        );
      }
      this.coll(kind.path).delete(rec['id'] as string);
      if (kind.path === 'networks')
        for (const [id, s] of this.coll('subnets')) if (s['network_id'] === rec['id']) this.coll('subnets').delete(id);
      res.status(204).end();
    });
    v2.get(`/${kind.path}/:id/tags`, (req, res) => {
      const rec = this.found(kind, req, res, false);
      if (!rec) return notFound(res, String(req.params['id']));
      res.json({ tags: rec['tags'] });
    });
    // Replaces every tag (neutron/extensions/tagging.py update_all): 200 with the new list.
    v2.put(`/${kind.path}/:id/tags`, (req, res) => {
      const rec = this.found(kind, req, res, true);
      if (!rec) return notFound(res, String(req.params['id']));
      const tags = (req.body as Rec | undefined)?.['tags'];
      if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && t.length > 0 && t.length <= 255))
        return sendNeutronError(res, 400, 'HTTPBadRequest', "Invalid input for tags. Reason: 'tags' is not a list.");
      rec['tags'] = [...new Set(tags as string[])];
      res.json({ tags: rec['tags'] });
    });
    v2.put(`/${kind.path}/:id/tags/:tag`, (req, res) => {
      const rec = this.found(kind, req, res, true);
      if (!rec) return notFound(res, String(req.params['id']));
      const tags = new Set(rec['tags'] as string[]);
      tags.add(String(req.params['tag']));
      rec['tags'] = [...tags];
      res.status(201).end();
    });
    if (kind.path === 'routers') {
      for (const action of ['add_router_interface', 'remove_router_interface']) {
        v2.put(`/routers/:id/${action}`, (req, res) => {
          const project = projectOf(res);
          const router = this.get('routers', String(req.params['id']), project);
          if (!router) return notFound(res, String(req.params['id']));
          const body = (req.body ?? {}) as Rec;
          const subnet =
            typeof body['subnet_id'] === 'string' ? this.get('subnets', body['subnet_id'], project) : undefined;
          if (typeof body['subnet_id'] === 'string' && !subnet) {
            return sendNeutronError(res, 404, 'SubnetNotFound', `Subnet ${body['subnet_id']} could not be found.`);
          }
          const port = typeof body['port_id'] === 'string' ? this.get('ports', body['port_id'], project) : undefined;
          if (typeof body['port_id'] === 'string' && !port)
            return sendNeutronError(res, 404, 'PortNotFound', `Port ${body['port_id']} could not be found.`);
          if (!subnet && !port)
            return sendNeutronError(
              res,
              400,
              'BadRequest',
              'Bad router request: Either subnet_id or port_id must be specified.',
            );
          const networkId = (subnet ?? port)?.['network_id'];
          res.json({
            id: router['id'],
            tenant_id: project,
            project_id: project,
            network_id: networkId,
            subnet_id: subnet?.['id'] ?? null,
            subnet_ids: subnet ? [subnet['id']] : [],
            port_id: port?.['id'] ?? newUuid(),
          });
        });
      }
    }
  }

  private create(
    kind: Kind,
    project: string,
    attrs: Rec,
    admin = false,
  ): { rec: Rec } | { error: string; status: number; type: string } {
    const zones = this.options.zones ?? ['nova'];
    const network = (id: unknown): Rec | undefined =>
      typeof id === 'string' ? this.get('networks', id, project, admin) : undefined;
    // Subnets, ports and floating IPs name a network; Neutron's one answer when it is absent or not visible.
    const noNetwork = (id: unknown): { error: string; status: number; type: string } => ({
      status: 404,
      type: 'NetworkNotFound',
      error: `Network ${String(id)} could not be found.`,
    });
    const extra: Rec = {};
    if (kind.path === 'networks' || kind.path === 'routers') {
      const hints = Array.isArray(attrs['availability_zone_hints'])
        ? (attrs['availability_zone_hints'] as unknown[])
        : [];
      const unknown = hints.find((h) => typeof h !== 'string' || !zones.includes(h));
      if (unknown !== undefined)
        return {
          status: 404,
          type: 'AvailabilityZoneNotFound',
          error: `AvailabilityZone ${String(unknown)} could not be found.`,
        };
      Object.assign(extra, {
        availability_zone_hints: hints,
        availability_zones: hints.length ? hints : [zones[0]],
        status: 'ACTIVE',
        admin_state_up: true,
      });
    }
    if (kind.path === 'networks') {
      const provider = PROVIDER_ATTRS.filter((k) => attrs[k] !== undefined);
      if (provider.length && !admin)
        return {
          status: 403,
          type: 'PolicyNotAuthorized',
          error: `(rule:create_network and rule:create_network:${provider[0]}) is disallowed by policy`,
        };
      const inUse = this.segmentInUse(attrs);
      if (inUse) return { status: 409, ...inUse };
      // port-security and address-scope extensions, as the lab's ML2 neutron-server shows them.
      Object.assign(extra, { shared: false, 'router:external': false, subnets: [], mtu: 1450 });
      Object.assign(extra, { port_security_enabled: true, ipv4_address_scope: null, ipv6_address_scope: null });
    }
    if (kind.path === 'subnets') {
      const net = network(attrs['network_id']);
      if (!net) return noNetwork(attrs['network_id']);
      if (typeof attrs['cidr'] !== 'string')
        return { status: 400, type: 'BadRequest', error: 'Bad subnets request: a cidr must be specified.' };
      Object.assign(extra, { ip_version: 4, enable_dhcp: true, gateway_ip: null, allocation_pools: [] });
      Object.assign(extra, { subnetpool_id: null, ipv6_ra_mode: null, ipv6_address_mode: null });
      Object.assign(extra, { host_routes: [], dns_nameservers: [], service_types: [] });
      (net['subnets'] as string[]).push('');
    }
    if (kind.path === 'ports') {
      const net = network(attrs['network_id']);
      if (!net) return noNetwork(attrs['network_id']);
      const groups = Array.isArray(attrs['security_groups']) ? attrs['security_groups'] : undefined;
      const missing = groups?.find((g) => typeof g !== 'string' || !this.get('security-groups', g, project));
      if (missing !== undefined)
        return {
          status: 404,
          type: 'SecurityGroupNotFound',
          error: `Security group ${String(missing)} does not exist`,
        };
      Object.assign(extra, {
        status: 'DOWN',
        admin_state_up: true,
        device_id: '',
        device_owner: '',
        mac_address: `fa:16:3e:00:00:${(this.seq % 256).toString(16).padStart(2, '0')}`,
        fixed_ips: [],
        security_groups: groups ?? [],
        allowed_address_pairs: [],
        extra_dhcp_opts: [],
        'binding:vnic_type': 'normal',
        port_security_enabled: true,
      });
    }
    if (kind.path === 'security-group-rules') {
      if (
        typeof attrs['security_group_id'] !== 'string' ||
        !this.get('security-groups', attrs['security_group_id'], project)
      ) {
        return {
          status: 404,
          type: 'SecurityGroupNotFound',
          error: `Security group ${String(attrs['security_group_id'])} does not exist`,
        };
      }
    }
    if (kind.path === 'floatingips') {
      const net = network(attrs['floating_network_id']);
      if (!net) return noNetwork(attrs['floating_network_id']);
      if (net['router:external'] !== true)
        return {
          status: 400,
          type: 'BadRequest',
          error: `Bad floatingip request: Network ${String(net['id'])} is not a valid external network.`,
        };
      Object.assign(extra, {
        status: 'DOWN',
        floating_ip_address: `203.0.113.${(this.seq % 250) + 1}`,
        port_id: null,
        router_id: null,
      });
    }
    if (kind.path === 'security-groups')
      Object.assign(extra, { stateful: true, shared: false, security_group_rules: [] });
    // An admin creates in the project the body names (Neutron's project_id on create).
    const owner = admin && typeof attrs['project_id'] === 'string' ? attrs['project_id'] : project;
    const rec = this.base(owner, { ...extra, ...attrs, project_id: owner, tenant_id: owner });
    if (kind.path === 'networks' || kind.path === 'routers')
      rec['availability_zone_hints'] = extra['availability_zone_hints'];
    this.coll(kind.path).set(rec['id'] as string, rec);
    if (kind.path === 'subnets') {
      const net = network(rec['network_id']) as Rec;
      net['subnets'] = [...(net['subnets'] as string[]).filter(Boolean), rec['id']];
    }
    return { rec };
  }

  /** ML2's VlanIdInUse / TunnelIdInUse (neutron-lib exceptions): one network per segment of a physical network. */
  private segmentInUse(attrs: Rec): { type: string; error: string } | undefined {
    const type = attrs['provider:network_type'];
    const id = attrs['provider:segmentation_id'];
    if ((type !== 'vlan' && type !== 'vxlan') || typeof id !== 'number') return undefined;
    const physnet = attrs['provider:physical_network'];
    const taken = [...this.coll('networks').values()].some(
      (n) =>
        n['provider:network_type'] === type &&
        n['provider:segmentation_id'] === id &&
        (type === 'vxlan' || n['provider:physical_network'] === physnet),
    );
    if (!taken) return undefined;
    return type === 'vlan'
      ? {
          type: 'VlanIdInUse',
          error: `Unable to create the network. The VLAN ${id} on physical network ${String(physnet)} is in use.`,
        }
      : { type: 'TunnelIdInUse', error: `Unable to create the network. The tunnel ID ${id} is in use.` };
  }
}
