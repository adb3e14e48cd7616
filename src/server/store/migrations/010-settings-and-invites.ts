import type { Kysely } from 'kysely';

/**
 * Server settings an admin changes at runtime (services/settings.ts), and invite links
 * (services/invites.ts).
 *
 * Settings are key/value rows with a JSON value rather than a column each: the admin
 * page brings more of them (limits, upload size), and a new setting is then a line in
 * domain/settings.ts with its default and its schema, not a migration. Each value is checked
 * against that schema when it is read; a missing or unreadable one counts as its default.
 *
 * An invite keeps only the SHA-256 of its token, as a session does: the table cannot be
 * turned back into working links. `uses` is counted on the invite row itself, so taking the
 * last use is one conditional UPDATE (two people racing for it: one wins); `invite_uses`
 * says who came in with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  await db.schema
    .createTable('invites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('max_uses', 'integer')
    .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('invites_created_by')
    .on('invites')
    .columns(['created_by', 'created_at'])
    .execute();
  await db.schema
    .createTable('invite_uses')
    .addColumn('invite_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('used_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('invite_uses_pk', ['invite_id', 'user_id'])
    .execute();
  // Who came in with which invite, looked up from the user's side (the admin page's user list).
  await db.schema.createIndex('invite_uses_user').on('invite_uses').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('invite_uses').execute();
  await db.schema.dropTable('invites').execute();
  await db.schema.dropTable('settings').execute();
}
