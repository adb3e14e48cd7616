import type { MyRoom, PublicUser, Room } from '../../../shared/protocol.js';
import { notFound } from '../../domain/errors.js';
import { presentMyRoom, presentRoom } from '../../presenters/rooms.js';
import { presentUser } from '../../presenters/users.js';
import type { Executor } from '../../store/executor.js';
import { peersOf, roomsOfUser } from '../../store/memberships.js';
import { countMembers, countMembersByRoom, findRoom } from '../../store/rooms.js';

/** The rooms a user belongs to (or just one of them), with read positions and unread counts. */
export async function loadMyRooms(db: Executor, userId: string, onlyRoomId?: string): Promise<MyRoom[]> {
  const rows = await roomsOfUser(db, userId, onlyRoomId);
  const counts = await countMembersByRoom(
    db,
    rows.map((r) => r.id),
  );
  const paired = rows.filter((r) => r.kind === 'dm' || r.kind === 'match').map((r) => r.id);
  const peers = new Map<string, PublicUser>();
  for (const row of await peersOf(db, userId, paired)) peers.set(row.room_id, presentUser(row));
  return rows.map((row) => presentMyRoom(row, counts.get(row.id) ?? 0, peers.get(row.id) ?? null));
}

export async function loadMyRoom(db: Executor, userId: string, roomId: string): Promise<MyRoom> {
  const [room] = await loadMyRooms(db, userId, roomId);
  if (!room) throw new Error(`user ${userId} is not a member of room ${roomId}`);
  return room;
}

/** The room as its members see it, without any one member's read position. */
export async function loadRoom(db: Executor, roomId: string): Promise<Room> {
  const row = await findRoom(db, roomId);
  if (!row) throw notFound('room not found');
  return presentRoom(row, await countMembers(db, roomId), null, true);
}
