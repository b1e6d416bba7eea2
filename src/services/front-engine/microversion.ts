import type { IncomingHttpHeaders } from 'node:http';
import { BadRequest, NotAcceptable } from '../../errors/errors';
import { compareMicroversions } from './merge-versions';

/**
 * Microversion headers checked before anything is fanned out, as Nova and Cinder check them
 * (nova/api/openstack/api_version_request.py): a malformed value is a 400; a value outside the range every provider
 * supports (when the proxy knows it from a merged version document) is a 406. Pure.
 */
export type MicroversionService = 'compute' | 'volume';

const LEGACY: Record<MicroversionService, string | undefined> = {
  compute: 'x-openstack-nova-api-version',
  volume: undefined,
};
const FORMAT = /^([1-9]\d*)\.(0|[1-9]\d*)$/;

export function requestedMicroversion(headers: IncomingHttpHeaders, service: MicroversionService): string | undefined {
  const modern = headers['openstack-api-version'];
  const values = (Array.isArray(modern) ? modern : modern ? [modern] : []).flatMap((v) => v.split(','));
  for (const v of values) {
    const [name, ...rest] = v.trim().split(/\s+/);
    if (name?.toLowerCase() === service) return rest.join(' ');
  }
  const legacyName = LEGACY[service];
  const legacy = legacyName ? headers[legacyName] : undefined;
  return Array.isArray(legacy) ? legacy[0] : legacy;
}

export function checkMicroversion(
  headers: IncomingHttpHeaders,
  service: MicroversionService,
  range?: { min: string; max: string },
): void {
  const value = requestedMicroversion(headers, service)?.trim();
  if (value === undefined || value.toLowerCase() === 'latest') return;
  if (!FORMAT.test(value)) {
    throw new BadRequest(
      `API Version String ${value.slice(0, 40)} is of invalid format. Must be of format MajorNum.MinorNum.`,
    );
  }
  const major = value.split('.')[0];
  const known = range && range.min && range.max;
  if (
    known &&
    (major !== range.min.split('.')[0] ||
      compareMicroversions(value, range.min) < 0 ||
      compareMicroversions(value, range.max) > 0)
  ) {
    throw new NotAcceptable(
      `Version ${value} is not supported by the API. Minimum is ${range.min} and maximum is ${range.max}.`,
    );
  }
}

/** The merged [min_version, version] of the CURRENT entry of a version document, if it has one. */
export function rangeOf(doc: unknown): { min: string; max: string } | undefined {
  const d = doc as { versions?: unknown; version?: unknown } | null;
  const entries = (Array.isArray(d?.versions) ? d.versions : d?.version ? [d.version] : []) as Array<
    Record<string, unknown>
  >;
  const current = entries.find((e) => e['status'] === 'CURRENT') ?? entries[0];
  const min = current?.['min_version'];
  const max = current?.['version'];
  return typeof min === 'string' && typeof max === 'string' && min && max ? { min, max } : undefined;
}
