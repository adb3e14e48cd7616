/**
 * The Parley wire protocol: event names, payload schemas and the types built from them.
 *
 * This module is imported by the server and by the web client (to type what it sends and
 * receives). It holds no runtime dependencies — the zod schemas that validate payloads on the
 * server are in ./schemas.ts — so the browser bundle stays small. No Node or DOM APIs here.
 * docs/protocol.md explains the semantics; keep the two in step.
 */
import type { z } from 'zod';
import type { RequestSchemas } from './schemas.js';

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
  attachmentsPerMessage: 10,
  /** An upload must be sent in a message within this time of its upload, or it is deleted. */
  uploadAttachWindowMs: 60 * 60_000,
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
  /** With `rate_limited`: how long to wait before trying again. */
  retryAfterMs?: number;
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

export type AttachmentKind = 'image' | 'video' | 'audio' | 'file';

/** A file posted with a message. `url` and `thumbUrl` are same-origin paths needing the session. */
export interface Attachment {
  id: string;
  /** image, video and audio are shown inline; anything else is offered as a download. */
  kind: AttachmentKind;
  /** Detected from the file's bytes. */
  mime: string;
  name: string;
  size: number;
  /** Images: dimensions after orientation, so clients can lay out before loading. */
  width: number | null;
  height: number | null;
  thumb: { width: number; height: number } | null;
  url: string;
  thumbUrl: string | null;
}

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
  attachments: Attachment[];
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
// Client → server requests. Their payload schemas live in ./schemas.ts (zod, server-side
// validation); the payload types here are inferred from them, so the two cannot drift.
// ---------------------------------------------------------------------------------------------

export type RequestEvent = keyof RequestSchemas;
export type RequestPayload<E extends RequestEvent> = z.infer<RequestSchemas[E]>;

/** What each request's successful ack carries besides `ok: true`. */
export interface ResponsePayloads {
  /** `presence` covers the other member of each DM and match, so a sidebar can show dots at once. */
  'rooms:list': { rooms: MyRoom[]; presence: PresenceEvent[] };
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

export interface AuthResponse {
  user: PublicUser;
  token: string;
}

export interface HistoryPage {
  messages: Message[];
  /** Pass as `before` to fetch the next older page; null when the start of the room is reached. */
  nextBefore: number | null;
  /**
   * The room's log position when the page was read: the page reflects every change up to it.
   * A client whose cursor is already past it replays from here, so the page cannot undo a
   * newer edit or deletion it applied meanwhile.
   */
  lastSeq: number;
}
