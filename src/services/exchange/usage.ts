import type { Request } from 'express';
import type { ProviderConfig } from '../../config/types';
import { toOcxError } from '../../errors/errors';
import { fanOut, type FanOutResult } from '../../fanout/fan-out';
import type { RequestContext } from '../../http/context';
import type { Caller } from '../../identity/caller';
import { headerValue } from '../../upstream/headers';
import { SwiftClient, discard, type SwiftDeps } from '../object-store/swift-client';
import type { FrontClient } from '../front-engine/front-client';
import { estimateMonthlyCost, type CostEstimate, type ProviderUsage } from './cost';
import { absent, getFromEach } from './provider-json';

const GIB = 1024 ** 3;
/** Nova's microversion that names the flavor in a server (`flavor.original_name`). */
const FLAVOR_NAMES = { 'x-openstack-nova-api-version': '2.47', 'openstack-api-version': 'compute 2.47' };
/** One page per collection (the providers' own maximum page size): usage beyond it is not counted. */
const PAGE = '1000';

export interface UsageClients {
  compute: FrontClient;
  volume: FrontClient;
  image: FrontClient;
  swift: SwiftDeps;
}

export interface ProviderUsageReport {
  provider: string;
  usage: ProviderUsage;
  cost?: CostEstimate;
  /** Parts that could not be counted (that provider failed or timed out): the figures are then too low. */
  failed: { service: string; message: string }[];
}

export interface UsageReport {
  providers: ProviderUsageReport[];
  /** True when any part of any provider could not be counted. */
  partial: boolean;
}

export function emptyUsage(): ProviderUsage {
  return { serversByFlavor: {}, volumeGib: 0, objectGib: 0, objectCount: 0, imageCount: 0, imageGib: 0 };
}

/**
 * What the caller's project holds at each provider it uses, asked of every service in parallel, with the
 * estimated monthly cost from each provider's price sheet.
 */
export async function collectUsage(
  clients: UsageClients,
  providers: readonly ProviderConfig[],
  req: Request,
  ctx: RequestContext,
  caller: Caller,
): Promise<UsageReport> {
  const chosen = providers.filter((p) => !caller.providers || caller.providers.includes(p.name));
  const keystone = chosen.filter((p) => p.keystoneUrl).map((p) => p.name);
  const project = caller.info.projectId;
  const [servers, volumes, images, objects] = await Promise.all([
    getFromEach(clients.compute, req, ctx, caller, keystone, {
      segments: ['servers', 'detail'],
      query: `?limit=${PAGE}`,
      clientHeaders: false,
      headers: FLAVOR_NAMES,
    }),
    getFromEach(clients.volume, req, ctx, caller, keystone, {
      segments: ['volumes', 'detail'],
      query: `?limit=${PAGE}`,
      clientHeaders: false,
    }),
    getFromEach(clients.image, req, ctx, caller, keystone, {
      segments: ['v2', 'images'],
      query: `?limit=${PAGE}`,
      clientHeaders: false,
    }),
    accountTotals(
      clients.swift,
      caller,
      ctx,
      chosen.map((p) => p.name),
    ),
  ]);
  const reports = new Map(
    chosen.map((p) => [p.name, { provider: p.name, usage: emptyUsage(), failed: [] } as ProviderUsageReport]),
  );
  const failures = (service: string, result: FanOutResult<unknown>): void => {
    for (const f of result.failed) reports.get(f.provider)?.failed.push({ service, message: f.error.message });
  };
  await Promise.all(
    servers.ok.map(async (r) => {
      const usage = reports.get(r.provider)?.usage as ProviderUsage;
      const flavors = list(r.value, 'servers').map((s) => (s['flavor'] ?? {}) as Record<string, unknown>);
      const names = await flavorNames(clients.compute, req, ctx, caller, r.provider, flavors);
      for (const f of flavors) {
        const name = String(f['original_name'] ?? names.get(String(f['id'])) ?? f['id'] ?? 'unknown');
        usage.serversByFlavor[name] = (usage.serversByFlavor[name] ?? 0) + 1;
      }
    }),
  );
  for (const r of volumes.ok) {
    const usage = reports.get(r.provider)?.usage as ProviderUsage;
    usage.volumeGib = list(r.value, 'volumes').reduce((n, v) => n + (Number(v['size']) || 0), 0);
  }
  for (const r of images.ok) {
    const usage = reports.get(r.provider)?.usage as ProviderUsage;
    // Only the project's own images cost it anything; public and shared ones are someone else's.
    const own = list(r.value, 'images').filter((i) => i['owner'] === project);
    usage.imageCount = own.length;
    usage.imageGib = round3(own.reduce((n, i) => n + (Number(i['size']) || 0), 0) / GIB);
  }
  for (const r of objects.ok) {
    const usage = reports.get(r.provider)?.usage as ProviderUsage;
    usage.objectGib = round3(r.value.bytes / GIB);
    usage.objectCount = r.value.objects;
  }
  failures('compute', servers);
  failures('volume', volumes);
  failures('image', images);
  failures('object-store', objects);
  const out = chosen.map((p) => {
    const report = reports.get(p.name) as ProviderUsageReport;
    return { ...report, cost: estimateMonthlyCost(report.usage, p.offer) };
  });
  return { providers: out, partial: out.some((r) => r.failed.length > 0) };
}

