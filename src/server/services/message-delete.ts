import type { PublicUser } from '../../shared/protocol.js';
import { enforce } from '../domain/rate-limit.js';
import { assertCanDelete } from '../domain/rooms.js';
import { logEvents } from '../presenters/log-events.js';
import { tombstoneMessage } from '../store/messages.js';
import type { ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { logChange, messageForMember, messageRef } from './room-writes.js';

/** Deleting a message: its author, or whoever may moderate the room (domain/rooms.ts). */
export class MessageDelete {
  constructor(private readonly deps: ServiceDeps) {}

  async delete(user: PublicUser, messageId: string): Promise<Outcome<{ messageId: string }>> {
    await enforce(this.deps.limiter, 'action', user.id);
    return this.deps.writes.run(async (trx) => {
      const { row, room } = await messageForMember(trx, messageId, user.id);
      assertCanDelete(messageRef(row), room, user.id);
      const at = this.deps.now();
      await tombstoneMessage(trx, messageId, at);
      const roomId = row.room_id;
      const seq = await logChange(trx, { roomId, type: 'message:deleted', messageId, userId: user.id, at });
      return outcome({ messageId }, [
        { kind: 'log', event: logEvents.messageDeleted({ roomId, seq, at }, messageId) },
      ]);
    });
  }
}
