import { isIPv6 } from 'node:net';
import { DomainError } from './errors.js';

/**
 * Token buckets: each (rule, key) pair holds up to `burst` tokens and regains `perSecond`
 * tokens a second. A bucket that has refilled completely is forgotten, so memory follows the
 * number of recently active keys, not all keys ever seen.
 */
export interface RateRule {
  burst: number;
  perSecond: number;
}

export const DEFAULT_RATE_RULES = {
  /** Messages, per user. */
  send: { burst: 20, perSecond: 5 },
  /** Edits, deletes and reactions, per user. */
  action: { burst: 30, perSecond: 5 },
  /** Channel joins and leaves, per user. */
  join: { burst: 20, perSecond: 1 },
  /** Code-room guesses, per user and per address. */
  codeGuess: { burst: 10, perSecond: 0.2 },
  /** Opening DMs, per user. */
  dmOpen: { burst: 20, perSecond: 0.5 },
  /** Creating rooms of any kind, per user. */
  roomCreate: { burst: 10, perSecond: 0.1 },
  /** Typing notices, per user and room; excess is dropped silently. */
  typing: { burst: 3, perSecond: 1 },
  /** File uploads, per user. */
  upload: { burst: 20, perSecond: 0.5 },
  /** User search and other lookups, per user. */
  lookup: { burst: 20, perSecond: 5 },
  /**
   * Message searches, per user: someone typing with search-as-you-type makes a few a second
   * for a moment; each can read thousands of index entries, so not more.
   */
  search: { burst: 10, perSecond: 1 },
  /**
   * Reads, per user: sync pages, room and channel lists, member lists, history pages. A
   * reconnect after a long absence is a few dozen (a sync page holds 500 entries); a flood is
   * refused.
   */
  read: { burst: 30, perSecond: 5 },
  /** Read positions (`room:read`), per user: one per burst of messages seen. */
  readMark: { burst: 60, perSecond: 10 },
  /** Failed logins to one account from one address: what stops a guesser where they are. */
  loginAccountFromAddress: { burst: 5, perSecond: 1 / 60 },
  /**
   * Failed logins to one account from all addresses together: a looser cap on a guesser
   * spread over many addresses. Exhausting it needs six addresses' worth of failures.
   */
  loginAccount: { burst: 30, perSecond: 1 / 20 },
  /** Login attempts, per address. */
  loginAddress: { burst: 30, perSecond: 0.5 },
  /** Registrations and guest sign-ins, per address. */
  signup: { burst: 60, perSecond: 1 },
  /** Socket handshakes, per user: a few tabs and reloads, not a reconnect loop. */
  handshake: { burst: 20, perSecond: 0.5 },
  /**
   * Socket handshakes, per address: room for an office behind one NAT reconnecting after a
   * blip (behind a proxy, set TRUST_PROXY so this sees the clients' addresses).
   */
  handshakeAddress: { burst: 300, perSecond: 30 },
} satisfies Record<string, RateRule>;

export type RateRuleName = keyof typeof DEFAULT_RATE_RULES;
export type RateRules = Record<RateRuleName, RateRule>;

export interface RateDecision {
  allowed: boolean;
  retryAfterMs: number;
}

/** Async so that a cluster-wide implementation (Redis) can stand in without changing callers. */
export interface RateLimiter {
  take(rule: RateRuleName, key: string, cost?: number): Promise<RateDecision>;
  /** Whether `take` would succeed, without spending anything. */
  peek(rule: RateRuleName, key: string): Promise<RateDecision>;
  /** Gives back what `take` spent, when the attempt turned out to be legitimate. */
  refund(rule: RateRuleName, key: string, cost?: number): Promise<void>;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(
    private readonly rules: RateRules = DEFAULT_RATE_RULES,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSweep = now();
  }

  async take(rule: RateRuleName, key: string, cost = 1): Promise<RateDecision> {
    return this.decide(rule, key, cost, true);
  }

  async peek(rule: RateRuleName, key: string): Promise<RateDecision> {
    return this.decide(rule, key, 1, false);
  }

  async refund(ruleName: RateRuleName, key: string, cost = 1): Promise<void> {
    const bucket = this.buckets.get(`${ruleName}\u0000${key}`);
    if (bucket) bucket.tokens = Math.min(this.rules[ruleName].burst, bucket.tokens + cost);
  }

  private decide(ruleName: RateRuleName, key: string, cost: number, spend: boolean): RateDecision {
    const rule = this.rules[ruleName];
    const now = this.now();
    this.sweep(now);
    const id = `${ruleName}\u0000${key}`;
    const bucket = this.buckets.get(id) ?? { tokens: rule.burst, updatedAt: now };
    const tokens = Math.min(rule.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rule.perSecond);
    if (tokens < cost) {
      return { allowed: false, retryAfterMs: Math.ceil(((cost - tokens) / rule.perSecond) * 1000) };
    }
    if (spend) this.buckets.set(id, { tokens: tokens - cost, updatedAt: now });
    return { allowed: true, retryAfterMs: 0 };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [id, bucket] of this.buckets) {
      const ruleName = id.slice(0, id.indexOf('\u0000')) as RateRuleName;
      const rule = this.rules[ruleName];
      if (bucket.tokens + ((now - bucket.updatedAt) / 1000) * rule.perSecond >= rule.burst) {
        this.buckets.delete(id);
      }
    }
  }
}

/** Spends a token or throws `rate_limited` with a hint of when to retry. */
export async function enforce(
  limiter: RateLimiter,
  rule: RateRuleName,
  key: string,
  message = 'too many requests, slow down',
): Promise<void> {
  const decision = await limiter.take(rule, key);
  if (!decision.allowed) throw new DomainError('rate_limited', message, decision.retryAfterMs);
}

/**
 * The part of a client address that one party controls, as a bucket key: an IPv4 address as
 * it is, an IPv6 address by its /64 network. Providers hand out whole /64s, so keyed by full
 * IPv6 addresses a client could take a fresh bucket for every request.
 */
export function addressBucket(address: string): string {
  const ip = address.replace(/%.*$/, '');
  const mappedIPv4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mappedIPv4) return mappedIPv4[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail] = ip.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
