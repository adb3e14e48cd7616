import type { LogEvent } from '../../../shared/protocol.js';
import { logEvents } from '../../presenters/log-events.js';
import { presentRoom } from '../../presenters/rooms.js';
import type { Executor } from '../../store/executor.js';
import { findMembership } from '../../store/memberships.js';
import { messagesByIds } from '../../store/messages.js';
import type { RoomEventRow } from '../../store/room-log.js';
import { countMembers, findRoom } from '../../store/rooms.js';
import { loadMessages } from './messages.js';

/**
 * Stored log entries of one room as the events `sync` replays, rebuilt from the rows' current
 * state (an edited message replays with its latest text) by the same builders the live path
 * uses (presenters/log-events.ts). The switch is exhaustive: a new entry type does not compile
 * until it is handled here.
 */
export async function loadLogEvents(db: Executor, rows: readonly RoomEventRow[]): Promise<LogEvent[]> {
  if (rows.length === 0) return [];
  const messageIds = [...new Set(rows.flatMap((r) => (r.message_id ? [r.message_id] : [])))];
  const messages = new Map(
    (await loadMessages(db, await messagesByIds(db, messageIds))).map((m) => [m.id, m]),
  );
  // The room as it is now; a room deleted meanwhile has no snapshot, and its entries go.
  const roomRow = rows.some((r) => r.type === 'room:updated')
    ? await findRoom(db, rows[0]!.room_id)
    : undefined;
  const room = roomRow && presentRoom(roomRow, await countMembers(db, roomRow.id), null, true);
  // Members' standing as it is now.
  const standing = new Map(
    await Promise.all(
      [
        ...new Set(rows.flatMap((r) => (r.type === 'room:member-updated' && r.user_id ? [r.user_id] : []))),
      ].map(async (userId) => [userId, await findMembership(db, rows[0]!.room_id, userId)] as const),
    ),
  );

  const events: LogEvent[] = [];
  for (const row of rows) {
    const position = { roomId: row.room_id, seq: row.seq, at: row.created_at };
    const message = row.message_id ? messages.get(row.message_id) : undefined;
    const type = row.type as LogEvent['type'];
    switch (type) {
      case 'message:new':
        if (message) events.push(logEvents.messageNew(position, message));
        break;
      case 'message:updated':
        if (message) events.push(logEvents.messageUpdated(position, message));
        break;
      case 'message:deleted':
        events.push(logEvents.messageDeleted(position, row.message_id!));
        break;
      case 'reaction:updated':
        events.push(logEvents.reactionUpdated(position, row.message_id!, message?.reactions ?? []));
        break;
      case 'room:member-joined':
        if (message?.author) events.push(logEvents.memberJoined(position, message.author, message));
        break;
      case 'room:member-left':
        if (message) events.push(logEvents.memberLeft(position, row.user_id!, message));
        break;
      case 'room:updated':
        if (room) events.push(logEvents.roomUpdated(position, room));
        break;
      case 'room:member-updated': {
        // One who has left since replays as a plain member: every entry must replay, or the
        // client would see a gap in the seqs.
        const member = standing.get(row.user_id!);
        const role = member?.role ?? 'member';
        events.push(logEvents.memberUpdated(position, row.user_id!, role, member?.muted_until ?? null));
        break;
      }
      default: {
        // Compile-time only: a type written by a newer version is skipped, not fatal.
        const unhandled: never = type;
        void unhandled;
      }
    }
  }
  return events;
}
