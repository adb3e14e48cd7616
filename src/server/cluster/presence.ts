import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { noChanges, type Presence, type PresenceChanges } from '../domain/presence.js';
import { defineScript, KEY_PREFIX } from './redis.js';

// Per user: a hash of node id → that node's socket count, and a flag set while the user is
// announced online. Per node: the set of its users and a heartbeat key that expires when the
// node stops refreshing it. For the cluster: the known nodes, offlines falling due (a sorted
// set by due time, so any node can announce them), and an epoch marking this Redis's state.
const USER_PREFIX = `${KEY_PREFIX}presence:user:`;
const SHOWN_PREFIX = `${KEY_PREFIX}presence:shown:`;
const userKey = (userId: string) => `${USER_PREFIX}${userId}`;
const shownKey = (userId: string) => `${SHOWN_PREFIX}${userId}`;
const nodeUsersKey = (nodeId: string) => `${KEY_PREFIX}presence:node:${nodeId}:users`;
const nodeAliveKey = (nodeId: string) => `${KEY_PREFIX}presence:node:${nodeId}:alive`;
const NODES_KEY = `${KEY_PREFIX}presence:nodes`;
const OFFLINE_DUE_KEY = `${KEY_PREFIX}presence:offline-due`;
const EPOCH_KEY = `${KEY_PREFIX}presence:epoch`;

// Counts are written as absolute values from the node's own tally, never incremented, so a
// command that runs twice (ioredis resends what was in flight when a connection dropped) or a
// re-assertion after a Redis restart leaves the same state.
const CONNECT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('SET', KEYS[3], '1', 'NX') then return 1 end
return 0`;

const DISCONNECT = `
if tonumber(ARGV[2]) > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[3])
end
if redis.call('HLEN', KEYS[1]) > 0 then return 0 end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
return 1`;

// Takes a user off a node that no longer has them. If nobody has them anywhere, their offline
// falls due at ARGV[3]; with ARGV[4] = '1' they are also marked shown, so that it is announced
// even if the flag was lost (a Redis restart while they disconnected).
const REMOVE_FROM_NODE = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('HLEN', KEYS[1]) > 0 then return 0 end
if ARGV[4] == '1' then redis.call('SET', KEYS[3], '1') end
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[2])
return 1`;

// Claims the offlines that are due, atomically, so exactly one node announces each; only users
// still without a socket anywhere and still shown online are announced.
const TAKE_DUE = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
local offline = {}
for _, user in ipairs(due) do
  redis.call('ZREM', KEYS[1], user)
  if redis.call('HLEN', ARGV[2] .. user) == 0 and redis.call('DEL', ARGV[3] .. user) == 1 then
    table.insert(offline, user)
  end
