import type { Request } from 'express';
import { headerValue } from './sim-http';
import { NOVA_MAX_VERSION } from './compute-render';

/** A compute microversion as [major, minor]. */
export type ComputeVersion = readonly [number, number];

const MAX = NOVA_MAX_VERSION.split('.').map(Number) as unknown as ComputeVersion;
const FORMAT = /^2\.(0|[1-9]\d*)$/;

/**
 * The microversion a request asks for, as nova/api/openstack/api_version_request.py reads it: `OpenStack-API-Version:
 * compute X` (else the legacy `X-OpenStack-Nova-API-Version: X`), `latest` for the maximum, nothing for 2.1. A
 * version the fake cannot read or serve is answered as 2.1: the proxy in front refuses those itself
 * (src/services/front-engine/microversion.ts) with Nova's 400 and 406.
 */
export function requestedVersion(req: Request): ComputeVersion {
  const modern = headerValue(req, 'openstack-api-version');
  let asked: string | undefined;
  if (modern !== undefined) {
    for (const part of modern.split(',')) {
      const [service, version] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute') asked = version;
    }
  } else asked = headerValue(req, 'x-openstack-nova-api-version');
  if (asked === undefined) return [2, 1];
  if (asked.toLowerCase() === 'latest') return MAX;
  if (!FORMAT.test(asked)) return [2, 1];
  const minor = Number(asked.split('.')[1]);
  return minor >= 1 && minor <= (MAX[1] as number) ? [2, minor] : [2, 1];
}

export function atLeast(v: ComputeVersion, minor: number): boolean {
  return (v[1] as number) >= minor;
}

export function versionString(v: ComputeVersion): string {
  return `${v[0]}.${v[1]}`;
}
