import { randomUUID } from 'node:crypto';

const VALID = /^req-[0-9a-f-]{36}$/;

/** Keep a well-formed incoming x-openstack-request-id, else make one in OpenStack's own form. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && VALID.test(value) ? value : `req-${randomUUID()}`;
}
