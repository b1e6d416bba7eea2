import { OcxError } from '../../errors/errors';

/** The K2K steps, named as in metrics (ocx_k2k_failures_total{step}) and in error messages. */
export type K2kStep = 'service-provider' | 'ecp-assertion' | 'sp-session' | 'federated-token' | 'project-map' | 'scope';

const STEP_TEXT: Record<K2kStep, string> = {
  'service-provider': 'the home Keystone lists no such service provider',
  'ecp-assertion': 'the home Keystone refused to issue a SAML assertion',
  'sp-session': "the provider's SAML endpoint refused the assertion",
  'federated-token': "the provider's Keystone did not issue a federated token",
  'project-map': 'no project at the provider maps to the home project',
  scope: "the provider's Keystone refused to scope the federated token",
};

/**
 * A K2K step failed. Provider-side refusals are 401 for the client when the home token is the cause, else 503:
 * the provider is unusable for this user right now, which other providers do not share.
 */
export class K2kError extends OcxError {
  constructor(
    readonly provider: string,
    readonly step: K2kStep,
    readonly upstreamStatus?: number,
    options?: { cause?: unknown },
  ) {
    const status = step === 'project-map' ? 403 : step === 'ecp-assertion' && upstreamStatus === 401 ? 401 : 503;
    super(
      status,
      status === 403 ? 'forbidden' : status === 401 ? 'unauthorized' : 'serviceUnavailable',
      `Federation with provider ${provider} failed: ${STEP_TEXT[step]}${upstreamStatus ? ` (HTTP ${upstreamStatus})` : ''}.`,
      options,
    );
  }
}

/**
 * The caller holds nothing at that provider: the home Keystone names no such service provider for them, or no
 * project there maps to their home project. Lookups and listings skip such a provider instead of failing, so a
 * miss stays a 404. A provider that could not answer the project list (5xx) is a failure, not this.
 */
export function isUnmapped(err: unknown): err is K2kError | ProviderNotChosen {
  if (err instanceof ProviderNotChosen) return true;
  if (!(err instanceof K2kError)) return false;
  if (err.step === 'service-provider') return true;
  return err.step === 'project-map' && (err.upstreamStatus === undefined || err.upstreamStatus < 500);
}

/** Fan-out failures without the providers where the caller is unmapped (absent there, not failed). */
export function withoutUnmapped<F extends { error: unknown }>(failed: readonly F[]): F[] {
  return failed.filter((f) => !isUnmapped(f.error));
}

/**
 * The caller's home project did not choose this provider (its `ocx-providers:` tag, docs/exchange.md). Listings and
 * lookups skip it like an unmapped one; a call that names it (`ID@provider`, X-OCX-Provider) is a 400 saying so.
 */
export class ProviderNotChosen extends OcxError {
  constructor(
    readonly provider: string,
    chosen: readonly string[],
  ) {
    super(
      400,
      'badRequest',
      `Provider ${provider} is not among the providers this project uses (${chosen.join(', ')}); ` +
        'a project admin can change the choice at /ocx/v1/projects/current/providers.',
    );
  }
}
