import type { PublicUser } from '../../shared/protocol.js';
import { forbidden, notFound } from '../domain/errors.js';
import { targetRefusal } from '../domain/permissions.js';
import { enforce } from '../domain/rate-limit.js';
import { isOwnMessage } from '../domain/rooms.js';
import { logEvents } from '../presenters/log-events.js';
import { insertAudit } from '../store/audit-log.js';
import type { Executor } from '../store/executor.js';
import { findMembership } from '../store/memberships.js';
import { findMessage, tombstoneMessage } from '../store/messages.js';
import { findRoom, toRoomRecord } from '../store/rooms.js';
import { findUserById } from '../store/users.js';
import type { ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { placeIn, requireRoomRight } from './rights.js';
import { logChange, messageForMember, messageRef } from './room-writes.js';

/**
 * The message and its room, for deleting it: a member's, or — in a channel, which is public —
 * one that server staff clean up without having joined (the permission table then decides).
 * Not found otherwise, as for any read.
 */
async function messageForModeration(trx: Executor, messageId: string, userId: string) {
  const row = await findMessage(trx, messageId);
  const roomRow = row && (await findRoom(trx, row.room_id));
  if (!row || !roomRow) throw notFound('message not found');
  if (roomRow.kind === 'channel' && !(await findMembership(trx, roomRow.id, userId)))
    return { row, room: toRoomRecord(roomRow) };
  return messageForMember(trx, messageId, userId);
}

/** Deleting a message: its author, or whoever moderates the room (domain/permissions.ts). */
export class MessageDelete {
  constructor(private readonly deps: ServiceDeps) {}

  async delete(user: PublicUser, messageId: string): Promise<Outcome<{ messageId: string }>> {
    await enforce(this.deps.limiter, 'action', user.id);
    return this.deps.writes.run(async (trx) => {
      const { row, room } = await messageForModeration(trx, messageId, user.id);
      const at = this.deps.now();
      if (!isOwnMessage(messageRef(row), user.id)) {
        const actor = await requireRoomRight(trx, user.id, room, 'delete-any', at);
        // Nobody deletes the messages of someone who outranks them (an admin's in #general).
        const author = row.author_id ? await findUserById(trx, row.author_id) : undefined;
        if (author) {
          const authorRole = (await findMembership(trx, room.id, author.id))?.role ?? null;
          const refusal = targetRefusal(actor, await placeIn(trx, room, user.id), author, authorRole);
          if (refusal && author.id !== user.id) throw forbidden(refusal);
        }
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
