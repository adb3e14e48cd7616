import { type Kysely, sql } from 'kysely';

/**
 * New messages, joins and leaves are no longer copied into room_events: the message row is
 * the log entry (store/room-log.ts, logAfter). Removes the copies already there, so the merged log
 * does not hold them twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from room_events where type in ('message:new', 'room:member-joined', 'room:member-left')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    insert into room_events (room_id, seq, type, message_id, user_id, created_at)
    select room_id, seq,
      case when kind = 'user' then 'message:new'
           when system = 'joined' then 'room:member-joined'
           else 'room:member-left' end,
      id, author_id, created_at
    from messages`.execute(db);
}
