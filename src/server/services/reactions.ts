import type { PublicUser, Reaction } from '../../shared/protocol.js';
import { conflict } from '../domain/errors.js';
import { normaliseEmoji } from '../domain/messages.js';
import { enforce } from '../domain/rate-limit.js';
import { assertCanReact } from '../domain/rooms.js';
import { logEvents } from '../presenters/log-events.js';
import { presentReactions } from '../presenters/messages.js';
import { countDistinctReactions, reactionsOfMessages, toggleReaction } from '../store/reactions.js';
import type { ServiceDeps } from './deps.js';
import { type Outcome, outcome } from './effects.js';
import { requireRoomRight } from './rights.js';
import { logChange, messageForMember, messageRef } from './room-writes.js';

const MAX_DISTINCT_REACTIONS = 20;

/** Reacting to a message with an emoji, or taking the reaction back. */
export class Reactions {
  constructor(private readonly deps: ServiceDeps) {}

  async toggle(
    user: PublicUser,
    messageId: string,
    rawEmoji: string,
  ): Promise<Outcome<{ messageId: string; reactions: Reaction[] }>> {
    await enforce(this.deps.limiter, 'action', user.id);
    const emoji = normaliseEmoji(rawEmoji);
    return this.deps.writes.run(async (trx) => {
      const { row, room } = await messageForMember(trx, messageId, user.id);
      assertCanReact(messageRef(row));
      // A mute or an archive stops reactions too.
      await requireRoomRight(trx, user.id, room, 'react', this.deps.now());
      const at = this.deps.now();
      const added = await toggleReaction(trx, { messageId, userId: user.id, emoji, at });
      if (added && (await countDistinctReactions(trx, messageId)) > MAX_DISTINCT_REACTIONS) {
        throw conflict(`a message can carry at most ${MAX_DISTINCT_REACTIONS} different reactions`);
      }
      const roomId = row.room_id;
      const seq = await logChange(trx, { roomId, type: 'reaction:updated', messageId, userId: user.id, at });
      const reactions = presentReactions(await reactionsOfMessages(trx, [messageId]));
      return outcome({ messageId, reactions }, [
        { kind: 'log', event: logEvents.reactionUpdated({ roomId, seq, at }, messageId, reactions) },
      ]);
    });
  }
}
