/**
 * The Parley wire protocol: event names, payload schemas and the types built from them.
 *
 * This module is imported by the server (to validate every incoming payload) and by the web
 * client (to type what it sends and receives). It must stay free of Node and DOM APIs.
 * docs/protocol.md explains the semantics; keep the two in step.
 */
import { z } from 'zod';

export const LIMITS = {
  messageTextMax: 4000,
  usernameMin: 2,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 256,
  roomNameMax: 64,
  roomMembersMax: 1000,
  emojiMax: 64,
  clientMsgIdMax: 64,
  historyPageMax: 100,
  syncPageSize: 500,
  userSearchMax: 20,
} as const;

// ---------------------------------------------------------------------------------------------
// Errors and acknowledgements
// ---------------------------------------------------------------------------------------------

export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'rate_limited',
  'conflict',
  'too_large',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** Every client → server event is acknowledged with one of these. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

// ---------------------------------------------------------------------------------------------
// Entities as they travel on the wire
// ---------------------------------------------------------------------------------------------

export const ROOM_KINDS = ['channel', 'dm', 'group', 'code', 'match'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export interface PublicUser {
  id: string;
  username: string;
  guest: boolean;
}

export interface Room {
  id: string;
  kind: RoomKind;
  /** Null for DMs and matches: clients show the other member instead. */
  name: string | null;
  ownerId: string | null;
  maxMembers: number | null;
  memberCount: number;
  /** Highest log sequence number of the room when this snapshot was taken. */
  lastSeq: number;
  createdAt: number;
  /** Join code, present only on code rooms and only for their members. */
  code: string | null;
  /** For DMs and matches: the other member. */
  peer: PublicUser | null;
}

/** A room as seen by one of its members: adds that member's read position. */
export interface MyRoom extends Room {
  lastReadSeq: number;
  unread: number;
}

export interface Reaction {
  emoji: string;
  userIds: string[];
}

export interface ReplyPreview {
  id: string;
  author: PublicUser | null;
  /** First characters of the quoted text; empty when the quoted message was deleted. */
  text: string;
  deleted: boolean;
}

export type SystemEvent = 'joined' | 'left';

export interface Message {
  id: string;
  roomId: string;
  /** The room-log position at which the message was created. */
  seq: number;
  kind: 'user' | 'system';
  /** The writer; for system messages, the member the line is about. */
  author: PublicUser | null;
  text: string;
  /** Set on system messages. */
  system: SystemEvent | null;
  clientMsgId: string | null;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
  replyTo: string | null;
  reply: ReplyPreview | null;
  reactions: Reaction[];
}

export interface Member extends PublicUser {
  role: 'owner' | 'member';
  online: boolean;
  lastSeenAt: number | null;
  joinedAt: number;
}

// ---------------------------------------------------------------------------------------------
// Room log events (server → client). Each carries roomId and seq; `at` is when it was logged.
// The same objects are pushed live and returned by `sync`, so a client has one apply function.
// ---------------------------------------------------------------------------------------------

interface LogBase {
  roomId: string;
  seq: number;
  at: number;
}
export interface MessageNewEvent extends LogBase {
  type: 'message:new';
  message: Message;
}
export interface MessageUpdatedEvent extends LogBase {
  type: 'message:updated';
  message: Message;
}
export interface MessageDeletedEvent extends LogBase {
  type: 'message:deleted';
  messageId: string;
}
export interface ReactionUpdatedEvent extends LogBase {
  type: 'reaction:updated';
  messageId: string;
  reactions: Reaction[];
}
export interface MemberJoinedEvent extends LogBase {
  type: 'room:member-joined';
  user: PublicUser;
  message: Message;
}
export interface MemberLeftEvent extends LogBase {
  type: 'room:member-left';
  userId: string;
  message: Message;
}
export interface RoomUpdatedEvent extends LogBase {
  type: 'room:updated';
  room: Room;
}

export type LogEvent =
  | MessageNewEvent
  | MessageUpdatedEvent
  | MessageDeletedEvent
  | ReactionUpdatedEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | RoomUpdatedEvent;
export type LogEventType = LogEvent['type'];

export const LOG_EVENT_TYPES = [
  'message:new',
  'message:updated',
  'message:deleted',
  'reaction:updated',
  'room:member-joined',
  'room:member-left',
  'room:updated',
] as const satisfies readonly LogEventType[];

// Ephemeral server → client events (not in the log).
export interface RoomAddedEvent {
  room: MyRoom;
}
export interface RoomDeletedEvent {
  roomId: string;
  reason: 'empty' | 'ended' | 'removed' | 'left';
}
export interface MatchFoundEvent {
  room: MyRoom;
}
export interface PresenceEvent {
  userId: string;
  online: boolean;
  lastSeenAt: number | null;
}
export interface TypingEvent {
  roomId: string;
  userId: string;
  typing: boolean;
}

export interface ServerToClientEvents {
  'message:new': (e: MessageNewEvent) => void;
  'message:updated': (e: MessageUpdatedEvent) => void;
  'message:deleted': (e: MessageDeletedEvent) => void;
  'reaction:updated': (e: ReactionUpdatedEvent) => void;
  'room:member-joined': (e: MemberJoinedEvent) => void;
  'room:member-left': (e: MemberLeftEvent) => void;
  'room:updated': (e: RoomUpdatedEvent) => void;
  'room:added': (e: RoomAddedEvent) => void;
  'room:deleted': (e: RoomDeletedEvent) => void;
  'match:found': (e: MatchFoundEvent) => void;
  presence: (e: PresenceEvent) => void;
  typing: (e: TypingEvent) => void;
}

// ---------------------------------------------------------------------------------------------
// Client → server requests: one schema per event, validated on the server before anything runs.
// ---------------------------------------------------------------------------------------------

export const idSchema = z.string().trim().min(1).max(64);
const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const roomNameSchema = z.string().trim().min(1).max(LIMITS.roomNameMax);
const maxMembersSchema = z.number().int().min(2).max(LIMITS.roomMembersMax);
const messageTextSchema = z
  .string()
  .max(LIMITS.messageTextMax, `messages are limited to ${LIMITS.messageTextMax} characters`)
  .refine((text) => text.trim().length > 0, 'message text must not be empty');
const emojiSchema = z.string().trim().min(1).max(LIMITS.emojiMax);
const empty = z.object({}).strict().optional();

export const requestSchemas = {
  'rooms:list': empty,
  'channels:list': empty,
  'room:join': z.object({ roomId: idSchema }).strict(),
  'room:leave': z.object({ roomId: idSchema }).strict(),
  'room:create': z
    .object({
      kind: z.enum(['channel', 'group']),
      name: roomNameSchema,
      memberIds: z.array(idSchema).max(LIMITS.roomMembersMax).optional(),
      maxMembers: maxMembersSchema.optional(),
    })
    .strict(),
  'room:members': z.object({ roomId: idSchema }).strict(),
  'room:add-member': z.object({ roomId: idSchema, userId: idSchema }).strict(),
  'room:remove-member': z.object({ roomId: idSchema, userId: idSchema }).strict(),
  'room:read': z.object({ roomId: idSchema, seq: seqSchema }).strict(),
  'dm:open': z.object({ userId: idSchema }).strict(),
  'code:create': z
    .object({ name: roomNameSchema.optional(), maxMembers: maxMembersSchema.optional() })
    .strict()
    .optional(),
  'code:join': z.object({ code: z.string().trim().min(1).max(32) }).strict(),
  'match:random': empty,
  'match:cancel': empty,
  'message:send': z
    .object({
      roomId: idSchema,
      clientMsgId: z.string().trim().min(1).max(LIMITS.clientMsgIdMax),
      text: messageTextSchema,
      replyTo: idSchema.optional(),
    })
    .strict(),
  'message:edit': z.object({ messageId: idSchema, text: messageTextSchema }).strict(),
  'message:delete': z.object({ messageId: idSchema }).strict(),
  'reaction:toggle': z.object({ messageId: idSchema, emoji: emojiSchema }).strict(),
  typing: z.object({ roomId: idSchema, typing: z.boolean() }).strict(),
  sync: z.object({ cursors: z.record(idSchema, seqSchema) }).strict(),
  'users:search': z.object({ query: z.string().trim().max(LIMITS.usernameMax) }).strict(),
} as const;

export type RequestEvent = keyof typeof requestSchemas;
export type RequestPayload<E extends RequestEvent> = z.infer<(typeof requestSchemas)[E]>;

/** What each request's successful ack carries besides `ok: true`. */
export interface ResponsePayloads {
  'rooms:list': { rooms: MyRoom[] };
  'channels:list': { channels: (Room & { joined: boolean })[] };
  'room:join': { room: MyRoom };
  'room:leave': Record<string, never>;
  'room:create': { room: MyRoom };
  'room:members': { members: Member[] };
  'room:add-member': { room: Room };
  'room:remove-member': { room: Room };
  'room:read': { lastReadSeq: number };
  'dm:open': { room: MyRoom };
  'code:create': { room: MyRoom; code: string };
  'code:join': { room: MyRoom };
  'match:random': { status: 'waiting' } | { status: 'matched'; room: MyRoom };
  'match:cancel': { cancelled: boolean };
  'message:send': { message: Message };
  'message:edit': { message: Message };
  'message:delete': { messageId: string };
  'reaction:toggle': { messageId: string; reactions: Reaction[] };
  typing: Record<string, never>;
  sync: SyncResult;
  'users:search': { users: (PublicUser & { online: boolean })[] };
}

export interface SyncResult {
  /** Log entries after each cursor, ordered by room and then seq. */
  events: LogEvent[];
  /** True when a page limit was reached: call `sync` again with the advanced cursors. */
  more: boolean;
  /** Rooms named in the cursors that this user can no longer read (deleted, left or removed). */
  gone: string[];
}

export type ClientToServerEvents = {
  [E in RequestEvent]: (
    payload: RequestPayload<E>,
    ack: (response: Ack<ResponsePayloads[E]>) => void,
  ) => void;
};

// ---------------------------------------------------------------------------------------------
// HTTP API bodies shared with the web client
// ---------------------------------------------------------------------------------------------

export const usernameInputSchema = z.string().trim().min(1).max(64);
export const credentialsSchema = z.object({
  username: usernameInputSchema,
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export const guestSchema = z.object({ username: usernameInputSchema });
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(LIMITS.passwordMax),
  newPassword: z.string().min(1).max(LIMITS.passwordMax),
});

export interface AuthResponse {
  user: PublicUser;
  token: string;
}

export interface HistoryPage {
  messages: Message[];
  /** Pass as `before` to fetch the next older page; null when the start of the room is reached. */
  nextBefore: number | null;
}
