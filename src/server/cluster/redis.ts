import { type ChainableCommander, Redis } from 'ioredis';
import type { Logger } from 'pino';

export const KEY_PREFIX = 'parley:';

/**
 * A Redis connection that reconnects by itself and fails a command after a couple of retries
 * instead of hanging, so a Redis outage degrades cluster features (presence, fan-out) without
 * freezing message handling: messages live in the database, not in Redis.
 */
export function connectRedis(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: `parley-${name}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // A Redis that stops answering (a partition, not a refusal) must not hold up what waits on
    // it: its callers fall back (rate limits) or retry later (presence).
    commandTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastLogged = 0;
  redis.on('error', (error) => {
    // A down Redis errors on every retry; one line every few seconds is enough.
    if (Date.now() - lastLogged > 5_000) {
      lastLogged = Date.now();
      logger.warn({ err: error, connection: name }, 'redis connection problem');
    }
  });
  redis.on('ready', () => logger.info({ connection: name }, 'redis connected'));
  return redis;
}

type ScriptArgs = (string | number)[];
type ScriptHost = Record<string, (...args: ScriptArgs) => Promise<unknown>>;

/**
 * Registers a Lua script as a command (EVALSHA with automatic fallback to EVAL). The returned
 * function runs it; `queue` adds it to a pipeline instead, to run in order with the rest.
 */
export function defineScript(redis: Redis, name: string, keys: number, lua: string) {
  redis.defineCommand(name, { numberOfKeys: keys, lua });
  const run = (...args: ScriptArgs): Promise<unknown> => (redis as unknown as ScriptHost)[name]!(...args);
  return Object.assign(run, {
    queue(pipeline: ChainableCommander, ...args: ScriptArgs): void {
      void (pipeline as unknown as ScriptHost)[name]!(...args);
    },
  });
}

/** A short lease: true for exactly one caller until it expires. */
export async function acquireLock(redis: Redis, name: string, ttlMs: number): Promise<boolean> {
  return (
    (await redis.set(`${KEY_PREFIX}lock:${name}`, '1', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK'
  );
}
