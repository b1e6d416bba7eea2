import type { Request, Response } from 'express';
import type { NetworkSegmentsConfig } from '../../../config/types';
import {
  BadRequest,
  Conflict,
  ItemNotFound,
  OcxError,
  ProviderUnavailable,
  type ErrorKind,
} from '../../../errors/errors';
import type { RequestContext } from '../../../http/context';
import type { Caller } from '../../../identity/caller';
import { isUnmapped } from '../../../identity/k2k/errors';
import { isObject, type JsonObject } from '../../front-engine/at-provider-refs';
import { Front } from '../../front-engine/front';
import { ServiceAbsent } from '../../front-engine/front-client';
import type { FrontDeps } from '../../front-engine/front-deps';
import { towardsClient, translateProjectIds } from '../../front-engine/project-ids';
import { rawQuery } from '../../front-engine/path-segments';
import { networkIds, probeOf, collectionAt, type NeutronCollection } from '../collections';
import { onlyFields, parseNeutronQuery } from '../neutron-query';
import { cidrRange, intToIp, splitPools } from '../pool-split';
import { SegmentReservations, spanTag } from '../segment-pool';
import { OperatorTokens } from './operator-tokens';
import { isPrimary, primaryTags, spanOf, twinTag, twinTags, type Item } from './span-tags';

/** One twin: a provider's own copy of the spanning network (or subnet). */
export interface Twin {
  provider: string;
  id: string;
}

/**
 * One spanning network create: its providers in config order, the caller's project at each (the twin's owner) and
 * the client's attributes; the same for every segment tried.
 */
interface SpanCreate {
  order: readonly string[];
  projects: Record<string, string>;
  item: JsonObject;
}

interface UserReply {
  status: number;
  /** The provider's answer in the client's project ids. */
  doc: unknown;
  /** The same answer as the provider gave it. */
  raw: unknown;
  /** The caller's own project at that provider (the endpoint's), as the raw answer names it. */
  ownProject?: string;
  provider: string;
}

/** How many segments a create tries when providers report the ones picked as taken (by another proxy instance). */
const MAX_ATTEMPTS = 16;
/** A segment just given out stays out of the pool this long, in case a provider's listing does not show it yet. */
const RECENT_MS = 60_000;
/**
 * What a client may set on a spanning network: each twin is created with the operator's credentials, so only the
 * attributes Neutron's default policy lets a project's own member set on its network pass (no `shared`,
 * `router:external`, `is_default`, `qos_policy_id`, `provider:*`, `segments`, `tags`); false for the admin-only
 * booleans is their default and is dropped.
 */
const CLIENT_ATTRS = new Set([
  'name',
  'description',
  'admin_state_up',
  'mtu',
  'port_security_enabled',
  'dns_domain',
  'availability_zone_hints',
]);
const ADMIN_BOOLEANS = new Set(['shared', 'router:external', 'is_default']);

/** The prefix of every tag the proxy sets on a spanning network's or subnet's twins (span-tags.ts). */
const OCX_TAG = 'ocx-';

/** Ports Neutron removes itself when their network is deleted (neutron/db/db_base_plugin_v2.py). */
const AUTO_DELETED_OWNERS = new Set(['network:dhcp', 'network:distributed', 'network:floatingip_agent_gateway']);

const NETWORKS = collectionAt('networks') as NeutronCollection;
const SUBNETS = collectionAt('subnets') as NeutronCollection;

/**
 * Networks that span providers (docs/networking.md "Networks that span providers"): one L2 segment from the
 * exchange pool, created as a provider network at each provider with the operator's credentials there and owned by
 * the caller's project at that provider; subnets split into disjoint allocation pools; shows, updates and deletes
 * acting on every twin. Everything else about the twins is the caller's own token at each provider.
 */
export class SpanningNetworks {
  private readonly reservations = new SegmentReservations();
  private readonly recent = new Map<number, number>();

  constructor(
    private readonly front: Front,
    readonly segments: NetworkSegmentsConfig,
    readonly operators: OperatorTokens,
    private readonly now: () => number = Date.now,
  ) {}

