/**
 * The random-match waiting line: first come, first matched. Only the queue lives here; the
 * service creates the room once two users are paired. Async so the cluster can keep one line
 * in Redis (cluster/match-queue.ts) for all nodes.
 */
export interface MatchQueue {
  /** Returns the partner to pair with, or null when the user now waits. */
  request(userId: string): Promise<string | null>;
  /** Puts a user back at the head of the line, when pairing failed for a reason not theirs. */
  requeue(userId: string): Promise<void>;
  cancel(userId: string): Promise<boolean>;
  isWaiting(userId: string): Promise<boolean>;
}

export class MemoryMatchQueue implements MatchQueue {
  private readonly waiting = new Set<string>();

  async request(userId: string): Promise<string | null> {
    for (const candidate of this.waiting) {
      if (candidate === userId) continue;
      this.waiting.delete(candidate);
      return candidate;
    }
    this.waiting.add(userId);
    return null;
  }

  async requeue(userId: string): Promise<void> {
    const rest = [...this.waiting];
    this.waiting.clear();
    this.waiting.add(userId);
    for (const id of rest) this.waiting.add(id);
  }

  async cancel(userId: string): Promise<boolean> {
    return this.waiting.delete(userId);
  }

  async isWaiting(userId: string): Promise<boolean> {
    return this.waiting.has(userId);
  }
}
