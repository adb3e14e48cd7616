import type { PublicUser } from '../../shared/protocol.js';
import { enforce } from '../domain/rate-limit.js';
import { isOwnMessage } from '../domain/rooms.js';
import { logEvents } from '../presenters/log-events.js';
import { insertAudit } from '../store/audit-log.js';
import { tombstoneMessage } from '../store/messages.js';
import type { ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { requireRoomRight } from './rights.js';
import { logChange, messageForMember, messageRef } from './room-writes.js';

/** Deleting a message: its author, or whoever moderates the room (domain/permissions.ts). */
export class MessageDelete {
  constructor(private readonly deps: ServiceDeps) {}

  async delete(user: PublicUser, messageId: string): Promise<Outcome<{ messageId: string }>> {
    await enforce(this.deps.limiter, 'action', user.id);
    return this.deps.writes.run(async (trx) => {
      const { row, room } = await messageForMember(trx, messageId, user.id);
      const at = this.deps.now();
      if (!isOwnMessage(messageRef(row), user.id)) {
        await requireRoomRight(trx, user.id, room, 'delete-any', at);
        // Someone else's message: a moderation action, and so in the audit log.
        const targetUserId = row.author_id;
        await insertAudit(trx, {
          at,
          actorId: user.id,
          action: 'message.delete',
          roomId: room.id,
          targetUserId,
          detail: { messageId },
        });
      }
      await tombstoneMessage(trx, messageId, at);
      const roomId = row.room_id;
      const seq = await logChange(trx, { roomId, type: 'message:deleted', messageId, userId: user.id, at });
      return outcome({ messageId }, [
        { kind: 'log', event: logEvents.messageDeleted({ roomId, seq, at }, messageId) },
      ]);
    });
  }
}
