import { Router, type Request, type Response } from 'express';
import type { Config, ProviderConfig, ServiceType } from '../../config/types';
import { BadRequest, UnknownProvider } from '../../errors/errors';
import { fanOut } from '../../fanout/fan-out';
import { readBody, parseJsonBody } from '../../http/body';
import { contextOf } from '../../http/context';
import { authenticate } from '../../identity/caller';
import { serviceBaseUrl } from '../../identity/endpoints';
import type { ProviderSession, ProviderSessions } from '../../identity/provider-sessions';
import type { Caller } from '../../identity/caller';
import type { TokenValidator } from '../../identity/token-validator';
import type { UpstreamClient } from '../../upstream/client';
import type { ProviderChoices } from './provider-choice';
import { collectUsage, type UsageClients } from './usage';

export interface ExchangeDeps {
  config: Config;
  upstream: UpstreamClient;
  validator: TokenValidator;
  sessions: ProviderSessions;
  choices: ProviderChoices;
  clients: UsageClients;
}

const SERVICES: readonly ServiceType[] = ['identity', 'compute', 'volume', 'image', 'object-store'];

/**
 * The exchange API at /ocx/v1 (docs/exchange.md): the providers and their offers, the project's provider choice,
 * and its usage and estimated cost per provider. Every call is authenticated with the caller's home token.
 */
export function exchangeApi(deps: ExchangeDeps): Router {
  const { config } = deps;
  const router = Router();

  router.get('/', (_req, res) => {
    res.json({
      version: { id: 'v1', status: 'CURRENT', resources: ['providers', 'projects/current/providers', 'usage'] },
    });
  });

  router.get('/providers', async (req, res) => {
    const caller = await authenticate(req.headers, deps.validator);
    const ctx = contextOf(res.locals);
    const used = usedProviders(config, caller);
    // The services come from each provider's own catalog for this caller: only providers the project uses are asked.
    const catalogs = await fanOut(used, async (name) => deps.sessions.get(caller, name), {
      signal: ctx.signal,
      deadline: ctx.deadline,
    });
    const catalog = new Map(catalogs.ok.map((r) => [r.provider, r.value]));
    const failed = new Map(catalogs.failed.map((f) => [f.provider, f.error.message]));
    res.json({
      providers: config.providers.map((p) => ({
        name: p.name,
        home: p.name === config.home,
        chosen: used.includes(p.name),
        state: deps.upstream.breaker(p.name).state,
        offer: p.offer ?? null,
        services: catalog.has(p.name) ? servicesOf(p, catalog.get(p.name) as ProviderSession) : configuredServices(p),
        ...(failed.has(p.name) ? { error: failed.get(p.name) } : {}),
      })),
    });
  });

  router.get('/projects/current/providers', async (req, res) => {
    const caller = await authenticate(req.headers, deps.validator);
    res.json(choiceDoc(config, caller.providers));
  });

  router.put('/projects/current/providers', async (req, res) => {
    const caller = await authenticate(req.headers, deps.validator);
    const body = parseJsonBody(await readBody(req, config.limits.jsonBodyBytes));
    const chosen = parseChoiceBody(body, config);
    const stored = await deps.choices.choose(caller, chosen);
    res.json(choiceDoc(config, stored));
  });

  router.get('/usage', async (req: Request, res: Response) => {
    const caller = await authenticate(req.headers, deps.validator);
    const ctx = contextOf(res.locals);
    const report = await collectUsage(deps.clients, config.providers, req, ctx, caller);
    if (report.partial) {
      res.setHeader(
        'X-OCX-Partial',
        report.providers
          .filter((p) => p.failed.length)
          .map((p) => p.provider)
          .join(','),
      );
    }
    res.json({ project_id: caller.info.projectId, ...report });
  });

  return router;
}

function usedProviders(config: Config, caller: Caller): string[] {
  return config.providers.map((p) => p.name).filter((n) => !caller.providers || caller.providers.includes(n));
}

function choiceDoc(config: Config, chosen: readonly string[] | undefined): Record<string, unknown> {
  const all = config.providers.map((p) => p.name);
  return { providers: chosen ?? all, all: chosen === undefined, available: all, home: config.home };
}

/** `{"providers": [names]}` or `{"providers": null}` (every provider, the tag removed). */
export function parseChoiceBody(body: unknown, config: Config): string[] | undefined {
  const list = (body as { providers?: unknown } | null)?.providers;
  if (list === null) return undefined;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) {
    throw new BadRequest('The body must be {"providers": [provider names]} or {"providers": null} for every provider.');
  }
  const known = config.providers.map((p) => p.name);
  for (const name of list) if (!known.includes(name)) throw new UnknownProvider(name.slice(0, 64), known);
  if (!list.includes(config.home)) {
    throw new BadRequest(`The home provider ${config.home} cannot be left out: the project lives there.`);
  }
  return known.filter((n) => list.includes(n));
}

/** Services the provider serves this caller: those its catalog (or the config) has an endpoint for. */
function servicesOf(p: ProviderConfig, session: ProviderSession): string[] {
  return SERVICES.filter((s) => {
    try {
      return serviceBaseUrl(p, session, s) !== '';
    } catch {
      return false;
    }
  });
}

function configuredServices(p: ProviderConfig): string[] {
  const types = new Set<string>(Object.keys(p.endpoints));
  if (p.objectStore) types.add('object-store');
  if (p.keystoneUrl) types.add('identity');
  return SERVICES.filter((s) => types.has(s));
}
