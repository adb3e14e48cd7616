import { describe, expect, it } from 'vitest';
import { FifoLock } from '../../src/server/store/fifo-lock.js';

describe('FIFO lock', () => {
  it('hands the lock to waiters one at a time, in the order they asked', async () => {
    const lock = new FifoLock();
    const order: number[] = [];
    let holders = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 3000 }, async (_, i) => {
        await lock.acquire();
        holders++;
        most = Math.max(most, holders);
        order.push(i);
        // Hold it across a few turns of the microtask queue, like a query does.
        await Promise.resolve();
        await Promise.resolve();
        holders--;
        lock.release();
      }),
    );
    expect(most).toBe(1);
    expect(order).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });

  it('is free again once every waiter has released it', async () => {
    const lock = new FifoLock();
    await lock.acquire();
    const waiting = lock.acquire();
    lock.release();
    await waiting;
    lock.release();
    let acquired = false;
    void lock.acquire().then(() => (acquired = true));
    await Promise.resolve();
    expect(acquired).toBe(true);
  });
});
