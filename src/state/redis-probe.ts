import Redis from 'ioredis';
import type { RedisSentinelConfig } from '../config/types';
import { sentinelOptions } from './redis-options';

/** One PING to a Redis, bounded by `timeoutMs`, for the operator CLI. Never echoes the URL (it may carry a password). */
export async function pingRedis(
  url: string,
  timeoutMs: number,
  sentinel?: RedisSentinelConfig,
): Promise<{ reachable: boolean; ms: number; error?: string }> {
  const started = Date.now();
  const client = new Redis(url, {
    ...sentinelOptions(sentinel),
    // One pass over the Sentinels, no retry: the CLI reports, it does not wait.
    sentinelRetryStrategy: () => null,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy: () => null,
    disconnectTimeout: 100,
  });
  // The connect() rejection only says "Connection is closed."; the error event says why.
  let why: string | undefined;
  client.on('error', (err: Error & { code?: string }) => {
    why ??= err.code ?? err.message;
  });
  try {
    await client.connect();
    await client.ping();
    return { reachable: true, ms: Date.now() - started };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { reachable: false, ms: Date.now() - started, error: why ?? code ?? (err as Error).message };
  } finally {
    client.disconnect();
  }
}
