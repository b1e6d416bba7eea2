import { OcxError } from '../../errors/errors';

/**
 * Swift answers the proxy gives itself with statuses the shared error family has no class for
 * (swift/common/constraints.py check_object_creation). Rendered like every Swift error (errors/format/plain.ts).
 */
export class LengthRequired extends OcxError {
  constructor() {
    super(411, 'badRequest', 'Missing Content-Length header.');
  }
}

export class NotImplemented extends OcxError {
  constructor(message: string) {
    super(501, 'badRequest', message);
  }
}

/**
 * A provider refused the caller (401/403 with the caller's own provider token): that is the caller's answer, as
 * Swift would give it, not an outage to route around. With static credentials (tempauth) the refusal is about
 * the proxy's credentials, not the caller, so it stays an outage (undefined here).
 */
export function callerRefusal(status: number, staticCredentials: boolean): CallerRefused | undefined {
  if (staticCredentials || (status !== 401 && status !== 403)) return undefined;
  return new CallerRefused(status);
}

export class CallerRefused extends OcxError {
  constructor(status: 401 | 403) {
    super(
      status,
      status === 401 ? 'unauthorized' : 'forbidden',
      status === 401 ? SWIFT_401 : 'Access was denied to this resource.',
    );
  }
}

export const SWIFT_401 = 'This server could not verify that you are authorized to access the document you requested.';

/** After a fan-out: a provider's refusal of the caller ends the request with that refusal. */
export function throwRefusal(failed: readonly { error: OcxError }[]): void {
  const refused = failed.find((f) => f.error instanceof CallerRefused);
  if (refused) throw refused.error;
}
