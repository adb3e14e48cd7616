import type { Redis } from 'ioredis';
import type { MatchQueue } from '../domain/matchmaker.js';
import { defineScript, KEY_PREFIX } from './redis.js';

const QUEUE_KEY = `${KEY_PREFIX}match:queue`;

// Atomically: take the longest-waiting other user, or join the end of the line.
const REQUEST = `
redis.call('LREM', KEYS[1], 0, ARGV[1])
local partner = redis.call('LPOP', KEYS[1])
if partner then return partner end
redis.call('RPUSH', KEYS[1], ARGV[1])
return false`;

/** One waiting line for the whole cluster, so users on different nodes can be paired. */
export class RedisMatchQueue implements MatchQueue {
  private readonly requestScript;

  constructor(private readonly redis: Redis) {
    this.requestScript = defineScript(redis, 'parleyMatchRequest', 1, REQUEST);
  }

  async request(userId: string): Promise<string | null> {
    const partner = await this.requestScript(QUEUE_KEY, userId);
    return typeof partner === 'string' ? partner : null;
  }

  async requeue(userId: string): Promise<void> {
    await this.redis.multi().lrem(QUEUE_KEY, 0, userId).lpush(QUEUE_KEY, userId).exec();
  }

  async cancel(userId: string): Promise<boolean> {
    return (await this.redis.lrem(QUEUE_KEY, 0, userId)) > 0;
  }

  async isWaiting(userId: string): Promise<boolean> {
    return (await this.redis.lpos(QUEUE_KEY, userId)) !== null;
  }
}
