import type { HandlerTable } from './context.js';

/** Listing, joining, leaving and creating rooms, and managing a group's members. */
export const roomHandlers: HandlerTable<
  | 'rooms:list'
  | 'channels:list'
  | 'room:join'
  | 'room:leave'
  | 'room:create'
  | 'room:members'
  | 'room:add-member'
  | 'room:remove-member'
  | 'room:read'
  | 'room:unread'
  | 'dm:open'
  | 'code:create'
  | 'code:join'
  | 'match:random'
  | 'match:cancel'
> = {
  'rooms:list': async ({ ctx, user }) => ctx.services.rooms.listMineWithPresence(user.id),
  'channels:list': async ({ ctx, user }) => ({ channels: await ctx.services.rooms.listChannels(user.id) }),
  'room:join': async ({ ctx, user }, { roomId }) => ({
    room: (await ctx.services.membership.joinChannel(user, roomId)).value,
  }),
  'room:leave': async ({ ctx, user }, { roomId }) =>
    (await ctx.services.membership.leave(user, roomId)).value,
  'room:create': async ({ ctx, user }, input) => ({
    room: (await ctx.services.roomCreation.create(user, input)).value,
  }),
  'room:members': async ({ ctx, user }, { roomId }) => ({
    members: await ctx.services.rooms.members(user.id, roomId),
  }),
  'room:add-member': async ({ ctx, user }, { roomId, userId }) => ({
    room: (await ctx.services.membership.addGroupMember(user, roomId, userId)).value,
  }),
  'room:remove-member': async ({ ctx, user }, { roomId, userId }) => ({
    room: (await ctx.services.membership.removeGroupMember(user, roomId, userId)).value,
  }),
  'room:read': async ({ ctx, user }, { roomId, seq }) => ({
    lastReadSeq: await ctx.services.readMarks.mark(user.id, roomId, seq),
  }),
  'room:unread': async ({ ctx, user }, { roomId, seq }) =>
    ctx.services.readMarks.markUnread(user.id, roomId, seq),
  'dm:open': async ({ ctx, user }, { userId }) => ({
    room: (await ctx.services.roomCreation.openDm(user, userId)).value,
  }),
  'code:create': async ({ ctx, user }, input) =>
    (await ctx.services.roomCreation.createCodeRoom(user, input)).value,
  'code:join': async ({ ctx, user, socket }, { code }) => ({
    room: (await ctx.services.membership.joinByCode(user, code, socket.data.address)).value,
  }),
  'match:random': async ({ ctx, user }) => (await ctx.services.matching.request(user)).value,
  'match:cancel': async ({ ctx, user }) => ({ cancelled: await ctx.services.matching.cancel(user.id) }),
};

/** Moderation of a room's members and settings (services/room-moderation.ts). */
export const moderationHandlers: HandlerTable<
  | 'room:kick'
  | 'room:ban'
  | 'room:unban'
  | 'room:bans'
  | 'room:mute'
  | 'room:unmute'
  | 'room:set-role'
  | 'room:update'
> = {
  'room:kick': async ({ ctx, user }, { roomId, userId, reason }) =>
    (await ctx.services.moderation.kick(user.id, roomId, userId, reason)).value,
  'room:ban': async ({ ctx, user }, { roomId, userId, reason }) =>
    (await ctx.services.moderation.ban(user.id, roomId, userId, reason)).value,
  'room:unban': async ({ ctx, user }, { roomId, userId }) =>
    (await ctx.services.moderation.unban(user.id, roomId, userId)).value,
  'room:bans': async ({ ctx, user }, { roomId }) => ({
    bans: await ctx.services.moderation.bans(user.id, roomId),
  }),
  'room:mute': async ({ ctx, user }, { roomId, userId, minutes, reason }) =>
    (await ctx.services.moderation.mute(user.id, roomId, userId, minutes, reason)).value,
  'room:unmute': async ({ ctx, user }, { roomId, userId }) =>
    (await ctx.services.moderation.unmute(user.id, roomId, userId)).value,
  'room:set-role': async ({ ctx, user }, { roomId, userId, role }) =>
    (await ctx.services.moderation.setRole(user.id, roomId, userId, role)).value,
  'room:update': async ({ ctx, user }, change) => ({
    room: (await ctx.services.moderation.update(user.id, change)).value,
  }),
};

/** Reporting a message, and the moderators' queue (services/reports.ts). */
export const reportHandlers: HandlerTable<'message:report' | 'reports:list' | 'report:resolve'> = {
  'message:report': async ({ ctx, user }, { messageId, reason }) =>
    (await ctx.services.reports.report(user.id, messageId, reason)).value,
  'reports:list': async ({ ctx, user }, input) => ({
    reports: await ctx.services.reports.list(user.id, input?.status),
  }),
  'report:resolve': async ({ ctx, user }, input) =>
    (await ctx.services.reports.resolve(user.id, input)).value,
};
