/**
 * A mutual-exclusion lock that hands itself to waiters in arrival order, one per release.
 * Acquiring a free lock settles at once; a release wakes exactly the next waiter, so a long
 * queue costs the same per release as a short one.
 */
export class FifoLock {
  private held = false;
  private waiters: (() => void)[] = [];
  private head = 0;

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    if (this.head === this.waiters.length) {
      this.held = false;
      this.waiters = [];
      this.head = 0;
      return;
    }
    const next = this.waiters[this.head++]!;
    // A queue that never drains is compacted now and then, never shifted on every release.
    if (this.head >= 1024 && this.head * 2 >= this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
    next(); // the lock passes straight to the next waiter: `held` stays true
  }
}
