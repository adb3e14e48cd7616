import { PostgresAdapter, type Selectable, sql } from 'kysely';
import type { ServerRole } from '../../shared/protocol.js';
import type { Executor } from './executor.js';
import type { UsersTable } from './schema.js';

/** Queries of the users aggregate: accounts and guests, their names and last-seen times. */

export type UserRow = Selectable<UsersTable>;

export function findUserById(db: Executor, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The account whose name is `key` when compared for case, else the one whose name looks like
 * `skeleton` (domain/usernames.ts). Each column is UNIQUE, so there is at most one of each.
 */
export function findUserByName(db: Executor, name: { key: string; skeleton: string }) {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('username_key', '=', name.key), eb('username_skeleton', '=', name.skeleton)]))
    .orderBy(sql`case when username_key = ${name.key} then 0 else 1 end`)
    .limit(1)
    .executeTakeFirst();
}

export function findUsersByIds(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([] as UserRow[]);
  return db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
}

/**
 * Inside a sign-up's transaction, before asking `anyAccount`: on PostgreSQL no other node's
 * sign-up gets past that question until this transaction ends (a transaction-level advisory
 * lock), so two first sign-ups on two nodes cannot both see an empty server and both become
 * admin. SQLite has one writer already.
 */
export async function lockFirstAccountQuestion(trx: Executor): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter)
    await sql`select pg_advisory_xact_lock(hashtext('parley:first-account'))`.execute(trx);
}

/** Whether any account (not a guest) exists: the first one to register becomes the admin. */
export async function anyAccount(db: Executor): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('is_guest', '=', 0).limit(1).executeTakeFirst();
  return row !== undefined;
}

export async function insertUser(db: Executor, user: UserRow): Promise<void> {
  await db.insertInto('users').values(user).execute();
}

/** A name column starting with `value`. ESCAPE is explicit: SQLite's LIKE has no default escape character. */
const startsWith = (column: 'username_key' | 'username_skeleton', value: string) =>
  sql<boolean>`${sql.ref(column)} like ${`${value.replace(/[\\%_]/g, '\\$&')}%`} escape '\\'`;

/** Names starting with `prefix.key` when compared for case, or with `prefix.skeleton` for looks. */
export function searchUsers(db: Executor, prefix: { key: string; skeleton: string }, limit: number) {
  return (
    db
      .selectFrom('users')
      .select(['id', 'username', 'is_guest'])
      .where((eb) =>
        eb.or([startsWith('username_key', prefix.key), startsWith('username_skeleton', prefix.skeleton)]),
      )
      // A guest who left is no one to start a conversation with, even while their name is held.
      .where('name_released_at', 'is', null)
      .orderBy('username_key')
      .limit(limit)
      .execute()
  );
}

export async function setPasswordHash(db: Executor, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/** Records `at` as the user's last-seen time unless a later one is already recorded. */
export async function recordLastSeen(db: Executor, userId: string, at: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ last_seen_at: at })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', at)]))
    .execute();
}

/**
 * Marks guests (all, or just `userId`) who have no session left as gone since `now`: their name
 * stays reserved for a hold period, until `freeHeldGuestNames` clears it.
 */
export async function releaseIdleGuestNames(db: Executor, now: number, userId?: string): Promise<void> {
  let query = db
    .updateTable('users')
    .set({ name_released_at: now })
    .where('is_guest', '=', 1)
    .where('username_key', 'is not', null)
    .where('name_released_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('sessions').select('sessions.id').whereRef('sessions.user_id', '=', 'users.id'))),
    );
  if (userId) query = query.where('id', '=', userId);
  await query.execute();
}

/**
 * Frees the names of guests released at or before `releasedBefore`: all of them, or only those
 * holding `name` (either key), as a sign-up checks just before it looks for the name.
 */
export async function freeHeldGuestNames(
  db: Executor,
  releasedBefore: number,
  name?: { key: string; skeleton: string },
): Promise<void> {
  let query = db
    .updateTable('users')
    .set({ username_key: null, username_skeleton: null })
    .where('is_guest', '=', 1)
    .where('name_released_at', '<=', releasedBefore)
    // Never the name of someone still signed in, whatever the release mark says.
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('sessions').select('sessions.id').whereRef('sessions.user_id', '=', 'users.id'))),
    );
  if (name) {
    query = query.where((eb) =>
      eb.or([eb('username_key', '=', name.key), eb('username_skeleton', '=', name.skeleton)]),
    );
  } else {
    query = query.where((eb) =>
      eb.or([eb('username_key', 'is not', null), eb('username_skeleton', 'is not', null)]),
    );
  }
  await query.execute();
}

export async function setRole(db: Executor, userId: string, role: ServerRole): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

/** Admins who may still act (deactivated ones do not count). */
export async function countActiveAdmins(db: Executor): Promise<number> {
  // PostgreSQL: the admins' rows are locked until the change commits, so two admins demoting
  // each other from two nodes (or the CLI and the web at once) cannot both see two admins and
  // leave none. SQLite has one writer: nothing runs beside this transaction.
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('deactivated_at', 'is', null)
    .$if(db.getExecutor().adapter instanceof PostgresAdapter, (qb) => qb.forUpdate())
    .execute();
  return rows.length;
}

/** Sets (a time) or clears (null) the account's deactivation. */
export async function setDeactivated(db: Executor, userId: string, at: number | null): Promise<void> {
  await db.updateTable('users').set({ deactivated_at: at }).where('id', '=', userId).execute();
}

/**
 * The admin page's list of people: everyone (accounts and guests still holding their name),
 * or those whose name starts with `prefix` either way it is compared; newest first.
 */
export function listUsersForAdmin(
  db: Executor,
  filter: { prefix?: { key: string; skeleton: string } | undefined; limit: number },
) {
  let query = db
    .selectFrom('users')
    .select(['id', 'username', 'is_guest', 'role', 'created_at', 'last_seen_at', 'deactivated_at'])
    .where((eb) => eb.or([eb('is_guest', '=', 0), eb('name_released_at', 'is', null)]));
  const prefix = filter.prefix;
  if (prefix) {
    query = query.where((eb) =>
      eb.or([startsWith('username_key', prefix.key), startsWith('username_skeleton', prefix.skeleton)]),
    );
  }
  return query.orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).execute();
}
