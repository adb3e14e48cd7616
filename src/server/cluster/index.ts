import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import type { RateRules } from '../domain/rate-limit.js';
import type { Metrics } from '../metrics.js';
import { startingWith } from '../startup.js';
import { RedisMatchQueue } from './match-queue.js';
import { RedisPresence } from './presence.js';
import { RedisRateLimiter } from './rate-limit.js';
import { acquireLock, connectRedis } from './redis.js';

export interface ClusterOptions {
  redisUrl: string;
  nodeId: string;
  presenceTtlMs: number;
  rateRules: RateRules;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Everything a node shares with the others through Redis: the Socket.IO adapter (cross-node
 * fan-out), presence, the match queue, rate limits and sweep locks. Messages never go
 * through here alone — they are in the database, and clients resync from it.
 *
 * The adapter is the Redis *Streams* adapter: unlike the pub/sub one it reads with an offset,
 * so after a short Redis outage it resumes where it stopped instead of silently dropping what
 * was published meanwhile.
 */
export async function startCluster(options: ClusterOptions) {
  const { logger, metrics } = options;
  const state = connectRedis(options.redisUrl, logger, 'state');
  const fanout = connectRedis(options.redisUrl, logger, 'fanout');
  let lastError: unknown;
  for (const connection of [state, fanout]) {
    connection.on('error', (error) => {
      lastError = error;
      metrics.adapterErrors.inc();
    });
  }
  await startingWith('Redis', 'REDIS_URL', options.redisUrl, () =>
    // ioredis gives up with "max retries reached"; the reason is the connection's last error.
    Promise.all([state.ping(), fanout.ping()]).catch((error: unknown) => {
      state.disconnect();
      fanout.disconnect();
      throw lastError ?? error;
    }),
  );

  const presence = new RedisPresence(state, options.nodeId, options.presenceTtlMs);
  await presence.start();
  return {
    nodeId: options.nodeId,
    presence,
    matchQueue: new RedisMatchQueue(state),
    limiter: new RedisRateLimiter(state, options.rateRules, logger),
    adapter: createAdapter(fanout, { streamName: 'parley:socket.io', maxLen: 100_000 }),
    acquireLock: (name: string, ttlMs: number) => acquireLock(state, name, ttlMs),
    async ping(): Promise<void> {
      await state.ping();
    },
    /** Leaves the cluster: returns the users only this node kept online. */
    async stop(): Promise<string[]> {
      const offline = await presence.stop().catch(() => [] as string[]);
      return offline;
    },
    async disconnect(): Promise<void> {
      await Promise.allSettled([state.quit(), fanout.quit()]);
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;
