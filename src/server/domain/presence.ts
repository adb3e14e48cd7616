/**
 * Who is online: a user is online while at least one of their sockets is connected, on any
 * node. Only transitions are reported (first socket in, last socket out), so callers
 * broadcast once per change rather than once per tab. Async because in a cluster the answer
 * lives in Redis (cluster/presence.ts); this in-memory version serves a single node.
 */
export interface Presence {
  /** Returns true when this socket brought the user online. */
  connect(userId: string, socketId: string): Promise<boolean>;
  /** Returns true when this socket was the user's last one anywhere. */
  disconnect(userId: string, socketId: string): Promise<boolean>;
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
}

export class MemoryPresence implements Presence {
  private readonly sockets = new Map<string, Set<string>>();

  async connect(userId: string, socketId: string): Promise<boolean> {
    const set = this.sockets.get(userId);
    if (set) {
      set.add(socketId);
      return false;
    }
    this.sockets.set(userId, new Set([socketId]));
    return true;
  }

  async disconnect(userId: string, socketId: string): Promise<boolean> {
    const set = this.sockets.get(userId);
    if (!set?.delete(socketId)) return false;
    if (set.size > 0) return false;
    this.sockets.delete(userId);
    return true;
  }

  async onlineAmong(userIds: readonly string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.sockets.has(id)));
  }
}
