import type { Kysely } from 'kysely';

/**
 * When a guest's last session ended. Their name stays reserved (its keys stay set) for a hold
 * period after that (services/auth.ts), so nobody else can take it at once and pose as the
 * guest the others were talking to; then the keys are cleared and the name is free. Guests
 * released before this migration already have their keys cleared and are not affected.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('name_released_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('name_released_at').execute();
}
