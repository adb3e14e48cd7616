import type {
  LogEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  MemberUpdatedEvent,
  Message,
  MessageDeletedEvent,
  MessageNewEvent,
  MessageUpdatedEvent,
  PublicUser,
  Reaction,
  ReactionUpdatedEvent,
  Room,
  RoomRole,
  RoomUpdatedEvent,
} from '../../shared/protocol.js';

/**
 * The one builder of every room log event. The live path (a service's effects, broadcast after
 * the commit) and the replay path (`sync`, services/views/log.ts) both build their events here,
 * from the same presented parts, so what a client sees live is what it gets on replay —
 * test/integration/live-equals-replay.test.ts holds them to it. A new log event type gets its
 * builder here, its replay case in services/views/log.ts and its row in that test.
 *
 * Each builds its event as one literal: these run for every message sent.
 */

/** Where an event sits in its room's log. */
export interface LogPosition {
  roomId: string;
  seq: number;
  at: number;
}

export const logEvents = {
  messageNew: (p: LogPosition, message: Message): MessageNewEvent => ({
    type: 'message:new',
    roomId: p.roomId,
    seq: p.seq,
    at: p.at,
    message,
  }),
  messageUpdated: (p: LogPosition, message: Message): MessageUpdatedEvent => ({
    type: 'message:updated',
    roomId: p.roomId,
    seq: p.seq,
    at: p.at,
    message,
  }),
  messageDeleted: (p: LogPosition, messageId: string): MessageDeletedEvent => ({
    type: 'message:deleted',
    roomId: p.roomId,
    seq: p.seq,
    at: p.at,
    messageId,
  }),
  reactionUpdated: (p: LogPosition, messageId: string, reactions: Reaction[]): ReactionUpdatedEvent => ({
    type: 'reaction:updated',
    roomId: p.roomId,
    seq: p.seq,
    at: p.at,
    messageId,
    reactions,
  }),
  memberJoined: (p: LogPosition, user: PublicUser, message: Message): MemberJoinedEvent => ({
    type: 'room:member-joined',
    roomId: p.roomId,
    seq: p.seq,
    at: p.at,
    user,
    message,
  }),
  memberLeft: (p: LogPosition, userId: string, message: Message): MemberLeftEvent => ({
    type: 'room:member-left',
    roomId: p.roomId,
    seq: p.seq,
    at: p.at,
    userId,
    message,
  }),
  memberUpdated: (
    p: LogPosition,
    userId: string,
    role: RoomRole,
    mutedUntil: number | null,
  ): MemberUpdatedEvent => ({
    type: 'room:member-updated',
    roomId: p.roomId,
    seq: p.seq,
    at: p.at,
    userId,
    role,
    mutedUntil,
  }),
  roomUpdated: (p: LogPosition, room: Room): RoomUpdatedEvent => ({
    type: 'room:updated',
    roomId: p.roomId,
    seq: p.seq,
    at: p.at,
    room,
  }),
} satisfies Record<string, (...args: never[]) => LogEvent>;
