import type { Kysely } from 'kysely';

/**
 * Room moderation (domain/permissions.ts decides who may): a topic and a description beside
 * the name, read-only (announcement) channels, archiving, mutes on a membership, and bans —
 * kept apart from memberships, since a banned user is by definition no longer a member and
 * the ban must outlive the membership it ended.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('rooms').addColumn('topic', 'text').execute();
  await db.schema.alterTable('rooms').addColumn('description', 'text').execute();
  await db.schema
    .alterTable('rooms')
    .addColumn('read_only', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('rooms').addColumn('archived_at', 'bigint').execute();
  await db.schema.alterTable('room_members').addColumn('muted_until', 'bigint').execute();
  await db.schema
    .createTable('room_bans')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('banned_by', 'text')
    .addColumn('reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('room_bans_pk', ['room_id', 'user_id'])
    .execute();
  // "Which rooms is this user banned from" (a DM re-open, an invite): by user.
  await db.schema.createIndex('room_bans_user').on('room_bans').column('user_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('room_bans').execute();
  await db.schema.alterTable('room_members').dropColumn('muted_until').execute();
  await db.schema.alterTable('rooms').dropColumn('archived_at').execute();
  await db.schema.alterTable('rooms').dropColumn('read_only').execute();
  await db.schema.alterTable('rooms').dropColumn('description').execute();
  await db.schema.alterTable('rooms').dropColumn('topic').execute();
}
