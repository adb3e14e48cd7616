import type { MyRoom, PublicUser } from '../../shared/protocol.js';
import { forbidden, notFound } from '../domain/errors.js';
import {
  afterMemberLeft,
  assertHasCapacity,
  assertReadable,
  type MemberRole,
  type RoomRecord,
} from '../domain/rooms.js';
import { logEvents } from '../presenters/log-events.js';
import { presentMessage } from '../presenters/messages.js';
import type { Executor } from '../store/executor.js';
import {
  deleteMember,
  findMembership,
  insertMembers,
  listMembers,
  setMemberRole,
} from '../store/memberships.js';
import { findMessage, insertMessage, type MessageRow, messageRow } from '../store/messages.js';
import { isBanned } from '../store/room-bans.js';
import { appendEvent, type LogEntry, nextSeq } from '../store/room-log.js';
import {
  countMembers,
  deleteRoomCascade,
  findRoom,
  insertRoom,
  lockRoom,
  type RoomRow,
  roomRow,
  setRoomOwner,
  toRoomRecord,
} from '../store/rooms.js';
import { type Effect, type Outcome, outcome } from './effects.js';
import { loadMyRoom, loadRoom } from './views/rooms.js';

/**
 * The building blocks the room and message use cases share, each run inside a write job: find
 * what the caller may act on, put members in and take them out (with the log lines that
 * record it), and append changes to the room log with the room's next seq.
 */

export const subscribe = (roomId: string, userIds: string[]): Effect => ({
  kind: 'subscribe',
  roomId,
  userIds,
});
export const unsubscribe = (roomId: string, userIds: string[]): Effect => ({
  kind: 'unsubscribe',
  roomId,
  userIds,
});

/** The room, if `userId` may read it; refused as not found otherwise (domain/rooms.ts). */
export async function readableRoom(db: Executor, roomId: string, userId: string): Promise<RoomRecord> {
  const row = await findRoom(db, roomId);
  const isMember = row ? Boolean(await findMembership(db, roomId, userId)) : false;
  const room = row && toRoomRecord(row);
  assertReadable(room, isMember);
  return room;
}

/** The message and its room, if `userId` is a member of that room; not found otherwise. */
export async function messageForMember(db: Executor, messageId: string, userId: string) {
  const row = await findMessage(db, messageId);
  if (!row) throw notFound('message not found');
  const room = await readableRoom(db, row.room_id, userId).catch(() => {
    throw notFound('message not found');
  });
  return { row, room };
}

export async function insertNewRoom(
  trx: Executor,
  now: () => number,
  room: {
    kind: RoomRow['kind'];
    name?: string | null;
    nameKey?: string;
    code?: string;
    dmKey?: string;
    ownerId?: string;
    maxMembers?: number | null;
  },
): Promise<RoomRecord> {
  const row = roomRow({
    kind: room.kind,
    name: room.name ?? null,
    name_key: room.nameKey ?? null,
    code: room.code ?? null,
    dm_key: room.dmKey ?? null,
    owner_id: room.ownerId ?? null,
    max_members: room.maxMembers ?? null,
    created_at: now(),
  });
  await insertRoom(trx, row);
  return toRoomRecord(row);
}

/** Puts the founding members in a new room; everyone but the actor is told about it. */
export async function withMembers(
  trx: Executor,
  now: () => number,
  room: RoomRecord,
  members: { userId: string; role: MemberRole }[],
  actorId: string,
): Promise<Outcome<MyRoom>> {
  await insertMembers(
    trx,
    room.id,
    members.map((m) => ({ ...m, lastReadSeq: 0 })),
    now(),
  );
  const effects: Effect[] = [
    subscribe(
      room.id,
      members.map((m) => m.userId),
    ),
  ];
  const actorView = await loadMyRoom(trx, actorId, room.id);
  for (const { userId, role } of members) {
    if (userId === actorId) continue;
    // A new room looks the same to every member except for who the "peer" is (DMs, matches)
    // and their own role in it.
    const view = actorView.peer
      ? await loadMyRoom(trx, userId, room.id)
      : { ...actorView, myRole: role, mutedUntil: null };
    effects.push({ kind: 'notify', userId, event: 'room:added', room: view });
  }
  return outcome(actorView, effects);
}

