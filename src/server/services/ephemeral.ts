import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Presence } from '../domain/presence.js';
import { ephemeralMembersNotSeenSince } from '../store/memberships.js';
import type { Schema } from '../store/schema.js';
import type { Membership } from './membership.js';

export interface EphemeralDeps {
  db: Kysely<Schema>;
  presence: Presence;
  graceMs: number;
  now(): number;
  /** In a cluster, lets one node sweep at a time; absent on a single node. */
  acquireLock?: (name: string, ttlMs: number) => Promise<boolean>;
  logger: Logger;
}

/**
 * Code rooms and random matches live only while their members are around. A member who is
 * offline on every node and was last seen more than the grace period ago (long enough for a
 * reload or a network blip) leaves all such rooms, which deletes emptied code rooms and ends
 * matches. This is a periodic sweep over the database and cluster presence rather than a
 * timer per user, so it needs no state of its own: it works across nodes, and when a node
 * crashes (its users' last-seen is set by whoever notices) or the whole service restarts.
 */
export class EphemeralRooms {
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly membership: Membership,
    private readonly deps: EphemeralDeps,
  ) {
    this.startedAt = deps.now();
  }

  /** How often to sweep: often enough that rooms end close to the grace period. */
  get intervalMs(): number {
    return Math.max(50, Math.min(this.deps.graceMs / 4, 5_000));
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.deps.now();
      // After a start, nobody has had the chance to reconnect yet.
      if (now - this.startedAt < this.deps.graceMs) return;
      if (this.deps.acquireLock && !(await this.deps.acquireLock('ephemeral-sweep', this.intervalMs))) return;
      await this.membership.deleteEmptyEphemeralRooms();
      const { presence } = this.deps;
      // Ending rooms cannot be undone: not on the word of a presence that is being rebuilt
      // (a Redis that restarted and lost it, or cannot be reached).
      if (!presence.isSettled()) return;
      const cutoff = now - this.deps.graceMs;
      const absent = await ephemeralMembersNotSeenSince(this.deps.db, cutoff);
      if (absent.length === 0) return;
      const online = await presence.onlineAmong(absent);
      for (const userId of absent) {
        if (online.has(userId)) continue;
        // Checked again just before acting, and the last-seen once more inside the write.
        if (!presence.isSettled() || (await presence.onlineAmong([userId])).has(userId)) continue;
        await this.membership.leaveEphemeralRooms(userId, cutoff);
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not end the ephemeral rooms of absent users');
    } finally {
      this.running = false;
    }
  }
}
