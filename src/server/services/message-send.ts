import type { Message, PublicUser, RequestPayload } from '../../shared/protocol.js';
import { badRequest, conflict, DomainError } from '../domain/errors.js';
import { cleanMessageText } from '../domain/messages.js';
import { enforce } from '../domain/rate-limit.js';
import { logEvents } from '../presenters/log-events.js';
import { presentAttachment, presentMessage, presentReply } from '../presenters/messages.js';
import { presentUser } from '../presenters/users.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Executor } from '../store/executor.js';
import { findMessage, findMessageByClientId, insertMessage, messageRow } from '../store/messages.js';
import { nextSeq, nextSeqForMember } from '../store/room-log.js';
import { attachUploads } from '../store/uploads.js';
import { findUserById } from '../store/users.js';
import type { ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { requireRoomRight } from './rights.js';
import { readableRoom } from './room-writes.js';
import { loadMessages } from './views/messages.js';

export type SendResult = { message: Message; duplicate: boolean };

/** Sending a message: text, a quoted message, attachments; exactly once per clientMsgId. */
export class MessageSend {
  constructor(private readonly deps: ServiceDeps) {}

  async send(author: PublicUser, input: RequestPayload<'message:send'>): Promise<Outcome<SendResult>> {
    await enforce(this.deps.limiter, 'send', author.id, 'you are sending messages too fast');
    const hasAttachments = (input.attachmentIds?.length ?? 0) > 0;
    const text = hasAttachments && !input.text.trim() ? '' : cleanMessageText(input.text);
    // A retry (same clientMsgId) is not looked up before every send. It is caught by
    // UNIQUE(author, clientMsgId) when inserted — also when the same retry lands on two nodes
    // at once — or it is refused because things changed since the original was stored (its
    // author left, its quoted message was deleted). Either way the job rolls back whole, and a
    // second attempt looks first: it returns the stored message, or refuses again.
    return this.store(author, input, text, false).catch((error: unknown) =>
      isUniqueViolation(error) || error instanceof DomainError
        ? this.store(author, input, text, true)
        : Promise.reject(error),
    );
  }

  /**
   * The slower path, when the one-statement check refused: not a member (not found), or a
   * room or member the permission table must look at — a read-only channel where moderators
   * still post, a mute that may be over. Refuses with the table's reason, or takes the seq.
   */
  private async seqIfAllowed(trx: Executor, author: PublicUser, roomId: string): Promise<number> {
    const room = await readableRoom(trx, roomId, author.id);
    await requireRoomRight(trx, author.id, room, 'post', this.deps.now());
    return nextSeq(trx, roomId);
  }

  private store(
    author: PublicUser,
    input: RequestPayload<'message:send'>,
    text: string,
    lookForEarlier: boolean,
  ): Promise<Outcome<SendResult>> {
    return this.deps.writes.run(async (trx) => {
      const earlier = lookForEarlier
        ? await findMessageByClientId(trx, author.id, input.clientMsgId)
        : undefined;
      if (earlier) {
        if (earlier.room_id !== input.roomId)
          throw conflict('that clientMsgId was already used in another room');
        const [message] = await loadMessages(trx, [earlier]);
        return outcome({ message: message!, duplicate: true });
      }
      const seq =
        (await nextSeqForMember(trx, input.roomId, author.id)) ??
        (await this.seqIfAllowed(trx, author, input.roomId));
      let reply: Message['reply'] = null;
      if (input.replyTo) {
        const quoted = await findMessage(trx, input.replyTo);
        if (!quoted || quoted.room_id !== input.roomId || quoted.deleted_at !== null) {
          throw badRequest('replyTo must name a message of the same room');
        }
        const quotedAuthor = quoted.author_id ? await findUserById(trx, quoted.author_id) : undefined;
        reply = presentReply(quoted, quotedAuthor ? presentUser(quotedAuthor) : null);
      }
      const at = this.deps.now();
      const row = messageRow({
        room_id: input.roomId,
        seq,
        kind: 'user',
        author_id: author.id,
        client_msg_id: input.clientMsgId,
        text,
        reply_to: reply?.id ?? null,
        created_at: at,
      });
      await insertMessage(trx, row);
      const uploads = await attachUploads(trx, input.attachmentIds ?? [], {
        id: row.id,
        roomId: input.roomId,
        authorId: author.id,
        at,
      });
      if (uploads.length !== (input.attachmentIds?.length ?? 0)) {
        throw badRequest('an attachment does not exist, is not yours, or was already sent');
      }
      // The message row is its own log entry (store/room-log.ts, logAfter): nothing more to write.
      // Presented from what is in hand, as loadMessages would from the rows: no reads back.
      const message = presentMessage(row, {
        author,
        reply,
        reactions: [],
        attachments: uploads.map(presentAttachment),
      });
      return outcome({ message, duplicate: false }, [
        { kind: 'log', event: logEvents.messageNew({ roomId: input.roomId, seq, at }, message) },
      ]);
    });
  }
}
