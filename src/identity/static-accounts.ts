import type { TempauthCredentials, TempauthObjectStore } from '../config/types';
import { K2kError } from './k2k/errors';
import type { TokenInfo } from './token-info';

/**
 * The tempauth credentials a home project uses at a static-credential provider: its own account (mapped by home
 * project id, else by name), or the one account the operator chose to share with `shared_account: true`.
 * Undefined when the home project has none there: it then holds nothing at that provider, and must never be given
 * another project's account instead.
 */
export function staticAccountFor(os: TempauthObjectStore, info: TokenInfo): TempauthCredentials | undefined {
  if (os.shared) return os.shared;
  if (!info.projectId) return undefined;
  // Own properties only: a project named "constructor" must not find Object.prototype's.
  const own = (k: string | undefined): TempauthCredentials | undefined =>
    k !== undefined && Object.hasOwn(os.accounts, k) ? os.accounts[k] : undefined;
  return own(info.projectId) ?? own(info.projectName);
}

/**
 * The caller's home project has no account at a static-credential provider. Treated like a K2K provider where the
 * caller has no project: lookups and listings skip it (a miss stays a 404), naming it explicitly is a 403.
 */
export class NoStaticAccount extends K2kError {
  constructor(provider: string) {
    super(provider, 'project-map');
    this.message = `Provider ${provider} has no account for this home project.`;
  }
}