  /** `physnet1`, or `vxlan` for a VXLAN pool: the middle of every twin's `ocx-span:` tag. */
  get label(): string {
    return this.segments.networkType === 'vlan' ? (this.segments.physicalNetwork as string) : 'vxlan';
  }

  private get poolText(): string {
    const { min, max } = this.segments.range;
    return this.segments.networkType === 'vlan' ? `${this.label} VLAN ${min}-${max}` : `VXLAN VNI ${min}-${max}`;
  }

  // ------------------------------------------------------------------ network create

  /** POST /v2.0/networks with zone hints naming `hinted` (two or more providers). */
  async createNetwork(
    req: Request,
    res: Response,
    ctx: RequestContext,
    caller: Caller,
    hinted: readonly string[],
    body: unknown,
  ): Promise<void> {
    if (!isObject(body) || !isObject(body['network'])) {
      throw new BadRequest('A network spanning providers is created one at a time (no bulk create).');
    }
    const item = { ...body['network'] };
    for (const k of Object.keys(item)) {
      if (k.startsWith('provider:') || k === 'segments') {
        throw new BadRequest(`${k}: a network spanning providers gets its segment from the proxy's pool.`);
      }
      if (ADMIN_BOOLEANS.has(k) && item[k] === false) delete item[k];
      else if (!CLIENT_ATTRS.has(k) && k !== 'project_id' && k !== 'tenant_id') {
        throw new BadRequest(`${k}: not settable on a network spanning providers (created with operator credentials).`);
      }
    }
    const order = this.front.client.providers.filter((p) => hinted.includes(p));
    const missing = order.filter((p) => !this.operators.has(p));
    if (missing.length) {
      throw new BadRequest(
        `No operator credentials for spanning networks at ${missing.join(', ')} (network.segments.operators).`,
      );
    }
    const projects = await this.projectsAt(caller, order);
    const owner = item['project_id'] ?? item['tenant_id'];
    if (owner !== undefined && owner !== caller.info.projectId) {
      throw new BadRequest("A network spanning providers is created in the caller's own project.");
    }
    delete item['project_id'];
    delete item['tenant_id'];

    const twins = await this.allocateAndCreate(ctx, { order, projects, item });
    const primary = twins[0] as Twin;
    this.front.locator.remember(caller, 'network', primary.id, primary.provider);
    const shown = await this.userCall(req, ctx, caller, primary.provider, 'GET', [NETWORKS.path, primary.id]);
    const doc = objectAt(shown.doc, 'network') ?? { id: primary.id };
    servedBy(res, ctx, primary.provider);
    res.status(201).json({ network: { ...doc, availability_zones: order } });
  }

  /** The caller's project at each provider (the twin's owner), from its session there. */
  private async projectsAt(caller: Caller, providers: readonly string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    await Promise.all(
      providers.map(async (p) => {
        const s = await this.front.deps.sessions.get(caller, p);
        if (!s.projectId) throw new BadRequest(`The caller has no project at ${p}.`);
        out[p] = s.projectId;
      }),
    );
    return out;
  }

  /**
   * The lowest free segment, reserved in this process while the twins are made; a segment a provider reports in use
   * (a network made there since the scan, by anyone) is skipped and the next one tried. Providers are always asked
   * in config order, so that between proxy instances the first provider's own check decides who gets a segment.
   */
  private async allocateAndCreate(ctx: RequestContext, create: SpanCreate): Promise<Twin[]> {
    const used = await this.usedSegments(create.order, ctx.requestId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const held = this.reservations.reserve(this.segments.range, new Set([...used, ...this.recentSegments()]));
      if (!held) {
        throw new OcxError(
          503,
          'serviceUnavailable',
          `Unable to create the network. No segment of the exchange pool (${this.poolText}) is free.`,
        );
      }
      try {
        const made = await this.createTwins(ctx, create, held.segment);
        if (made === 'taken') {
          used.add(held.segment);
          continue;
        }
        this.recent.set(held.segment, this.now() + RECENT_MS);
        return made;
      } finally {
        held.release();
      }
    }
    throw new Conflict(`Unable to create the network: ${MAX_ATTEMPTS} segments of ${this.poolText} were taken.`);
  }

