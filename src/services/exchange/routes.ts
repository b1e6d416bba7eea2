import { Router } from 'express';
import type { Metrics } from '../../observability/metrics';
import { memoryCache } from '../../state/cache';
import { FrontClient } from '../front-engine/front-client';
import type { FrontDeps } from '../front-engine/front-deps';
import { exchangeApi } from './api';
import { ProviderChoices } from './provider-choice';
import { exchangeWeb } from './web-routes';

const CHOICE_MAX = 10_000;

/**
 * The exchange at /ocx: the API under /v1 and the web page. Also returns the project choices reader, which
 * app.ts hands the token validator so every front applies the choice (identity/caller.ts).
 */
export function exchangeRoutes(deps: FrontDeps & { metrics?: Metrics }): { router: Router; choices: ProviderChoices } {
  const { config, upstream, validator, sessions } = deps;
  const choices = new ProviderChoices(config, upstream, memoryCache(CHOICE_MAX));
  const clients = {
    compute: new FrontClient(deps, 'compute'),
    volume: new FrontClient(deps, 'volume'),
    image: new FrontClient(deps, 'image'),
    swift: { config, upstream, validator, sessions, metrics: deps.metrics },
  };
  const router = Router();
  router.use('/v1', exchangeApi({ config, upstream, validator, sessions, choices, clients }));
  router.use(exchangeWeb());
  return { router, choices };
}
