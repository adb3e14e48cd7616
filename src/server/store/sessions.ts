import { type Selectable, sql } from 'kysely';
import type { Executor } from './executor.js';
import { preparedQuery } from './prepared.js';
import type { SessionsTable } from './schema.js';
import { releaseIdleGuestNames } from './users.js';

/** Queries of the sessions aggregate. A session's id is a hash of its token (services/auth.ts). */

export type SessionRow = Selectable<SessionsTable>;

export async function insertSession(
  db: Executor,
  session: {
    id: string;
    publicId: string;
    userId: string;
    createdAt: number;
    expiresAt: number;
    userAgent: string | null;
    address: string | null;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      public_id: session.publicId,
      user_id: session.userId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      user_agent: session.userAgent,
      address: session.address,
      last_active_at: session.createdAt,
    })
    .execute();
}

// Every handshake runs this: a reconnect storm runs it thousands of times a second.
const sessionWithUserQuery = preparedQuery((db, p: { sessionId: string }) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.expires_at',
      'sessions.last_active_at',
      'users.id',
      'users.username',
      'users.is_guest',
      'users.role',
      'users.deactivated_at',
      'users.password_hash',
    ])
    .where('sessions.id', '=', p.sessionId),
);

export async function findSessionWithUser(db: Executor, sessionId: string) {
  return (await sessionWithUserQuery(db, { sessionId })).rows[0];
}

/** Deletes one session; returns its user's id, or undefined when there was no such session. */
export async function deleteSession(db: Executor, sessionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('sessions')
    .select('user_id')
    .where('id', '=', sessionId)
    .executeTakeFirst();
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
  return row?.user_id;
}

/** The user's live sessions, the most recently active first. */
export function listSessionsOf(db: Executor, userId: string, now: number): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .orderBy(sql`coalesce(last_active_at, created_at)`, 'desc')
    .orderBy('created_at', 'desc')
    .execute();
}

/** The hashed id of the user's session named `publicId`; undefined for anyone else's. */
export async function findSessionIdOf(db: Executor, userId: string, publicId: string) {
  const row = await db
    .selectFrom('sessions')
    .select('id')
    .where('public_id', '=', publicId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.id;
}

export interface SessionTouch {
  id: string;
  at: number;
  staleBefore: number;
  address: string | null;
  userAgent: string | null;
}

// In the write queue for sessions in use: a reconnect storm runs it for every session that
// was idle for a minute, so it is compiled once. The condition makes a second writer within
// the minute (another node, a request that raced this one) write nothing.
const touchSessionQuery = preparedQuery((db, p: SessionTouch) =>
  db
    .updateTable('sessions')
    .set((eb) => ({
      last_active_at: p.at,
      address: p.address,
      // The device a session signed in with stays; one from before migration 008 learns it here.
      user_agent: eb.fn.coalesce('user_agent', eb.val(p.userAgent)),
    }))
    .where('id', '=', p.id)
    .where((eb) => eb.or([eb('last_active_at', 'is', null), eb('last_active_at', '<', p.staleBefore)])),
);

/** Records that the session was used at `at`, from `address`, unless it was since `staleBefore`. */
export async function touchSession(db: Executor, touch: SessionTouch): Promise<void> {
  await touchSessionQuery(db, touch);
}

/** Deletes every session of the user but `keepId`; returns the deleted ids. */
export async function deleteOtherSessions(db: Executor, userId: string, keepId: string): Promise<string[]> {
  const others = await db
    .selectFrom('sessions')
    .select('id')
    .where('user_id', '=', userId)
    .where('id', '<>', keepId)
    .execute();
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '<>', keepId).execute();
  return others.map((s) => s.id);
}

/** Deletes every session of the user; returns the deleted ids. */
export async function deleteSessionsOfUser(db: Executor, userId: string): Promise<string[]> {
  const deleted = await db.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute();
  return deleted.map((row) => row.id);
}

/** Which of these session ids still exist (the rest were revoked or expired). */
export async function existingSessionIds(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('sessions').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((row) => row.id));
}

/** Deletes expired sessions and releases the names of guests left without one (held, then freed). */
export async function expireSessions(db: Executor, now: number): Promise<string[]> {
  const expired = await db.deleteFrom('sessions').where('expires_at', '<=', now).returning('id').execute();
  await releaseIdleGuestNames(db, now);
  return expired.map((row) => row.id);
}
