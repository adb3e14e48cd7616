import type {
  LogEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  Message,
  MessageDeletedEvent,
  MessageNewEvent,
  MessageUpdatedEvent,
  PublicUser,
  Reaction,
  ReactionUpdatedEvent,
  Room,
  RoomUpdatedEvent,
} from '../../shared/protocol.js';

/**
 * The one builder of every room log event. The live path (a service's effects, broadcast after
 * the commit) and the replay path (`sync`, services/views/log.ts) both build their events here,
 * from the same presented parts, so what a client sees live is what it gets on replay —
 * test/integration/live-equals-replay.test.ts holds them to it. A new log event type gets its
 * builder here, its replay case in services/views/log.ts and its row in that test.
 */

/** Where an event sits in its room's log. */
export interface LogPosition {
  roomId: string;
  seq: number;
  at: number;
}

const at = (position: LogPosition) => ({ roomId: position.roomId, seq: position.seq, at: position.at });

export const logEvents = {
  messageNew: (p: LogPosition, message: Message): MessageNewEvent => ({
    type: 'message:new',
    ...at(p),
    message,
  }),
  messageUpdated: (p: LogPosition, message: Message): MessageUpdatedEvent => ({
    type: 'message:updated',
    ...at(p),
    message,
  }),
  messageDeleted: (p: LogPosition, messageId: string): MessageDeletedEvent => ({
    type: 'message:deleted',
    ...at(p),
    messageId,
  }),
  reactionUpdated: (p: LogPosition, messageId: string, reactions: Reaction[]): ReactionUpdatedEvent => ({
    type: 'reaction:updated',
    ...at(p),
    messageId,
    reactions,
  }),
  memberJoined: (p: LogPosition, user: PublicUser, message: Message): MemberJoinedEvent => ({
    type: 'room:member-joined',
    ...at(p),
    user,
    message,
  }),
  memberLeft: (p: LogPosition, userId: string, message: Message): MemberLeftEvent => ({
    type: 'room:member-left',
    ...at(p),
    userId,
    message,
  }),
  roomUpdated: (p: LogPosition, room: Room): RoomUpdatedEvent => ({
    type: 'room:updated',
    ...at(p),
    room,
  }),
} satisfies Record<string, (...args: never[]) => LogEvent>;