/**
 * Names of the flavors a Nova older than 2.47 gave by id only, asked of that Nova once per id (an id it no
 * longer knows stays an id).
 */
async function flavorNames(
  compute: FrontClient,
  req: Request,
  ctx: RequestContext,
  caller: Caller,
  provider: string,
  flavors: readonly Record<string, unknown>[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(
      flavors.filter((f) => f['original_name'] === undefined && f['id'] !== undefined).map((f) => String(f['id'])),
    ),
  ];
  const names = new Map<string, string>();
  await Promise.all(
    ids.map(async (id) => {
      const found = await getFromEach(compute, req, ctx, caller, [provider], {
        segments: ['flavors', id],
        clientHeaders: false,
      });
      const name = (found.ok[0]?.value as { flavor?: { name?: unknown } } | undefined)?.flavor?.name;
      if (typeof name === 'string') names.set(id, name);
    }),
  );
  return names;
}

/** Swift's account totals (HEAD on the account); providers without Swift are absent. */
async function accountTotals(
  deps: SwiftDeps,
  caller: Caller,
  ctx: RequestContext,
  providers: readonly string[],
): Promise<FanOutResult<{ bytes: number; objects: number }>> {
  const client = new SwiftClient(deps, caller, ctx);
  const result = await fanOut(
    providers,
    async (provider, signal) => {
      const res = await client.send(provider, { method: 'HEAD', signal });
      discard(res);
      if (res.status === 404) return { bytes: 0, objects: 0 };
      if (res.status >= 300) throw new Error(`answered HTTP ${res.status}`);
      return {
        bytes: Number(headerValue(res.headers, 'x-account-bytes-used') ?? 0) || 0,
        objects: Number(headerValue(res.headers, 'x-account-object-count') ?? 0) || 0,
      };
    },
    { signal: ctx.signal, deadline: ctx.deadline },
  );
  const failed = result.failed.filter((f) => !absent(f.error) && !noObjectStore(f.error));
  return { ok: result.ok, failed: failed.map((f) => ({ provider: f.provider, error: toOcxError(f.error) })) };
}

/** A provider whose catalog has no object-store (serviceBaseUrl's refusal) holds no objects for anyone. */
function noObjectStore(err: unknown): boolean {
  return /offers no object-store|no object-store/i.test((err as Error).message ?? '');
}

function list(doc: unknown, key: string): Record<string, unknown>[] {
  const items = (doc as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
