import type { Logger } from 'pino';
import type { RateRules } from '../domain/rate-limit.js';
import type { Metrics } from '../metrics.js';
import { startingWith } from '../startup.js';
import { ClusterBus } from './bus.js';
import { RedisMatchQueue } from './match-queue.js';
import { RedisPresence } from './presence.js';
import { RedisRateLimiter } from './rate-limit.js';
import { acquireLock, connectRedis } from './redis.js';

export interface ClusterOptions {
  redisUrl: string;
  nodeId: string;
  presenceTtlMs: number;
  presenceGraceMs: number;
  rateRules: RateRules;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Everything a node shares with the others through Redis: the cluster bus (cross-node
 * fan-out, cluster/bus.ts), presence, the match queue, rate limits and sweep locks. Messages
 * never go through here alone — they are in the database, and clients resync from it.
 */
export async function startCluster(options: ClusterOptions) {
  const { logger, metrics } = options;
  const state = connectRedis(options.redisUrl, logger, 'state');
  let lastError: unknown;
  state.on('error', (error) => {
    lastError = error;
    metrics.redisErrors.inc();
  });
  await startingWith('Redis', 'REDIS_URL', options.redisUrl, () =>
    // ioredis gives up with "max retries reached"; the reason is the connection's last error.
    state.ping().catch((error: unknown) => {
      state.disconnect();
      throw lastError ?? error;
    }),
  );
  const bus = new ClusterBus(options.redisUrl, options.nodeId, logger, metrics);

  const presence = new RedisPresence(state, options.nodeId, {
    ttlMs: options.presenceTtlMs,
    graceMs: options.presenceGraceMs,
    logger,
  });
  await presence.start();
  return {
    nodeId: options.nodeId,
    presence,
    matchQueue: new RedisMatchQueue(state),
    limiter: new RedisRateLimiter(state, options.rateRules, logger),
    bus,
    acquireLock: (name: string, ttlMs: number) => acquireLock(state, name, ttlMs),
    async ping(): Promise<void> {
      await state.ping();
    },
    /** Leaves the cluster, once this node's sockets are closed (RedisPresence.stop). */
    leave(): Promise<void> {
      return presence.stop();
    },
    async disconnect(): Promise<void> {
      const closeState = async () => {
        if (state.status === 'ready') await state.quit().catch(() => {});
        state.disconnect();
      };
      await Promise.allSettled([bus.stop(), closeState()]);
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;