  private recentSegments(): number[] {
    const t = this.now();
    for (const [s, until] of this.recent) if (until <= t) this.recent.delete(s);
    return [...this.recent.keys()];
  }

  /**
   * Segments of the pool's kind any network at these providers uses, from the provider attributes alone: only an
   * admin sets those, while any tenant can tag its networks `ocx-span:` (tags would let one exhaust the pool).
   */
  async usedSegments(providers: readonly string[], requestId?: string): Promise<Set<number>> {
    const type = this.segments.networkType;
    const q = new URLSearchParams({ 'provider:network_type': type });
    if (type === 'vlan') q.set('provider:physical_network', this.label);
    for (const f of ['id', 'provider:network_type', 'provider:physical_network', 'provider:segmentation_id'])
      q.append('fields', f);
    const used = new Set<number>();
    await Promise.all(
      providers.map(async (p) => {
        const r = await this.operators.call(p, 'GET', `/networks?${q.toString()}`, undefined, requestId);
        const nets = listAt(r.doc, 'networks');
        if (r.status !== 200 || !nets) {
          throw new ProviderUnavailable(p, `did not list its networks for the segment pool (HTTP ${r.status})`);
        }
        for (const n of nets.filter(isObject)) {
          const physnetOk = type === 'vxlan' || n['provider:physical_network'] === this.label;
          if (n['provider:network_type'] === type && physnetOk && typeof n['provider:segmentation_id'] === 'number')
            used.add(n['provider:segmentation_id']);
        }
      }),
    );
    return used;
  }

  /** The twins of one segment, primary first; 'taken' when a provider refused the segment as in use. */
  private async createTwins(ctx: RequestContext, create: SpanCreate, segment: number): Promise<Twin[] | 'taken'> {
    const { order, projects, item } = create;
    const tag = spanTag(this.label, segment);
    const made: Twin[] = [];
    for (const provider of order) {
      const network: JsonObject = {
        ...item,
        project_id: projects[provider],
        'provider:network_type': this.segments.networkType,
        'provider:segmentation_id': segment,
      };
      if (this.segments.networkType === 'vlan') network['provider:physical_network'] = this.label;
      const r = await this.operators.call(provider, 'POST', '/networks', { network }, ctx.requestId);
      const id = objectAt(r.doc, 'network')?.['id'];
      if (r.status !== 201 || typeof id !== 'string') {
        const leftovers = await this.removeNetworks(made, ctx.requestId);
        if (r.status === 409 && segmentInUse(r.doc) && !leftovers.length) return 'taken';
        throw withLeftovers(providerError(provider, r), leftovers);
      }
      made.push({ provider, id });
      const primary = made[0] as Twin;
      const tags = made.length === 1 ? primaryTags(tag, order) : twinTags(tag, primary.id);
      const t = await this.operators.call(provider, 'PUT', `/networks/${id}/tags`, { tags }, ctx.requestId);
      if (t.status !== 200) {
        const leftovers = await this.removeNetworks(made, ctx.requestId);
        throw withLeftovers(providerError(provider, t), leftovers);
      }
    }
    return made;
  }

  /** Removes networks made by a create that failed, with the operator's credentials; what could not be removed. */
  private async removeNetworks(made: readonly Twin[], requestId: string): Promise<string[]> {
    return removeEach(made, 'network', (t) =>
      this.operators.call(t.provider, 'DELETE', `/networks/${t.id}`, undefined, requestId),
    );
  }

  // ------------------------------------------------------------------ show, update, delete