end
return offline`;

/** A full re-assertion of this node's users at least this often, whatever happened. */
const REASSERT_EVERY_MS = 30_000;

/**
 * Cluster-wide presence. Each node counts its own sockets in memory and mirrors the counts into
 * Redis; Redis adds them up, keeps who is announced online, and the offlines falling due.
 *
 * Redis is not the only copy of a node's share: the node can always write it again. It does so
 * after a failed write, when its heartbeat finds the Redis state lost (a restart: the epoch key
 * is new) or itself reaped (its heartbeat had expired), at start (clearing what an earlier
 * process with the same NODE_ID left — those users are `gone`), and every 30 s regardless.
 * After state was lost, `isSettled` stays false until every node has had a heartbeat period to
 * write its share back, so no room is ended on the word of a half-empty Redis.
 *
 * A node that stops heartbeating (crash, partition) is reaped by another: its users are taken
 * off it and their offline falls due at once.
 */
export class RedisPresence implements Presence {
  private readonly connectScript;
  private readonly disconnectScript;
  private readonly removeScript;
  private readonly takeDueScript;
  private readonly local = new Map<string, number>();
  /** Users whose connect / disconnect could not be written: re-assert them. */
  private readonly unwrittenOnline = new Set<string>();
  private readonly unwrittenOffline = new Set<string>();
  private pending: PresenceChanges = noChanges();
  private heartbeat: NodeJS.Timeout | undefined;
  private epoch: string | undefined;
  private trustedAfter = Number.POSITIVE_INFINITY;
  private lastReassert = 0;
  private reassertNeeded = false;
  private beating: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    readonly nodeId: string,
    private readonly options: { ttlMs: number; graceMs: number; logger: Logger; now?: () => number },
  ) {
    this.connectScript = defineScript(redis, 'parleyPresenceConnect', 3, CONNECT);
    this.disconnectScript = defineScript(redis, 'parleyPresenceDisconnect', 3, DISCONNECT);
    this.removeScript = defineScript(redis, 'parleyPresenceRemove', 4, REMOVE_FROM_NODE);
    this.takeDueScript = defineScript(redis, 'parleyPresenceTakeDue', 1, TAKE_DUE);
    // A reconnected Redis may be a restarted one: check at once rather than at the next beat.
    redis.on('ready', () => {
      if (this.heartbeat) void this.beat();
    });
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Joins the cluster: the first heartbeat also clears what an earlier process with this id left. */
  async start(): Promise<void> {
    await this.beat(true);
    this.heartbeat = setInterval(() => void this.beat(), Math.max(100, this.options.ttlMs / 3));
    this.heartbeat.unref();
  }

  /**
   * Leaves the cluster cleanly, after this node's sockets have closed: its remaining users are
   * taken off it with their offline due after the grace — announced by whichever node is left,
   * unless they reconnect there first.
   */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.local.clear();
    await this.beating;
    await this.reassert(false);
    await this.redis.multi().del(nodeAliveKey(this.nodeId)).srem(NODES_KEY, this.nodeId).exec();
  }

  async connect(userId: string): Promise<boolean> {
    const count = (this.local.get(userId) ?? 0) + 1;
    this.local.set(userId, count);
    this.unwrittenOffline.delete(userId);
    try {
      return (
        (await this.connectScript(
          userKey(userId),
          nodeUsersKey(this.nodeId),
          shownKey(userId),
          this.nodeId,
          count,
          userId,
        )) === 1
      );
    } catch (error) {
      this.unwritten(error, () => this.unwrittenOnline.add(userId));
      return false;
    }
  }

  async disconnect(userId: string, offlineAt: number): Promise<boolean> {
    if (!this.local.has(userId)) return false;
    const count = this.local.get(userId)! - 1;
    if (count > 0) this.local.set(userId, count);
    else this.local.delete(userId);
    try {
      return (
        (await this.disconnectScript(
          userKey(userId),
          nodeUsersKey(this.nodeId),
          OFFLINE_DUE_KEY,
          this.nodeId,
          count,
          userId,
          offlineAt,
        )) === 1
      );
    } catch (error) {
      this.unwritten(error, () => {
        if (count === 0) this.unwrittenOffline.add(userId);
      });
      // Unknown: the offline is scheduled when the write goes through (reassert).
      return false;
    }
  }

  async tick(now: number): Promise<PresenceChanges> {
    const changes = this.pending;
    this.pending = noChanges();
    try {
      for (const userId of await this.reapDeadNodes(now)) changes.gone.push(userId);
      changes.offline.push(
        ...((await this.takeDueScript(OFFLINE_DUE_KEY, now, USER_PREFIX, SHOWN_PREFIX)) as string[]),
      );
    } catch (error) {
      this.options.logger.debug({ err: error }, 'presence tick failed');
    }
    return changes;
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.exists(shownKey(id));
    const results = (await pipeline.exec()) ?? [];
    return new Set(userIds.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0));
  }

  isSettled(): boolean {
    return this.redis.status === 'ready' && this.now() >= this.trustedAfter;
  }

  private unwritten(error: unknown, remember: () => void): void {
    remember();
    this.reassertNeeded = true;
    this.trustedAfter = Number.POSITIVE_INFINITY;
    this.options.logger.debug({ err: error }, 'presence not written; will re-assert');
  }

  /** One heartbeat at a time; it decides whether this node's share must be written again. */
  private beat(first = false): Promise<void> {
    this.beating ??= this.heartbeatOnce(first).finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async heartbeatOnce(first: boolean): Promise<void> {
    const { ttlMs } = this.options;
    try {
      const candidate = randomBytes(8).toString('hex');
      const replies = (await this.redis
        .multi()
        .set(nodeAliveKey(this.nodeId), '1', 'PX', ttlMs, 'GET')
        .sadd(NODES_KEY, this.nodeId)
        // The first node to find this Redis without an epoch starts one.
        .set(EPOCH_KEY, candidate, 'NX', 'GET')
        .exec()) as [Error | null, unknown][] | null;
      if (!replies) throw new Error('heartbeat transaction aborted');
      const previousAlive = replies[0]![1] as string | null;
      const existingEpoch = replies[2]![1] as string | null;
      const currentEpoch = existingEpoch ?? candidate;
      // Lost: this Redis has no epoch (we just started one), or not the one we knew.
      const stateLost = this.epoch === undefined ? existingEpoch === null : currentEpoch !== this.epoch;
      const reaped = !first && !stateLost && previousAlive === null;
      if (
        first ||
        stateLost ||
        reaped ||
        this.reassertNeeded ||
        this.now() - this.lastReassert >= REASSERT_EVERY_MS
      ) {
        await this.reassert(reaped);
      }
      this.epoch = currentEpoch;
      if (stateLost) {
        if (!first) this.options.logger.warn('presence state in Redis was lost; re-asserted this node');
        // Every node notices within one heartbeat and re-asserts; wait for all of them.
        this.trustedAfter = this.now() + ttlMs;
      } else if (first) {
        this.trustedAfter = this.now();
      } else if (this.trustedAfter === Number.POSITIVE_INFINITY) {
        // After a failed write or beat here — and perhaps on other nodes — the same wait.
        this.trustedAfter = this.now() + ttlMs;
      }
    } catch (error) {
      this.reassertNeeded = true;
      this.trustedAfter = Number.POSITIVE_INFINITY;
      if (first) throw error;
    }
  }

  /**
   * Writes this node's whole share again from its own tally: its users' counts, their shown
   * flags, and the removal of users it no longer has (their offline falls due after the grace).
   * `announceReturns`: this node had been reaped, so users it still has were announced offline
   * and must be announced online again.
   */
  private async reassert(announceReturns: boolean): Promise<void> {
    const registered = await this.redis.smembers(nodeUsersKey(this.nodeId));
    // Snapshot and writes in the same turn: a connect or disconnect after this point is
    // written after these commands on the same connection, so it wins, as it should.
    const local = new Map(this.local);
    const returning = new Set(this.unwrittenOnline);
    const leaving = new Set([...registered, ...this.unwrittenOffline].filter((id) => !local.has(id)));
    this.unwrittenOnline.clear();
    this.unwrittenOffline.clear();
    this.reassertNeeded = false;
    const dueAt = this.now() + this.options.graceMs;
    const nodeUsers = nodeUsersKey(this.nodeId);
    const pipeline = this.redis.pipeline();
    const localIds = [...local.keys()];
    for (const [userId, count] of local) {
      pipeline.hset(userKey(userId), this.nodeId, count);
      pipeline.sadd(nodeUsers, userId);
      pipeline.set(shownKey(userId), '1', 'NX');
    }
    for (const userId of leaving) {
      this.removeScript.queue(
        pipeline,
        userKey(userId),
        nodeUsers,
        shownKey(userId),
        OFFLINE_DUE_KEY,
        this.nodeId,
        userId,
        dueAt,
        '1',
      );
    }
    const results = (await pipeline.exec()) ?? [];
    this.lastReassert = this.now();
    localIds.forEach((userId, i) => {
      const newlyShown = results[i * 3 + 2]?.[1] === 'OK';
      if (newlyShown && (announceReturns || returning.has(userId))) this.pending.online.push(userId);
    });
    // Users left behind by an earlier process with this id never said goodbye.
    if (registered.length > 0) this.pending.gone.push(...registered.filter((id) => leaving.has(id)));
  }

  /** Takes nodes whose heartbeat expired off the cluster; returns their users (gone). */
  private async reapDeadNodes(now: number): Promise<string[]> {
    const nodes = await this.redis.smembers(NODES_KEY);
    const gone: string[] = [];
    for (const node of nodes) {
      if (node === this.nodeId || (await this.redis.exists(nodeAliveKey(node)))) continue;
      const claimed = await this.redis.set(`${KEY_PREFIX}lock:reap:${node}`, this.nodeId, 'PX', 30_000, 'NX');
      if (claimed !== 'OK') continue;
      const users = await this.redis.smembers(nodeUsersKey(node));
      for (const userId of users) {
        // Gone for a heartbeat TTL already: their offline is due now.
        await this.removeScript(
          userKey(userId),
          nodeUsersKey(node),
          shownKey(userId),
          OFFLINE_DUE_KEY,
          node,
          userId,
          now,
          '0',
        );
        gone.push(userId);
      }
      await this.redis.multi().del(nodeUsersKey(node)).srem(NODES_KEY, node).exec();
    }
    return gone;
  }
}
