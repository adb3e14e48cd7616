import type { SessionInfo } from '../../shared/protocol.js';
import { displayAddress, storedUserAgent } from '../domain/devices.js';
import { badRequest, notFound } from '../domain/errors.js';
import { enforce, type RateLimiter } from '../domain/rate-limit.js';
import { presentSession } from '../presenters/sessions.js';
import type { Executor } from '../store/executor.js';
import {
  deleteOtherSessions,
  deleteSession,
  findSessionIdOf,
  listSessionsOf,
  type SessionTouch,
  touchSession,
} from '../store/sessions.js';
import type { WriteQueue } from '../store/write-queue.js';
import type { Session } from './auth.js';
import { enforceRead } from './deps.js';

/**
 * A session's "last active" time is written at most this often: every request, handshake and
 * socket event uses the session, and a write on each would put one in the queue per page load,
 * history page and reconnect.
 */
export const ACTIVITY_WRITE_INTERVAL_MS = 60_000;
/** How long noted activity waits to be written with whatever else was noted meanwhile. */
export const ACTIVITY_FLUSH_MS = 1_000;
/** Sessions per write job: a job runs its statements without yielding (SQLite). */
const ACTIVITY_JOB_SIZE = 500;

export interface SessionsDeps {
  db: Executor;
  writes: WriteQueue;
  limiter: RateLimiter;
  now(): number;
}

/** Where a request or handshake came from. */
export interface Seen {
  address: string | undefined;
  userAgent: string | undefined;
}

/**
 * A user's own sessions: list them, sign one out, sign out all but this one, and keep "last
 * active" true. Signing out returns the hashed ids whose sockets the transport must close
 * (on every node); the caller's own session is never among them.
 */
export class Sessions {
  /**
   * Sessions this node noted activity of in the last interval, with when: requests of one
   * session that arrive together (a page load's dozen) make one write, not a dozen.
   */
  private readonly recent = new Map<string, number>();
  private prunedAt = 0;
  /** Activity noted and not yet written, by session (flushActivity). */
  private readonly pending = new Map<string, SessionTouch>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SessionsDeps) {}

  async list(session: Session): Promise<SessionInfo[]> {
    await enforceRead(this.deps.limiter, session.user.id);
    const rows = await listSessionsOf(this.deps.db, session.user.id, this.deps.now());
    const sessions = rows.map((row) => presentSession(row, session.id));
    // This one first, then the others as the store ordered them: the most recently active first.
    return [...sessions.filter((s) => s.current), ...sessions.filter((s) => !s.current)];
  }

  /**
   * Signs out the user's session named `publicId`. Another user's session id answers
   * `not_found`, exactly as an unknown one does, so ids reveal nothing about other people.
   */
  async signOut(session: Session, publicId: string): Promise<string[]> {
    await this.throttle(session);
    return this.deps.writes.run(async (trx) => {
      const id = await findSessionIdOf(trx, session.user.id, publicId);
      if (!id) throw notFound('no such session');
      if (id === session.id) {
        throw badRequest('that is the session you are using: sign out (POST /api/auth/logout) instead', 'id');
      }
      await deleteSession(trx, id);
      return [id];
    });
  }

  /** Signs out every session of the user but this one; returns the hashed ids it ended. */
  async signOutOthers(session: Session): Promise<string[]> {
    await this.throttle(session);
    return this.deps.writes.run((trx) => deleteOtherSessions(trx, session.user.id, session.id));
  }

  /**
   * The session was used (a request, a handshake, a socket event): record when and from where,
   * at most once per ACTIVITY_WRITE_INTERVAL_MS. Costs a comparison or two on the caller's path
   * and never waits. The session's stored time comes with its lookup, so a session used on
   * another node, or before a restart, within the interval is not written again here.
   *
   * What is to be written waits up to ACTIVITY_FLUSH_MS and goes into the write queue as one
   * job per few hundred sessions: in a reconnect storm (every session idle for a minute, or
   * none recorded yet after migration 008) a job per handshake would make every batch of the
   * queue a writing one, with an fsync of its own, where the membership reads of the same
   * handshakes alone commit nothing.
   */
  noteActivity(session: Session, seen: Seen): void {
    const now = this.deps.now();
    const staleBefore = now - ACTIVITY_WRITE_INTERVAL_MS;
    if (session.lastActiveAt !== null && session.lastActiveAt > staleBefore) return;
    const noted = this.recent.get(session.id);
    if (noted !== undefined && noted > staleBefore) return;
    this.recent.set(session.id, now);
    this.prune(now, staleBefore);
    this.pending.set(session.id, {
      id: session.id,
      at: now,
      staleBefore,
      address: displayAddress(seen.address),
      userAgent: storedUserAgent(seen.userAgent),
    });
    this.flushTimer ??= setTimeout(() => void this.flushActivity(), ACTIVITY_FLUSH_MS).unref();
  }

  /**
   * Writes the activity noted so far (also on shutdown, so none is lost). A failed write (the
   * database away) is forgotten: the session's next use notes it again. Nobody waits for it,
   * and what was not written is only a time on a list.
   */
  async flushActivity(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const touches = [...this.pending.values()];
    this.pending.clear();
    for (let i = 0; i < touches.length; i += ACTIVITY_JOB_SIZE) {
      const part = touches.slice(i, i + ACTIVITY_JOB_SIZE);
      await this.deps.writes
        .run(async (trx) => {
          for (const touch of part) await touchSession(trx, touch);
        })
        .catch(() => {
          for (const touch of part) if (this.recent.get(touch.id) === touch.at) this.recent.delete(touch.id);
        });
    }
  }

  /** Forgets entries older than an interval, once an interval, so the map follows active sessions. */
  private prune(now: number, staleBefore: number): void {
    if (now - this.prunedAt < ACTIVITY_WRITE_INTERVAL_MS) return;
    this.prunedAt = now;
    for (const [id, at] of this.recent) if (at <= staleBefore) this.recent.delete(id);
  }

  private throttle(session: Session): Promise<void> {
    return enforce(this.deps.limiter, 'action', session.user.id, 'too many sign-outs, slow down');
  }
}
