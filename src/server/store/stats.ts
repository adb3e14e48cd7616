import { sql } from 'kysely';
import type { Dialect } from './database.js';
import type { Executor } from './executor.js';

/** Counts for `parley stats`: each one query, read-only. */

export async function usersByRole(db: Executor) {
  const rows = await db
    .selectFrom('users')
    .select(['role', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('role')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.role, Number(row.n)]));
}

export async function deactivatedUsers(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('deactivated_at', 'is not', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function roomsByKind(db: Executor) {
  const rows = await db
    .selectFrom('rooms')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('kind')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
}

/** Messages people wrote (not join/leave lines), deleted ones excluded. */
export async function messageCount(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'user')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Uploads whose bytes are still stored, and their total size. */
export async function storedUploads(db: Executor): Promise<{ count: number; bytes: number }> {
  const row = await db
    .selectFrom('uploads')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size').as('bytes')])
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return { count: Number(row?.n ?? 0), bytes: Number(row?.bytes ?? 0) };
}

/** The database's size on disk as the database itself reports it. */
export async function databaseBytes(db: Executor, dialect: Dialect): Promise<number> {
  if (dialect === 'postgres') {
    const { rows } = await sql<{
      bytes: string | number;
    }>`select pg_database_size(current_database()) as bytes`.execute(db);
    return Number(rows[0]?.bytes ?? 0);
  }
  const { rows } = await sql<{ bytes: number }>`
    select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()
  `.execute(db);
  return Number(rows[0]?.bytes ?? 0);
}

const DAY_MS = 86_400_000;

/**
 * Messages people wrote per UTC day since `since` (ms), as day numbers (days since the epoch)
 * with counts; days without messages are left out. Integer division by a day's milliseconds
 * works alike on SQLite and PostgreSQL (both divide integers as integers).
 */
export async function messagesPerDay(db: Executor, since: number): Promise<{ day: number; n: number }[]> {
  const day = sql<number>`created_at / ${sql.lit(DAY_MS)}`;
  const rows = await db
    .selectFrom('messages')
    .select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('kind', '=', 'user')
    .where('created_at', '>=', since)
    .groupBy(day)
    .orderBy(day)
    .execute();
  return rows.map((row) => ({ day: Number(row.day), n: Number(row.n) }));
}

/** Every account's and guest's id that is not deactivated, for counting who is online. */
export async function activeUserIds(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('users').select('id').where('deactivated_at', 'is', null).execute();
  return rows.map((row) => row.id);
}
