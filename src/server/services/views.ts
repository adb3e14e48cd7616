import type { MyRoom, PublicUser, Room } from '../../shared/protocol.js';
import {
  countMembersByRoom,
  type Executor,
  peersOf,
  type RoomRow,
  roomsOfUser,
} from '../store/repository.js';

/**
 * Room snapshots as clients see them. A room's join code is shown only to its members, and
 * DMs and matches name the other member instead of carrying a name of their own.
 */
export function toRoom(
  row: RoomRow,
  memberCount: number,
  peer: PublicUser | null,
  viewerIsMember: boolean,
): Room {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    ownerId: row.owner_id,
    maxMembers: row.max_members,
    memberCount,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    code: viewerIsMember ? row.code : null,
    peer,
  };
}

/** The rooms a user belongs to (or just one of them), with read positions and unread counts. */
export async function myRooms(db: Executor, userId: string, onlyRoomId?: string): Promise<MyRoom[]> {
  const rows = await roomsOfUser(db, userId, onlyRoomId);
  const ids = rows.map((r) => r.id);
  const counts = await countMembersByRoom(db, ids);
  const paired = rows.filter((r) => r.kind === 'dm' || r.kind === 'match').map((r) => r.id);
  const peers = await peersOf(db, userId, paired);
  return rows.map((row) => ({
    ...toRoom(row, counts.get(row.id) ?? 0, peers.get(row.id) ?? null, true),
    lastReadSeq: row.last_read_seq,
    unread: Number(row.unread ?? 0),
  }));
}

export async function myRoom(db: Executor, userId: string, roomId: string): Promise<MyRoom> {
  const [room] = await myRooms(db, userId, roomId);
  if (!room) throw new Error(`user ${userId} is not a member of room ${roomId}`);
  return room;
}
