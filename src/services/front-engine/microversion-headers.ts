import type { HeaderBag } from '../../upstream/headers';

/**
 * The response headers that say which microversion answered (Nova: `OpenStack-API-Version`,
 * `X-OpenStack-Nova-API-Version`; Cinder: `OpenStack-API-Version`) and the `Vary` that goes with them. A merged
 * answer carries them as one provider sent them: every provider was asked with the client's microversion. Pure.
 */
const NAMES = ['openstack-api-version', 'x-openstack-nova-api-version', 'vary'] as const;
const VALUE = /^[A-Za-z0-9 .,_-]{1,200}$/;

export function microversionHeadersOf(headers: HeaderBag | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const name of NAMES) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (typeof value === 'string' && VALUE.test(value)) out[name] = value;
  }
  return out;
}

/** The headers of the preferred provider's answer (home first), else of any answer that has them. */
export function pickMicroversionHeaders(
  answers: readonly { provider: string; headers?: HeaderBag }[],
  home: string,
): Record<string, string> {
  const ordered = [...answers].sort((a, b) => Number(b.provider === home) - Number(a.provider === home));
  for (const a of ordered) {
    const h = microversionHeadersOf(a.headers);
    if (Object.keys(h).length) return h;
  }
  return {};
}
