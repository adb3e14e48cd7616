import { DomainError } from '../../domain/errors.js';
import { roomChannel } from '../channels.js';
import type { HandlerTable } from './context.js';

/** Sending, editing, deleting and reacting to messages, and typing notices. */
export const messageHandlers: HandlerTable<
  'message:send' | 'message:edit' | 'message:delete' | 'reaction:toggle' | 'typing'
> = {
  'message:send': async ({ ctx, user }, input) => ({
    message: (await ctx.services.messageSend.send(user, input)).value.message,
  }),
  'message:edit': async ({ ctx, user }, { messageId, text }) => ({
    message: (await ctx.services.messageEdit.edit(user, messageId, text)).value,
  }),
  'message:delete': async ({ ctx, user }, { messageId }) =>
    (await ctx.services.messageDelete.delete(user, messageId)).value,
  'reaction:toggle': async ({ ctx, user }, { messageId, emoji }) =>
    (await ctx.services.reactions.toggle(user, messageId, emoji)).value,
  typing: async ({ ctx, user, socket }, { roomId, typing }) => {
    // Typing notices are best effort: over the rate they are dropped, never reported as errors.
    // Membership first, so made-up room ids cannot create rate-limit buckets.
    if (!socket.rooms.has(roomChannel(roomId))) throw new DomainError('not_found', 'room not found');
    if (!(await ctx.services.limiter.take('typing', `${user.id}:${roomId}`)).allowed) return {};
    ctx.gateway.typing(socket, { roomId, userId: user.id, typing });
    return {};
  },
};
