import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  MemoryRateLimiter,
  type RateDecision,
  type RateLimiter,
  type RateRuleName,
  type RateRules,
} from '../domain/rate-limit.js';
import { defineScript, KEY_PREFIX } from './redis.js';

// The same token bucket as MemoryRateLimiter, kept in a Redis hash and timed by Redis's clock
// so every node agrees. Returns {allowed, retryAfterMs}.
const TAKE = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(bucket[1]) or burst
local updated = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + (now - updated) / 1000 * rate)
if tokens < cost then return {0, math.ceil((cost - tokens) / rate * 1000)} end
if ARGV[4] == '1' then
  redis.call('HSET', KEYS[1], 't', tostring(tokens - cost), 'u', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
end
return {1, 0}`;

const REFUND = `
local tokens = tonumber(redis.call('HGET', KEYS[1], 't'))
if tokens then redis.call('HSET', KEYS[1], 't', tostring(math.min(tonumber(ARGV[1]), tokens + tonumber(ARGV[2])))) end
return 1`;

/**
 * Rate limits shared by all nodes, so a client cannot multiply its allowance by spreading
 * requests over them. While Redis is unreachable each node enforces the same rules on its own
 * (in memory), at once: a send must not wait for Redis's retries to be allowed, and a flood
 * must not get through just because Redis is away.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly takeScript;
  private readonly refundScript;
  private readonly local: MemoryRateLimiter;
  private lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly rules: RateRules,
    private readonly logger: Logger,
  ) {
    this.takeScript = defineScript(redis, 'parleyRateTake', 1, TAKE);
    this.refundScript = defineScript(redis, 'parleyRateRefund', 1, REFUND);
    this.local = new MemoryRateLimiter(rules);
  }

  take(rule: RateRuleName, key: string, cost = 1): Promise<RateDecision> {
    return this.decide(rule, key, cost, true);
  }

  peek(rule: RateRuleName, key: string): Promise<RateDecision> {
    return this.decide(rule, key, 1, false);
  }

  async refund(rule: RateRuleName, key: string, cost = 1): Promise<void> {
    if (this.redis.status !== 'ready') return this.local.refund(rule, key, cost);
    await this.refundScript(bucketKey(rule, key), this.rules[rule].burst, cost).catch(() => {});
  }

  private async decide(
    ruleName: RateRuleName,
    key: string,
    cost: number,
    spend: boolean,
  ): Promise<RateDecision> {
    const rule = this.rules[ruleName];
    if (this.redis.status !== 'ready') return this.decideLocally(ruleName, key, cost, spend);
    try {
      const [allowed, retryAfterMs] = (await this.takeScript(
        bucketKey(ruleName, key),
        rule.burst,
        rule.perSecond,
        cost,
        spend ? '1' : '0',
      )) as [number, number];
      return { allowed: allowed === 1, retryAfterMs };
    } catch {
      return this.decideLocally(ruleName, key, cost, spend);
    }
  }

  private decideLocally(
    rule: RateRuleName,
    key: string,
    cost: number,
    spend: boolean,
  ): Promise<RateDecision> {
    if (Date.now() - this.lastWarning > 5_000) {
      this.lastWarning = Date.now();
      this.logger.warn('rate limits shared through Redis are unavailable; this node enforces them alone');
    }
    return spend ? this.local.take(rule, key, cost) : this.local.peek(rule, key);
  }
}

const bucketKey = (rule: string, key: string) => `${KEY_PREFIX}rate:${rule}:${key}`;
