import type { Message, PublicUser } from '../../shared/protocol.js';
import { cleanMessageText } from '../domain/messages.js';
import { enforce } from '../domain/rate-limit.js';
import { assertCanEdit } from '../domain/rooms.js';
import { logEvents } from '../presenters/log-events.js';
import { updateMessageText } from '../store/messages.js';
import type { ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { requireRoomRight } from './rights.js';
import { logChange, messageForMember, messageRef } from './room-writes.js';
import { loadMessages } from './views/messages.js';

/** Editing a message's text: only its author, only while it is not deleted. */
export class MessageEdit {
  constructor(private readonly deps: ServiceDeps) {}

  async edit(user: PublicUser, messageId: string, rawText: string): Promise<Outcome<Message>> {
    await enforce(this.deps.limiter, 'action', user.id);
    const text = cleanMessageText(rawText);
    return this.deps.writes.run(async (trx) => {
      const { row, room } = await messageForMember(trx, messageId, user.id);
      assertCanEdit(messageRef(row), user.id);
      // Rewriting is posting: not while muted, nor in an archived room, nor in a read-only one
      // one no longer moderates.
      await requireRoomRight(trx, user.id, room, 'post', this.deps.now());
      if (row.text === text) return outcome((await loadMessages(trx, [row]))[0]!);
      const at = this.deps.now();
      await updateMessageText(trx, messageId, text, at);
      const roomId = row.room_id;
      const seq = await logChange(trx, { roomId, type: 'message:updated', messageId, userId: user.id, at });
      const [message] = await loadMessages(trx, [{ ...row, text, edited_at: at }]);
      return outcome(message!, [
        { kind: 'log', event: logEvents.messageUpdated({ roomId, seq, at }, message!) },
      ]);
    });
  }
}
