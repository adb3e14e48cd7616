import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/server/services/auth.js';
import { ACTIVITY_WRITE_INTERVAL_MS, Sessions } from '../../src/server/services/sessions.js';
import type { WriteQueue } from '../../src/server/store/write-queue.js';

/**
 * "Last active" on the hot paths (services/sessions.ts): noted on every use, written at most
 * once an interval per session, and what a storm notes goes into the write queue in a few jobs.
 */
describe('session activity', () => {
  const setup = (fail = false) => {
    let clock = 1_000_000;
    const jobs: unknown[] = [];
    const writes = {
      run(job: unknown) {
        jobs.push(job);
        return fail ? Promise.reject(new Error('database away')) : Promise.resolve();
      },
    } as unknown as WriteQueue;
    const sessions = new Sessions({ db: null as never, writes, limiter: null as never, now: () => clock });
    const session = (id: string, lastActiveAt: number | null = null): Session => ({
      id,
      user: { id: `user-${id}`, username: id, guest: false },
      role: 'member',
      expiresAt: Number.MAX_SAFE_INTEGER,
      lastActiveAt,
    });
    return { sessions, session, jobs, tick: (ms: number) => (clock += ms), now: () => clock };
  };
  const seen = { address: '127.0.0.1', userAgent: 'test' };

  it('writes a session used over and over once an interval, and none stored as recent', async () => {
    const { sessions, session, jobs, tick, now } = setup();
    const busy = session('busy');
    for (let i = 0; i < 100; i++) sessions.noteActivity(busy, seen);
    sessions.noteActivity(session('fresh', now() - 1_000), seen);
    await sessions.flushActivity();
    expect(jobs).toHaveLength(1);
    tick(ACTIVITY_WRITE_INTERVAL_MS - 1_000);
    sessions.noteActivity(busy, seen);
    await sessions.flushActivity();
    expect(jobs).toHaveLength(1);
    tick(2_000);
    sessions.noteActivity(busy, seen);
    await sessions.flushActivity();
    expect(jobs).toHaveLength(2);
  });

  it('gathers a storm of sessions into a few write jobs', async () => {
    const { sessions, session, jobs } = setup();
    for (let i = 0; i < 1_200; i++) sessions.noteActivity(session(`s${i}`), seen);
    expect(jobs).toHaveLength(0);
    await sessions.flushActivity();
    expect(jobs).toHaveLength(3);
  });

  it('writes on its own shortly after, without anyone waiting', async () => {
    const { sessions, session, jobs } = setup();
    sessions.noteActivity(session('alone'), seen);
    await expect.poll(() => jobs.length, { timeout: 3_000 }).toBe(1);
  });

  it('tries again on the next use when a write failed', async () => {
    const { sessions, session, jobs } = setup(true);
    const unlucky = session('unlucky');
    sessions.noteActivity(unlucky, seen);
    await sessions.flushActivity();
    sessions.noteActivity(unlucky, seen);
    await sessions.flushActivity();
    expect(jobs).toHaveLength(2);
  });
});