  /**
   * GET/PUT/DELETE /v2.0/{networks,subnets}/{id} when `id` is a spanning primary: handled here (true), else left to
   * the ordinary routed call (false), which also answers a resource that is not found.
   */
  async routed(
    req: Request,
    res: Response,
    ctx: RequestContext,
    caller: Caller,
    c: NeutronCollection,
    ref: { id: string; explicit?: string },
    body: unknown,
  ): Promise<boolean> {
    const primary = await this.primary(req, ctx, caller, c, ref);
    if (!primary) return false;
    const strict = req.method !== 'GET';
    const twins = await this.twinsOf(req, ctx, caller, c, primary.item, primary.provider, strict);
    const all: Twin[] = [{ provider: primary.provider, id: ref.id }, ...twins];
    const zones = (item: Item): Item =>
      c === NETWORKS ? { ...item, availability_zones: all.map((t) => t.provider) } : item;
    servedBy(res, ctx, primary.provider);
    if (req.method === 'GET') {
      const fields = parseNeutronQuery(rawQuery(req.originalUrl)).fields;
      res.status(200).json({ [c.singular]: onlyFields(zones(primary.item), fields) });
      return true;
    }
    if (req.method === 'PUT') {
      const item = objectAt(body, c.singular);
      if (c === SUBNETS && item && 'allocation_pools' in item) {
        throw new BadRequest('A subnet spanning providers keeps the allocation pools the proxy gave each provider.');
      }
      let shown: unknown;
      for (const t of all) {
        const r = await this.userCall(req, ctx, caller, t.provider, 'PUT', [c.path, t.id], body);
        if (r.status !== 200) {
          if (t === all[0]) return this.relayError(res, r);
          throw providerError(t.provider, r, `${c.singular} updated at ${all[0]?.provider} only so far`);
        }
        shown ??= r.doc;
      }
      const doc = objectAt(shown, c.singular) ?? {};
      res.status(200).json({ [c.singular]: zones(doc) });
      return true;
    }
    if (req.method === 'DELETE') {
      await this.checkUnused(req, ctx, caller, c, all);
      // The twins first, the primary last: a failure leaves the primary, so nothing is left that the client cannot see.
      for (const t of [...twins, all[0] as Twin]) {
        const r = await this.userCall(req, ctx, caller, t.provider, 'DELETE', [c.path, t.id]);
        if (r.status !== 204 && r.status !== 404) {
          if (t === all[0] && !twins.length) return this.relayError(res, r);
          throw providerError(t.provider, r);
        }
      }
      this.front.locator.forget(caller, c.kind, ref.id);
      res.status(204).end();
      return true;
    }
    return false;
  }

  /**
   * `/v2.0/{networks,subnets}/{id}/tags[/{tag}]`: the `ocx-` tags are the proxy's (span-tags.ts), so a client can
   * neither set nor remove one, and replacing or removing all tags (what `openstack network set --no-tag` and
   * `unset --all-tag` send) keeps them. False: not touching any, left to the ordinary routed call.
   */
  async tags(
    req: Request,
    res: Response,
    ctx: RequestContext,
    caller: Caller,
    c: NeutronCollection,
    ref: { id: string; explicit?: string },
    rest: readonly string[],
    body: unknown,
  ): Promise<boolean> {
    const single = rest[1];
    if (single !== undefined) {
      if (single.startsWith(OCX_TAG) && (req.method === 'PUT' || req.method === 'DELETE')) {
        throw new BadRequest(`Tags starting with ${OCX_TAG} belong to the proxy (networks spanning providers).`);
      }
      return false;
    }
    if (req.method !== 'PUT' && req.method !== 'DELETE') return false;
    const wanted = isObject(body) && Array.isArray(body['tags']) ? body['tags'] : undefined;
    if (req.method === 'PUT' && !wanted) return false;
    const shown = await this.shown(req, ctx, caller, c, ref);
    if (!shown) return false;
    const { provider, item } = shown;
    const kept = (Array.isArray(item['tags']) ? item['tags'] : []).filter(
      (t): t is string => typeof t === 'string' && t.startsWith(OCX_TAG),
    );
    const asked = (wanted ?? []).filter((t) => typeof t !== 'string' || !t.startsWith(OCX_TAG));
    const foreign = (wanted ?? []).filter((t) => typeof t === 'string' && t.startsWith(OCX_TAG) && !kept.includes(t));
    if (foreign.length) {
      throw new BadRequest(`Tags starting with ${OCX_TAG} belong to the proxy (networks spanning providers).`);
    }
    if (!kept.length) return false;
    const tags = [...new Set([...asked, ...kept])];
    const r = await this.userCall(req, ctx, caller, provider, 'PUT', [c.path, ref.id, 'tags'], { tags });
    servedBy(res, ctx, provider);
    if (r.status !== 200) return this.relayError(res, r);
    if (req.method === 'DELETE') res.status(204).end();
    else res.status(200).json(r.doc);
    return true;
  }

