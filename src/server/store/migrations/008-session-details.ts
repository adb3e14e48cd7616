import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';

/**
 * What a person needs to tell their sessions apart and sign one out (services/sessions.ts):
 * the user agent it signed in with, the address it was last used from, when it was last
 * active, and a public id to name it by (store/schema.ts says why that is not the token's
 * hash). Sessions from before this migration keep working: each gets a public id here, and
 * its other details stay null until it is next used, which fills them in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('sessions').addColumn('public_id', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('address', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('last_active_at', 'bigint').execute();
  // PostgreSQL runs each migration in a transaction already; on SQLite one commit per session
  // would be one fsync each (as in 005).
  if (db.isTransaction) await givePublicIds(db as Transaction<unknown>);
  else await db.transaction().execute(givePublicIds);
  await db.schema.createIndex('sessions_public_id').unique().on('sessions').column('public_id').execute();
}

async function givePublicIds(trx: Transaction<unknown>): Promise<void> {
  const sessions = await sql<{ id: string }>`select id from sessions`.execute(trx);
  for (const { id } of sessions.rows) {
    await sql`update sessions set public_id = ${randomUUID()} where id = ${id}`.execute(trx);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_public_id').execute();
  for (const column of ['last_active_at', 'address', 'user_agent', 'public_id']) {
    await db.schema.alterTable('sessions').dropColumn(column).execute();
  }
}
