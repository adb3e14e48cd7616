import type { MyRoom, PublicUser, Room } from '../../shared/protocol.js';
import type { MyRoomRow } from '../store/memberships.js';
import type { RoomRow } from '../store/rooms.js';

/**
 * A room snapshot as clients see it. A room's join code is shown only to its members, and DMs
 * and matches name the other member (`peer`) instead of carrying a name of their own.
 */
export function presentRoom(
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
    topic: row.topic,
    description: row.description,
    readOnly: row.read_only === 1,
    archived: row.archived_at !== null,
  };
}

/** A room as one of its members sees it: adds where they have read to and what is unread. */
export const presentMyRoom = (row: MyRoomRow, memberCount: number, peer: PublicUser | null): MyRoom => ({
  ...presentRoom(row, memberCount, peer, true),
  lastReadSeq: row.last_read_seq,
  unread: Number(row.unread ?? 0),
  myRole: row.role,
  mutedUntil: row.muted_until,
});
