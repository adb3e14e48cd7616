import type { Kysely } from 'kysely';
import { Matchmaker } from '../domain/matchmaker.js';
import { PresenceTracker } from '../domain/presence.js';
import { DEFAULT_RATE_RULES, MemoryRateLimiter, type RateRules } from '../domain/rate-limit.js';
import * as repo from '../store/repository.js';
import type { Schema } from '../store/schema.js';
import { DEFAULT_CHANNEL } from '../store/seed.js';
import { WriteQueue } from '../store/write-queue.js';
import { AuthService } from './auth.js';
import { ChatService } from './chat.js';
import type { Effect } from './effects.js';
import { HistoryService } from './history.js';

export interface ServicesOptions {
  db: Kysely<Schema>;
  rateRules?: Partial<RateRules> | undefined;
  now?: (() => number) | undefined;
  sessionTtlMs: number;
  guestSessionTtlMs: number;
  /** Where the effects of work not started by a socket (sign-up joins) are broadcast. */
  apply(effects: Effect[]): void;
}

export type Services = Awaited<ReturnType<typeof createServices>>;

/** Wires the services of one node around one database; the transports sit on top. */
export async function createServices(options: ServicesOptions) {
  const { db } = options;
  const now = options.now ?? Date.now;
  const writes = new WriteQueue(db);
  const limiter = new MemoryRateLimiter({ ...DEFAULT_RATE_RULES, ...options.rateRules }, now);
  const presence = new PresenceTracker();
  const isOnline = (userId: string) => presence.isOnline(userId);
  const chat = new ChatService({ db, writes, limiter, matchmaker: new Matchmaker(), isOnline, now });
  const history = new HistoryService(db);
  const general = await repo.findRoomBy(db, 'name_key', DEFAULT_CHANNEL);
  const auth = new AuthService({
    db,
    writes,
    limiter,
    now,
    sessionTtlMs: options.sessionTtlMs,
    guestSessionTtlMs: options.guestSessionTtlMs,
    async onSignup(user) {
      if (general) options.apply((await chat.joinChannel(user, general.id)).effects);
    },
  });
  return { writes, limiter, presence, isOnline, chat, history, auth };
}
