import { type Kysely, sql } from 'kysely';

/** Rooms keep their member count, maintained in the same transactions that add or remove members. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('rooms')
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update rooms set member_count = (select count(*) from room_members where room_members.room_id = rooms.id)`.execute(
    db,
  );
  // Swept uploads keep their row (marked removed) for a day, so the daily quota still counts them.
  await db.schema.alterTable('uploads').addColumn('removed_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('removed_at').execute();
  await db.schema.alterTable('rooms').dropColumn('member_count').execute();
}
