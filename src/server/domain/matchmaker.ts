/**
 * The random-match waiting line: first come, first matched. Only the queue lives here; the
 * service creates the room once two users are paired.
 */
export class Matchmaker {
  private readonly waiting = new Set<string>();

  /** Returns the partner to pair with, or null when the user now waits. */
  request(userId: string): string | null {
    for (const candidate of this.waiting) {
      if (candidate === userId) continue;
      this.waiting.delete(candidate);
      return candidate;
    }
    this.waiting.add(userId);
    return null;
  }

  /** Puts a user back at the head of the line, when pairing failed for a reason not theirs. */
  requeue(userId: string): void {
    const rest = [...this.waiting];
    this.waiting.clear();
    this.waiting.add(userId);
    for (const id of rest) this.waiting.add(id);
  }

  cancel(userId: string): boolean {
    return this.waiting.delete(userId);
  }

  isWaiting(userId: string): boolean {
    return this.waiting.has(userId);
  }

  get size(): number {
    return this.waiting.size;
  }
}