  /** The spanning primary `ref` names, as the caller sees it, and where it is. */
  private async primary(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    c: NeutronCollection,
    ref: { id: string; explicit?: string },
  ): Promise<{ provider: string; item: Item } | undefined> {
    const shown = await this.shown(req, ctx, caller, c, ref);
    if (!shown || !isPrimary(shown.item)) return undefined;
    const { provider, item, reply } = shown;
    // Tags are anyone's to set: a network shared with the caller by another project is never a span of theirs.
    if (!ownedByCaller(item, objectAt(reply.raw, c.singular), reply, caller)) return undefined;
    return { provider, item };
  }

  /**
   * The network or subnet `ref` names as its provider shows it to the caller; undefined when it is not found there
   * (the ordinary routed call then gives the client the not-found answer).
   */
  private async shown(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    c: NeutronCollection,
    ref: { id: string; explicit?: string },
  ): Promise<{ provider: string; item: Item; reply: UserReply } | undefined> {
    let provider: string;
    try {
      provider = (await this.front.locator.locate(req, ctx, caller, probeOf(c), ref.id, ref.explicit)).provider;
    } catch (err) {
      if (err instanceof ItemNotFound) return undefined;
      throw err;
    }
    const reply = await this.userCall(req, ctx, caller, provider, 'GET', [c.path, ref.id]);
    const item = objectAt(reply.doc, c.singular);
    if (reply.status !== 200 || !item) return undefined;
    return { provider, item, reply };
  }

  /**
   * A primary's twins at the other providers it spans (its `ocx-at:` tags), each listed with the caller's own
   * token. Only the caller's own project's networks carrying the primary's segment tag are twins: a network shared
   * by another project (shared or by RBAC) can carry any tags, and taking it for a twin would put the caller's
   * subnets and servers on it. `strict` (updates, deletes): a provider that cannot be asked fails the call, so that
   * no twin is missed.
   */
  async twinsOf(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    c: NeutronCollection,
    primary: Item,
    primaryProvider: string,
    strict: boolean,
  ): Promise<Twin[]> {
    const span = spanOf(primary);
    const id = String(primary['id']);
    const others = (span?.providers ?? []).filter(
      (p) => p !== primaryProvider && this.front.client.providers.includes(p),
    );
    const q = new URLSearchParams({ tags: twinTag(id) });
    for (const f of ['id', 'tags', 'project_id']) q.append('fields', f);
    const found = await Promise.all(
      others.map(async (p): Promise<Twin[]> => {
        try {
          const r = await this.userCall(req, ctx, caller, p, 'GET', [c.path], undefined, `?${q.toString()}`);
          const list = listAt(r.doc, c.collection);
          const raw = listAt(r.raw, c.collection) ?? [];
          if (r.status !== 200 || !list) throw providerError(p, r);
          return list
            .filter((t, i) => {
              const s = spanOf(t);
              return s?.primaryId === id && s.spanTag === span?.spanTag && ownedByCaller(t, raw[i], r, caller);
            })
            .filter((t) => typeof t['id'] === 'string')
            .map((t) => ({ provider: p, id: t['id'] as string }));
        } catch (err) {
          if (err instanceof ServiceAbsent || isUnmapped(err) || !strict) return [];
          throw err;
        }
      }),
    );
    return found.flat();
  }

