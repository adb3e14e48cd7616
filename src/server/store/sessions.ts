import type { Executor } from './executor.js';
import { preparedQuery } from './prepared.js';
import { releaseIdleGuestNames } from './users.js';

/** Queries of the sessions aggregate. A session's id is a hash of its token (services/auth.ts). */

export async function insertSession(
  db: Executor,
  session: { id: string; userId: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
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