/** Adds one member to an existing room, logged as a "joined" line. The room must be locked. */
export async function addMemberTo(
  trx: Executor,
  now: () => number,
  room: RoomRecord,
  user: PublicUser,
  role: MemberRole,
): Promise<Outcome<MyRoom>> {
  // The one way into an existing room (a channel's join, a code, an invite, being added).
  if (await isBanned(trx, room.id, user.id)) throw forbidden('you are banned from this room');
  if (room.archived) throw forbidden('this room is archived: its history is kept, nobody joins');
  assertHasCapacity(room, await countMembers(trx, room.id));
  const at = now();
  const event = await logMembership(trx, room.id, user, 'joined', at);
  await insertMembers(trx, room.id, [{ userId: user.id, role, lastReadSeq: event.seq }], at);
  return outcome(await loadMyRoom(trx, user.id, room.id), [
    subscribe(room.id, [user.id]),
    { kind: 'log', event },
  ]);
}

/**
 * Takes a member out of a room. The "left" line goes to the room while the leaver still
 * receives it; then the leaver's sockets are detached. Rooms that end when a member goes
 * (matches) or when they empty (code rooms, groups) are deleted with their history.
 */
export async function removeMemberFrom(
  trx: Executor,
  now: () => number,
  room: RoomRecord,
  user: PublicUser,
  how: 'left' | 'removed' | 'banned',
): Promise<Effect[]> {
  await lockRoom(trx, room.id);
  if (!(await deleteMember(trx, room.id, user.id))) return [];
  const remaining = await countMembers(trx, room.id);
  if (afterMemberLeft(room, remaining) === 'delete') {
    await deleteRoomCascade(trx, room.id);
    return [{ kind: 'room-deleted', roomId: room.id, reason: room.kind === 'match' ? 'ended' : 'empty' }];
  }
  const at = now();
  const effects: Effect[] = [{ kind: 'log', event: await logMembership(trx, room.id, user, 'left', at) }];
  effects.push(unsubscribe(room.id, [user.id]));
  effects.push({ kind: 'room-gone', userId: user.id, roomId: room.id, reason: how });
  if (room.ownerId === user.id && room.kind === 'group') {
    // The longest-standing member inherits the group so someone can still manage it.
    const [heir] = await listMembers(trx, room.id);
    if (heir) {
      await setRoomOwner(trx, room.id, heir.id);
      await setMemberRole(trx, room.id, heir.id, 'owner');
      // The heir's own standing, as a mute or a new role would be logged.
      const roleSeq = await logChange(trx, {
        roomId: room.id,
        type: 'room:member-updated',
        messageId: null,
        userId: heir.id,
        at,
      });
      effects.push({
        kind: 'log',
        event: logEvents.memberUpdated(
          { roomId: room.id, seq: roleSeq, at },
          heir.id,
          'owner',
          heir.muted_until,
        ),
      });
      const seq = await logChange(trx, {
        roomId: room.id,
        type: 'room:updated',
        messageId: null,
        userId: heir.id,
        at,
      });
      const snapshot = await loadRoom(trx, room.id);
      effects.push({ kind: 'log', event: logEvents.roomUpdated({ roomId: room.id, seq, at }, snapshot) });
    }
  }
  return effects;
}

/** Logs a join or leave as a system line: like a user's message, it is its own log entry. */
async function logMembership(
  trx: Executor,
  roomId: string,
  user: PublicUser,
  system: 'joined' | 'left',
  at: number,
) {
  const seq = await nextSeq(trx, roomId);
  const row = messageRow({
    room_id: roomId,
    seq,
    kind: 'system',
    author_id: user.id,
    system,
    created_at: at,
  });
  await insertMessage(trx, row);
  const message = presentMessage(row, { author: user, reply: null, reactions: [], attachments: [] });
  const position = { roomId, seq, at };
  return system === 'joined'
    ? logEvents.memberJoined(position, user, message)
    : logEvents.memberLeft(position, user.id, message);
}

/** Appends a change that is not a message of its own to the room log; returns its seq. */
export async function logChange(trx: Executor, entry: Omit<LogEntry, 'seq'>): Promise<number> {
  const seq = await nextSeq(trx, entry.roomId);
  await appendEvent(trx, { ...entry, seq });
  return seq;
}

/** What the message rules (domain/rooms.ts) look at. */
export const messageRef = (row: MessageRow) => ({
  authorId: row.author_id,
  kind: row.kind,
  deletedAt: row.deleted_at,
});