  /** Neutron's own "in use" answers, asked before any twin is deleted, so a refused delete leaves every twin. */
  private async checkUnused(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    c: NeutronCollection,
    all: readonly Twin[],
  ): Promise<void> {
    const primaryId = all[0]?.id as string;
    for (const t of all) {
      const q = new URLSearchParams();
      if (c === NETWORKS) q.set('network_id', t.id);
      else q.set('fixed_ips', `subnet_id=${t.id}`);
      q.append('fields', 'id');
      q.append('fields', 'device_owner');
      const r = await this.userCall(req, ctx, caller, t.provider, 'GET', ['ports'], undefined, `?${q.toString()}`);
      const ports = listAt(r.doc, 'ports') ?? [];
      if (r.status !== 200) throw providerError(t.provider, r);
      const busy = ports.filter((p) => c === SUBNETS || !AUTO_DELETED_OWNERS.has(String(p['device_owner'] ?? '')));
      if (busy.length) {
        throw new Conflict(
          c === NETWORKS
            ? `Unable to complete operation on network ${primaryId}. There are one or more ports still in use on the network (at ${t.provider}).`
            : `Unable to complete operation on subnet ${primaryId}: one or more ports have an IP allocation from this subnet (at ${t.provider}).`,
        );
      }
    }
  }

  // ------------------------------------------------------------------ subnets

  /**
   * POST /v2.0/subnets on a spanning network: one subnet per twin, the same CIDR and gateway, disjoint allocation
   * pools (pool-split.ts), made with the caller's own token. False when the network does not span.
   */
  async createSubnet(
    req: Request,
    res: Response,
    ctx: RequestContext,
    caller: Caller,
    networkProvider: string,
    networkId: string,
    body: unknown,
  ): Promise<boolean> {
    const net = await this.userCall(req, ctx, caller, networkProvider, 'GET', [NETWORKS.path, networkId]);
    const network = objectAt(net.doc, 'network');
    if (net.status !== 200 || !network || !isPrimary(network)) return false;
    if (!ownedByCaller(network, objectAt(net.raw, 'network'), net, caller)) return false;
    if (!isObject(body) || !isObject(body['subnet'])) {
      throw new BadRequest('Subnets on a network spanning providers are created one at a time (no bulk create).');
    }
    const item = body['subnet'];
    const cidr = item['cidr'];
    if (typeof cidr !== 'string') throw new BadRequest('A subnet on a network spanning providers needs a cidr.');
    if (item['ip_version'] !== undefined && item['ip_version'] !== 4) {
      throw new BadRequest('Subnets on a network spanning providers are IPv4 only.');
    }
    for (const k of ['allocation_pools', 'subnetpool_id', 'use_default_subnetpool']) {
      if (item[k] !== undefined) {
        throw new BadRequest(`${k}: a subnet spanning providers gets its allocation pools from the proxy.`);
      }
    }
    const gateway = 'gateway_ip' in item ? (item['gateway_ip'] as string | null) : intToIp(cidrRange(cidr).first + 1);
    const twins = await this.twinsOf(req, ctx, caller, NETWORKS, network, networkProvider, true);
    const nets: Twin[] = [{ provider: networkProvider, id: networkId }, ...twins];
    const pools = splitPools(cidr, gateway, nets.length);
    const span = spanOf(network);
    const made: Twin[] = [];
    let shown: Item | undefined;
    for (const [i, n] of nets.entries()) {
      const subnet = { ...item, network_id: n.id, gateway_ip: gateway, allocation_pools: pools[i] };
      const r = await this.userCall(req, ctx, caller, n.provider, 'POST', [SUBNETS.path], { subnet });
      const doc = objectAt(r.doc, 'subnet');
      if (r.status !== 201 || typeof doc?.['id'] !== 'string') {
        const left = await this.removeSubnets(req, ctx, caller, made);
        if (i === 0 && !left.length) return this.relayError(res, r);
        throw withLeftovers(providerError(n.provider, r), left);
      }
      made.push({ provider: n.provider, id: doc['id'] });
      const primaryId = (made[0] as Twin).id;
      const tags =
        i === 0
          ? primaryTags(
              span?.spanTag as string,
              nets.map((t) => t.provider),
            )
          : twinTags(span?.spanTag as string, primaryId);
      const t = await this.userCall(req, ctx, caller, n.provider, 'PUT', [SUBNETS.path, doc['id'], 'tags'], { tags });
      if (t.status !== 200) {
        const left = await this.removeSubnets(req, ctx, caller, made);
        throw withLeftovers(providerError(n.provider, t), left);
      }
      if (i === 0) shown = { ...doc, tags };
    }
    const primary = made[0] as Twin;
    this.front.locator.remember(caller, 'subnet', primary.id, primary.provider);
    servedBy(res, ctx, primary.provider);
    res.status(201).json({ subnet: shown });
    return true;
  }

