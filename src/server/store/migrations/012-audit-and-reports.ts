import type { Kysely } from 'kysely';

/**
 * The audit log — who did what to whom, when and why, for every moderation and admin action —
 * and reports of messages, the queue moderators work through (docs/administration.md).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    // NULL: the operator CLI, which acts as nobody in particular.
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('room_id', 'text')
    .addColumn('target_user_id', 'text')
    .addColumn('reason', 'text')
    /** JSON: what changed (a mute's end, a new role, a room's new settings). */
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'at']).execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target_user_id', 'at']).execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('room_id', 'text', (c) => c.notNull())
    .addColumn('reporter_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('handled_by', 'text')
    .addColumn('handled_at', 'bigint')
    .addColumn('resolution', 'text')
    // One report per person per message: reporting again changes nothing.
    .addUniqueConstraint('reports_once', ['message_id', 'reporter_id'])
    .execute();
  await db.schema.createIndex('reports_queue').on('reports').columns(['status', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reports').execute();
  await db.schema.dropTable('audit_log').execute();
}
