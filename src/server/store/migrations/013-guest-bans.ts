import type { Kysely } from 'kysely';

/**
 * Server-wide bans of guests (docs/administration.md): by name — its look-alike skeleton, so
 * `AIice` is as banned as `Alice` — and by address (an IPv6 address by its /64, as the rate
 * limits count them). They stop guest sign-ins only: accounts are deactivated instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guest_bans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    /** The name's skeleton, or the address's bucket. */
    .addColumn('value', 'text', (c) => c.notNull())
    /** What an admin reads: the name as typed, or the address. */
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('guest_bans_once', ['kind', 'value'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('guest_bans').execute();
}