  private async removeSubnets(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    made: readonly Twin[],
  ): Promise<string[]> {
    return removeEach(made, 'subnet', (t) =>
      this.userCall(req, ctx, caller, t.provider, 'DELETE', [SUBNETS.path, t.id]),
    );
  }

  // ------------------------------------------------------------------ servers

  /**
   * A server's `networks` for the provider it is created at: a spanning network's id (the primary's) becomes the
   * id of its twin there, so that provider's Nova finds its own network. Other entries are left as they are.
   */
  async serverNetworks(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    provider: string,
    networks: unknown,
  ): Promise<unknown> {
    if (!Array.isArray(networks)) return networks;
    const out: unknown[] = [];
    for (const n of networks) {
      const uuid = isObject(n) ? n['uuid'] : undefined;
      if (typeof uuid !== 'string' || !isObject(n)) {
        out.push(n);
        continue;
      }
      const primary = await this.primary(req, ctx, caller, NETWORKS, { id: uuid });
      if (!primary || primary.provider === provider) {
        out.push(n);
        continue;
      }
      const twins = await this.twinsOf(req, ctx, caller, NETWORKS, primary.item, primary.provider, true);
      const there = twins.find((t) => t.provider === provider);
      if (!there) throw new BadRequest(`Network ${uuid} does not span ${provider}, where the server is created.`);
      out.push({ ...n, uuid: there.id });
    }
    return out;
  }

  /** A Nova server create body with its `networks` for `provider` (serverNetworks); other bodies as they are. */
  async serverCreate(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    provider: string,
    doc: unknown,
  ): Promise<unknown> {
    if (!isObject(doc) || !isObject(doc['server']) || !Array.isArray(doc['server']['networks'])) return doc;
    const networks = await this.serverNetworks(req, ctx, caller, provider, doc['server']['networks']);
    return { ...doc, server: { ...doc['server'], networks } };
  }

  // ------------------------------------------------------------------ calls with the caller's token

  private async userCall(
    req: Request,
    ctx: RequestContext,
    caller: Caller,
    provider: string,
    method: string,
    segments: readonly string[],
    json?: unknown,
    query = '',
  ): Promise<UserReply> {
    // The proxy's own body is JSON whatever the client sent (a DELETE of all tags becomes a PUT with a body).
    const headers = json === undefined ? undefined : { 'content-type': 'application/json' };
    const reply = await this.front.send(req, ctx, caller, provider, { segments, method, json, query, headers });
    const ep = reply.endpoint;
    const raw = await reply.response.text(4 * 1024 * 1024);
    let doc: unknown;
    try {
      doc = raw ? JSON.parse(raw) : undefined;
    } catch {
      doc = undefined;
    }
    return {
      status: reply.response.status,
      doc: translateProjectIds(doc, towardsClient(ep.homeProjectId, ep.providerProjectId)),
      raw: doc,
      ownProject: ep.providerProjectId,
      provider,
    };
  }

  private relayError(res: Response, r: UserReply): true {
    res.status(r.status);
    if (r.doc === undefined) res.end();
    else res.json(r.doc);
    return true;
  }
}

