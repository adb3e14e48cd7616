/**
 * Who is online: a user is online while at least one of their sockets is connected. Only the
 * transitions (first socket in, last socket out) are reported, so callers broadcast once per
 * change rather than once per tab.
 */
export class PresenceTracker {
  private readonly sockets = new Map<string, Set<string>>();

  /** Returns true when this socket brought the user online. */
  connect(userId: string, socketId: string): boolean {
    const set = this.sockets.get(userId);
    if (set) {
      set.add(socketId);
      return false;
    }
    this.sockets.set(userId, new Set([socketId]));
    return true;
  }

  /** Returns true when this socket was the user's last one. */
  disconnect(userId: string, socketId: string): boolean {
    const set = this.sockets.get(userId);
    if (!set?.delete(socketId)) return false;
    if (set.size > 0) return false;
    this.sockets.delete(userId);
    return true;
  }

  isOnline(userId: string): boolean {
    return this.sockets.has(userId);
  }

  get onlineCount(): number {
    return this.sockets.size;
  }
}
