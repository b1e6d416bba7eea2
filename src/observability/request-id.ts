import { randomUUID } from 'node:crypto';

const VALID = /^req-[0-9a-f-]{36}$/;

/** A fresh request id in OpenStack's own form: the proxy's id for one call, sent to providers and returned. */
export function newRequestId(): string {
  return `req-${randomUUID()}`;
}

/**
 * A well-formed id the client sent, logged beside the proxy's own for correlation. It never becomes the id
 * providers see: a client must not choose what other clouds log for its calls.
 */
export function clientRequestId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && VALID.test(value) ? value : undefined;
}
