import type { Redis } from 'ioredis';
import type { Presence } from '../domain/presence.js';
import { defineScript, KEY_PREFIX } from './redis.js';

// Per user, a hash of node id → sockets that user has on that node; per node, the set of its
// users and a heartbeat key that expires if the node stops refreshing it.
const userKey = (userId: string) => `${KEY_PREFIX}presence:user:${userId}`;
const nodeUsersKey = (nodeId: string) => `${KEY_PREFIX}presence:node:${nodeId}:users`;
const nodeAliveKey = (nodeId: string) => `${KEY_PREFIX}presence:node:${nodeId}:alive`;
const NODES_KEY = `${KEY_PREFIX}presence:nodes`;

const CONNECT = `
local before = 0
for _, count in ipairs(redis.call('HVALS', KEYS[1])) do before = before + tonumber(count) end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[2], ARGV[2])
if before <= 0 then return 1 end
return 0`;

const DISCONNECT = `
local count = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if count <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[2], ARGV[2])
end
if count < 0 then return 0 end
if redis.call('HLEN', KEYS[1]) == 0 then return 1 end
return 0`;

const FORGET_NODE = `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if removed == 1 and redis.call('HLEN', KEYS[1]) == 0 then return 1 end
return 0`;

/**
 * Cluster-wide presence: online while any socket on any live node is connected. Each node
 * refreshes a heartbeat key; when one stops (crash, network split), any other node notices
 * the key has expired, takes that node's users off it and reports those who are now offline
 * everywhere — so a crashed node's users go offline within `ttlMs` plus one reap interval.
 */
export class RedisPresence implements Presence {
  private readonly connectScript;
  private readonly disconnectScript;
  private readonly forgetScript;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    readonly nodeId: string,
    private readonly ttlMs: number,
  ) {
    this.connectScript = defineScript(redis, 'parleyPresenceConnect', 2, CONNECT);
    this.disconnectScript = defineScript(redis, 'parleyPresenceDisconnect', 2, DISCONNECT);
    this.forgetScript = defineScript(redis, 'parleyPresenceForget', 1, FORGET_NODE);
  }

  async start(): Promise<void> {
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat().catch(() => {}), Math.max(100, this.ttlMs / 3));
    this.heartbeat.unref();
  }

  /** Leaves the cluster cleanly: returns the users this node alone kept online. */
  async stop(): Promise<string[]> {
    clearInterval(this.heartbeat);
    await this.redis.del(nodeAliveKey(this.nodeId));
    return this.forget(this.nodeId);
  }

  async connect(userId: string, _socketId: string): Promise<boolean> {
    return (await this.connectScript(userKey(userId), nodeUsersKey(this.nodeId), this.nodeId, userId)) === 1;
  }

  async disconnect(userId: string, _socketId: string): Promise<boolean> {
    return (
      (await this.disconnectScript(userKey(userId), nodeUsersKey(this.nodeId), this.nodeId, userId)) === 1
    );
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.hlen(userKey(id));
    const results = (await pipeline.exec()) ?? [];
    return new Set(userIds.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0));
  }

  /**
   * Finds nodes whose heartbeat has expired and removes them; returns the users who are
   * offline everywhere as a result. Each dead node is reaped by one node only.
   */
  async reapDeadNodes(): Promise<string[]> {
    const nodes = await this.redis.smembers(NODES_KEY);
    const offline: string[] = [];
    for (const node of nodes) {
      if (node === this.nodeId || (await this.redis.exists(nodeAliveKey(node)))) continue;
      const claimed = await this.redis.set(`${KEY_PREFIX}lock:reap:${node}`, this.nodeId, 'PX', 30_000, 'NX');
      if (claimed !== 'OK') continue;
      offline.push(...(await this.forget(node)));
    }
    return offline;
  }

  private async beat(): Promise<void> {
    await this.redis
      .multi()
      .set(nodeAliveKey(this.nodeId), '1', 'PX', this.ttlMs)
      .sadd(NODES_KEY, this.nodeId)
      .exec();
  }

  private async forget(node: string): Promise<string[]> {
    const users = await this.redis.smembers(nodeUsersKey(node));
    const offline: string[] = [];
    for (const userId of users) {
      if ((await this.forgetScript(userKey(userId), node)) === 1) offline.push(userId);
    }
    await this.redis.multi().del(nodeUsersKey(node)).srem(NODES_KEY, node).exec();
    return offline;
  }
}
