import type { MatchQueue } from '../domain/matchmaker.js';
import type { Presence } from '../domain/presence.js';
import { enforce, type RateLimiter } from '../domain/rate-limit.js';
import type { Executor } from '../store/executor.js';
import type { WriteQueue } from '../store/write-queue.js';
import type { SettingsService } from './settings.js';

/** What the chat use cases (one file each in this folder) are built on. */
export interface ServiceDeps {
  /** Reads; writes go through `writes`, whose jobs get a transaction. */
  db: Executor;
  writes: WriteQueue;
  limiter: RateLimiter;
  matchQueue: MatchQueue;
  presence: Presence;
  /** The server's settings, cached (guest rules decide DMs and room creation). */
  settings: SettingsService;
  now(): number;
}

/** Reads are limited like writes: one user's flood of them must not slow everyone. */
export const enforceRead = (limiter: RateLimiter, userId: string): Promise<void> =>
  enforce(limiter, 'read', userId, 'you are reading too fast, slow down');
