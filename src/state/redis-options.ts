import type { RedisOptions } from 'ioredis';
import type { RedisSentinelConfig } from '../config/types';

/**
 * What ioredis needs besides the URL to reach the master through Sentinel (`state.sentinel`); nothing without it.
 * The URL still gives the password, user, database and TLS of the master connection; its host is not dialled.
 */
export function sentinelOptions(sentinel: RedisSentinelConfig | undefined): RedisOptions {
  if (!sentinel) return {};
  return {
    sentinels: sentinel.nodes.map(({ host, port }) => ({ host, port })),
    name: sentinel.name,
    ...(sentinel.password !== undefined && { sentinelPassword: sentinel.password }),
    // Reconnect as soon as the Sentinels announce a new master (+switch-master), not at the next failed command.
    failoverDetector: true,
    // A demoted master answers writes with READONLY until its connections are dropped: reconnect, which asks the
    // Sentinels for the new master.
    reconnectOnError: (err: Error) => err.message.startsWith('READONLY'),
  };
}
