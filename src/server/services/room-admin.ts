import type { AdminRoom } from '../../shared/protocol.js';
import { notFound } from '../domain/errors.js';
import { enforce } from '../domain/rate-limit.js';
import { insertAudit } from '../store/audit-log.js';
import { deleteRoomCascade, findRoom, listRoomsForAdmin, lockRoom } from '../store/rooms.js';
import { enforceRead, type ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { requireServerRight } from './rights.js';

/**
 * The admin page's Rooms: channels, groups and code rooms with their owner and size, and
 * deleting one outright (admins). DMs and matches are never listed: they are their two
 * people's. Archiving goes through room:update, which staff may do in any channel.
 */
export class RoomAdmin {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actorId: string, query: string | undefined, limit: number): Promise<AdminRoom[]> {
    const { db, limiter, settings } = this.deps;
    await enforceRead(limiter, actorId);
    await requireServerRight(db, actorId, 'view-admin', await settings.policy());
    const rows = await listRoomsForAdmin(db, query?.trim() || undefined, limit);
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      name: row.name,
      owner: row.owner_id
        ? { id: row.owner_id, username: row.owner_username!, guest: row.owner_is_guest === 1 }
        : null,
      memberCount: row.member_count,
      archived: row.archived_at !== null,
      createdAt: row.created_at,
    }));
  }

  /** Deletes the room and its history for everyone; its members are told. */
  async delete(actorId: string, roomId: string): Promise<Outcome<Record<string, never>>> {
    const { writes, limiter, settings, now } = this.deps;
    await enforce(limiter, 'action', actorId);
    const policy = await settings.policy();
    return writes.run(async (trx) => {
      await requireServerRight(trx, actorId, 'delete-rooms', policy);
      await lockRoom(trx, roomId);
      const room = await findRoom(trx, roomId);
      if (!room || room.kind === 'dm' || room.kind === 'match') throw notFound('room not found');
      await deleteRoomCascade(trx, roomId);
      await insertAudit(trx, {
        at: now(),
        actorId,
        action: 'room.delete',
        roomId,
        // A private room's name is its members' business; a channel's is public.
        detail: room.kind === 'channel' ? { name: room.name, kind: room.kind } : { kind: room.kind },
      });
      return outcome({}, [{ kind: 'room-deleted', roomId, reason: 'deleted' }]);
    });
  }
}
