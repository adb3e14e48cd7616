import type { Member, MyRoom, PresenceEvent, Room } from '../../shared/protocol.js';
import { presentRoom } from '../presenters/rooms.js';
import { presentMember } from '../presenters/users.js';
import { listMembers, presenceRoomIdsOfUser, roomIdsOfUser } from '../store/memberships.js';
import { countMembersByRoom, listChannels } from '../store/rooms.js';
import { findUsersByIds } from '../store/users.js';
import { enforceRead, type ServiceDeps } from './deps.js';
import { readableRoom } from './room-writes.js';
import { loadMyRooms } from './views/rooms.js';

/**
 * Where a user's presence changes are pushed: rooms up to this many members. In a channel of
 * thousands, pushing every member's comings and goings to everyone would cost members²
 * packets; there, online state comes with `room:members` instead.
 */
export const PRESENCE_ROOM_MAX = 100;

/** Reading rooms: a user's rooms, the channel directory, a room's members, subscriptions. */
export class RoomReads {
  constructor(private readonly deps: ServiceDeps) {}

  async listMine(userId: string): Promise<MyRoom[]> {
    await enforceRead(this.deps.limiter, userId);
    return loadMyRooms(this.deps.db, userId);
  }

  /** `presence` covers the other member of each DM and match, so a sidebar can show dots at once. */
  async listMineWithPresence(userId: string): Promise<{ rooms: MyRoom[]; presence: PresenceEvent[] }> {
    const rooms = await this.listMine(userId);
    const peers = [...new Set(rooms.flatMap((r) => (r.peer ? [r.peer.id] : [])))];
    const users = await findUsersByIds(this.deps.db, peers);
    const online = await this.deps.presence.onlineAmong(peers);
    const presence = users.map((u) => ({
      userId: u.id,
      online: online.has(u.id),
      lastSeenAt: u.last_seen_at,
    }));
    return { rooms, presence };
  }

  async listChannels(userId: string): Promise<(Room & { joined: boolean })[]> {
    await enforceRead(this.deps.limiter, userId);
    const { db } = this.deps;
    const [channels, mine] = [await listChannels(db), new Set(await this.roomIdsOf(userId))];
    const counts = await countMembersByRoom(
      db,
      channels.map((c) => c.id),
    );
    // An archived channel is kept for its members' history, not offered to newcomers.
    return channels
      .filter((row) => row.archived_at === null || mine.has(row.id))
      .map((row) => ({
        ...presentRoom(row, counts.get(row.id) ?? 0, null, mine.has(row.id)),
        joined: mine.has(row.id),
      }));
  }

  async members(userId: string, roomId: string): Promise<Member[]> {
    await enforceRead(this.deps.limiter, userId);
    await readableRoom(this.deps.db, roomId, userId);
    const rows = await listMembers(this.deps.db, roomId);
    const online = await this.deps.presence.onlineAmong(rows.map((r) => r.id));
    return rows.map((row) => presentMember(row, online.has(row.id)));
  }

  /** Membership read through the write queue, so it is consistent with effects already sent. */
  subscriptionsOf(userId: string): Promise<string[]> {
    return this.deps.writes.run((trx) => roomIdsOfUser(trx, userId));
  }

  roomIdsOf(userId: string): Promise<string[]> {
    return roomIdsOfUser(this.deps.db, userId);
  }

  presenceRoomIdsOf(userId: string): Promise<string[]> {
    return presenceRoomIdsOfUser(this.deps.db, userId, PRESENCE_ROOM_MAX);
  }
}
