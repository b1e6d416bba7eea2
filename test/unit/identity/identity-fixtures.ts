import { compileConfig } from '../../../src/config/load';
import type { TokenInfo } from '../../../src/identity/token-info';

/** A fixed clock for the identity unit tests. */
export const NOW = 1_800_000_000_000;
export const now = (): number => NOW;

/** Two providers, home and bu, as the identity unit tests need them. */
export const config = compileConfig(
  {
    listen: { port: 0 },
    public_url: 'http://127.0.0.1:8080',
    home: 'home',
    providers: { home: { keystone_url: 'http://127.0.0.1:5001' }, bu: { keystone_url: 'http://127.0.0.1:5002' } },
  },
  'ocx.yaml',
  process.cwd(),
);

/** The demo user's validated home token (project p1), valid for an hour from NOW. */
export const info: TokenInfo = {
  userId: 'u1',
  userName: 'demo',
  userDomainId: 'default',
  projectId: 'p1',
  projectName: 'demo',
  roles: ['member'],
  expiresAt: NOW + 3_600_000,
  catalog: [],
  serviceProviders: [],
};