/**
 * Whether a network or subnet is the caller's project's own at the provider that answered: its project in the
 * client's ids is the caller's, and as that provider gave it, the caller's project there.
 */
function ownedByCaller(item: Item, raw: Item | undefined, reply: UserReply, caller: Caller): boolean {
  if (item['project_id'] !== caller.info.projectId) return false;
  return reply.ownProject === undefined || raw?.['project_id'] === reply.ownProject;
}

/** The primary's provider answers for the span: X-OCX-Provider and the metrics label, as for a relayed call. */
function servedBy(res: Response, ctx: RequestContext, provider: string): void {
  ctx.provider = provider;
  res.setHeader('x-ocx-provider', provider);
}

/**
 * Deletes what a failed create made, last made first; what could not be removed (a 404 is removed already, a
 * failed call is not).
 */
async function removeEach(
  made: readonly Twin[],
  what: string,
  del: (t: Twin) => Promise<{ status: number }>,
): Promise<string[]> {
  const left: string[] = [];
  for (const t of [...made].reverse()) {
    const status = await del(t).then(
      (r) => r.status,
      () => 0,
    );
    if (status !== 204 && status !== 404) left.push(`${what} ${t.id} at ${t.provider}`);
  }
  return left;
}

/** `doc[key]` when it is a JSON object. */
function objectAt(doc: unknown, key: string): JsonObject | undefined {
  const v = isObject(doc) ? doc[key] : undefined;
  return isObject(v) ? v : undefined;
}

/** The objects of `doc[key]` when it is a list. */
function listAt(doc: unknown, key: string): JsonObject[] | undefined {
  const v = isObject(doc) ? doc[key] : undefined;
  return Array.isArray(v) ? v.filter(isObject) : undefined;
}

const KINDS: Record<number, ErrorKind> = {
  400: 'badRequest',
  403: 'forbidden',
  404: 'itemNotFound',
  409: 'conflict',
  412: 'preconditionFailed',
  413: 'requestEntityTooLarge',
};

/** A provider's refusal as the proxy's own Neutron error, naming the provider. */
function providerError(provider: string, r: { status: number; doc: unknown }, note?: string): OcxError {
  const err = objectAt(r.doc, 'NeutronError');
  const message = typeof err?.['message'] === 'string' ? err['message'] : `HTTP ${r.status}`;
  const text = `${provider}: ${message}${note ? ` (${note})` : ''}`;
  const kind = KINDS[r.status];
  if (kind) return new OcxError(r.status, kind, text);
  return new ProviderUnavailable(provider, `failed (${message})`);
}

function withLeftovers(err: OcxError, leftovers: readonly string[]): OcxError {
  if (!leftovers.length) return err;
  return new OcxError(err.status, err.kind, `${err.message} Could not remove ${leftovers.join(', ')}.`);
}

/** Neutron's VlanIdInUse / TunnelIdInUse (neutron-lib exceptions): the segment is someone's already. */
function segmentInUse(doc: unknown): boolean {
  const err = objectAt(doc, 'NeutronError');
  const type = err?.['type'];
  return type === 'VlanIdInUse' || type === 'TunnelIdInUse' || /is in use/.test(String(err?.['message'] ?? ''));
}

const BUILT = new WeakMap<FrontDeps, SpanningNetworks | null>();

/**
 * The one SpanningNetworks of a set of fronts (the Neutron front and the Nova front's server creates share its
 * reservations), or undefined without `network.segments`.
 */
export function spanningFor(deps: FrontDeps): SpanningNetworks | undefined {
  let s = BUILT.get(deps);
  if (s === undefined) {
    const cfg = deps.config.networkSegments;
    s = cfg
      ? new SpanningNetworks(
          new Front(deps, 'network', networkIds),
          cfg,
          new OperatorTokens(deps.config, deps.upstream),
        )
      : null;
    BUILT.set(deps, s);
  }
  return s ?? undefined;
}
