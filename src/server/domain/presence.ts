/**
 * Who is online, as the people who share a room with a user are told it. A user comes online
 * with their first socket anywhere and is announced offline only when they have had no socket
 * anywhere for a grace period — a reload, a network blip or a node restart does not flicker,
 * and a client that reconnects in a loop costs its rooms one change, not one per connection.
 *
 * So "online" here means *announced* online: connected now, or gone for less than the grace.
 * Async because in a cluster the answer lives in Redis (cluster/presence.ts); this in-memory
 * version serves a single node.
 */
export interface Presence {
  /** A socket of the user is in. True when the user must now be announced online. */
  connect(userId: string): Promise<boolean>;
  /**
   * A socket of the user closed. If it was the user's last one anywhere, their offline falls
   * due at `offlineAt`; true in that case.
   */
  disconnect(userId: string, offlineAt: number): Promise<boolean>;
  /** Periodic: what changed that must be announced, or recorded (see PresenceChanges). */
  tick(now: number): Promise<PresenceChanges>;
  /** Those of these users who are announced online. */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /**
   * Whether `onlineAmong` is complete enough to act on destructively (ending rooms of absent
   * users). False for a while after the shared state was lost or unreachable, until every node
   * has had the chance to put its users back.
   */
  isSettled(): boolean;
}

export interface PresenceChanges {
  /** Users whose grace has run out with no socket anywhere: announce them offline. */
  offline: string[];
  /** Users who came online unannounced (while the shared state was unreachable): announce. */
  online: string[];
  /**
   * Users who left without a goodbye (their node died, or crashed and restarted): record when
   * they were last seen; their offline is already due.
   */
  gone: string[];
}

export const noChanges = (): PresenceChanges => ({ offline: [], online: [], gone: [] });

export class MemoryPresence implements Presence {
  private readonly sockets = new Map<string, number>();
  private readonly shown = new Set<string>();
  private readonly offlineDue = new Map<string, number>();

  async connect(userId: string): Promise<boolean> {
    this.sockets.set(userId, (this.sockets.get(userId) ?? 0) + 1);
    if (this.shown.has(userId)) return false;
    this.shown.add(userId);
    return true;
  }

  async disconnect(userId: string, offlineAt: number): Promise<boolean> {
    if (!this.sockets.has(userId)) return false;
    const count = this.sockets.get(userId)! - 1;
    if (count > 0) {
      this.sockets.set(userId, count);
      return false;
    }
    this.sockets.delete(userId);
    this.offlineDue.set(userId, offlineAt);
    return true;
  }

  async tick(now: number): Promise<PresenceChanges> {
    const changes = noChanges();
    for (const [userId, due] of this.offlineDue) {
      if (due > now) continue;
      this.offlineDue.delete(userId);
      if (!this.sockets.has(userId) && this.shown.delete(userId)) changes.offline.push(userId);
    }
    return changes;
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.shown.has(id)));
  }

  isSettled(): boolean {
    return true;
  }
}
