import { type Kysely, sql } from 'kysely';

/**
 * Server roles and deactivation (domain/permissions.ts has what each role may do).
 *
 * Every existing account becomes a member and every guest a guest; the oldest account becomes
 * the admin, as the first account registered on a fresh server does — on a server that ran
 * before roles existed it is most likely the person who set it up, and the operator CLI
 * (`parley promote`, `parley create-admin`) changes it if not. Room memberships keep their
 * role: owners stay owners; `moderator` is a new value of the same column.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('member'))
    .execute();
  await db.schema.alterTable('users').addColumn('deactivated_at', 'bigint').execute();
  await sql`UPDATE users SET role = 'guest' WHERE is_guest = 1`.execute(db);
  await sql`
    UPDATE users SET role = 'admin'
    WHERE id = (SELECT id FROM users WHERE is_guest = 0 ORDER BY created_at, id LIMIT 1)
  `.execute(db);
  await db.schema.createIndex('users_role').on('users').column('role').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('users_role').execute();
  await db.schema.alterTable('users').dropColumn('deactivated_at').execute();
  await db.schema.alterTable('users').dropColumn('role').execute();
}
