import { createHash } from 'node:crypto';

/** Tokens are never used as keys or logged: only this digest is (docs/contract.md "Security"). */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
