import { PostgresAdapter, type Selectable } from 'kysely';
import type { LogEventType } from '../../shared/protocol.js';
import type { Executor } from './executor.js';
import { preparedQuery } from './prepared.js';
import type { RoomEventsTable } from './schema.js';

/**
 * The room log: each room's sequence numbers, and the entries that carry them. A message row is
 * its own log entry; every other change is a row of `room_events` that names what changed.
 */

/**
 * Hands out the room's next sequence number. The UPDATE takes the room row's write lock, so
 * on PostgreSQL concurrent writers on any number of nodes queue up behind each other per room
 * and never get the same number; on SQLite the write queue serialises all writers anyway.
 */
const nextSeqQuery = preparedQuery((db, p: { roomId: string }) =>
  db
    .updateTable('rooms')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', p.roomId)
    .returning('last_seq'),
);

export async function nextSeq(db: Executor, roomId: string): Promise<number> {
  const row = (await nextSeqQuery(db, { roomId })).rows[0];
  if (!row) throw new Error(`room ${roomId} does not exist`);
  return Number(row.last_seq);
}

const nextSeqForMemberQuery = preparedQuery((db, p: { roomId: string; userId: string }) =>
  db
    .updateTable('rooms')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', p.roomId)
    // The plain case only: a room anyone in it may post to, a member who is not muted. The
    // rest (read-only rooms, mutes, archives) is the permission table's to decide, on the
    // send's slower path (services/message-send.ts), which this leaves untouched.
    .where('read_only', '=', 0)
    .where('archived_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('room_members')
          .select('room_members.user_id')
          .whereRef('room_members.room_id', '=', 'rooms.id')
          .where('room_members.user_id', '=', p.userId)
          .where('room_members.muted_until', 'is', null)
          // PostgreSQL: an UPDATE that waited for the room's lock re-checks the room row but
          // would read the membership from its old snapshot; locking the membership row makes
          // it see a removal committed meanwhile. (SQLite has one writer: nothing to wait for.)
          .$if(db.getExecutor().adapter instanceof PostgresAdapter, (qb) => qb.forKeyShare()),
      ),
    )
    .returning('last_seq'),
);

/**
 * `nextSeq` for a member of the room, in one statement with the membership check (the send
 * path's hottest pair); undefined, with nothing changed, when `userId` is not a member —
 * including one whose removal another node committed while this statement waited — or is
 * muted (even by a mute now past), or the room is read-only or archived: then the caller asks
 * the permission table, and takes `nextSeq` if it allows.
 */
export async function nextSeqForMember(db: Executor, roomId: string, userId: string) {
  const row = (await nextSeqForMemberQuery(db, { roomId, userId })).rows[0];
  return row ? Number(row.last_seq) : undefined;
}

/** Log entries that are messages themselves (see logAfter); the rest are stored as changes. */
type MessageEntryType = 'message:new' | 'room:member-joined' | 'room:member-left';

export interface LogEntry {
  roomId: string;
  seq: number;
  type: Exclude<LogEventType, MessageEntryType>;
  messageId: string | null;
  userId: string | null;
  at: number;
}

const appendEventQuery = preparedQuery((db, p: LogEntry) =>
  db.insertInto('room_events').values({
    room_id: p.roomId,
    seq: p.seq,
    type: p.type,
    message_id: p.messageId,
    user_id: p.userId,
    created_at: p.at,
  } satisfies Record<keyof RoomEventRow, unknown>),
);

export async function appendEvent(db: Executor, event: LogEntry): Promise<void> {
  await appendEventQuery(db, event);
}

export type RoomEventRow = Selectable<RoomEventsTable>;

/**
 * The room's log after `afterSeq`, in seq order: the changes kept in `room_events`, merged with
 * the messages themselves — a message's row is its own log entry (`message:new`, or a join or
 * leave for a system line), so a send writes one row, not two. Each side is cut at `limit`
 * before the merge, so a long log costs one page's worth of rows from each index.
 */
const logAfterQuery = preparedQuery((db, p: { roomId: string; afterSeq: number; limit: number }) =>
  db
    .selectFrom(
      db
        .selectFrom('room_events')
        // Named, not `*`: both sides of the UNION must list the same columns in the same order.
        .select(['room_id', 'seq', 'type', 'message_id', 'user_id', 'created_at'])
        .where('room_id', '=', p.roomId)
        .where('seq', '>', p.afterSeq)
        .orderBy('seq')
        .limit(p.limit)
        .as('changes'),
    )
    .selectAll()
    .unionAll(
      db
        .selectFrom(
          db
            .selectFrom('messages')
            .select((eb) => [
              'room_id',
              'seq',
              eb
                .case()
                .when('kind', '=', 'user')
                .then('message:new' as MessageEntryType)
                .when('system', '=', 'joined')
                .then('room:member-joined' as MessageEntryType)
                .else('room:member-left' as MessageEntryType)
                .end()
                .as('type'),
              'id as message_id',
              'author_id as user_id',
              'created_at',
            ])
            .where('room_id', '=', p.roomId)
            .where('seq', '>', p.afterSeq)
            .orderBy('seq')
            .limit(p.limit)
            .as('entries'),
        )
        .selectAll(),
    )
    .orderBy('seq')
    .limit(p.limit),
);

export async function logAfter(
  db: Executor,
  roomId: string,
  afterSeq: number,
  limit: number,
): Promise<RoomEventRow[]> {
  return (await logAfterQuery(db, { roomId, afterSeq, limit })).rows;
}
