/**
 * The Parley wire protocol: event names, payload types, and what each request answers.
 *
 * Imported by the server and by the web client. The wire entities are zod schemas in
 * ./entities.ts and the request payloads zod schemas in ./schemas.ts; the types here are
 * inferred from them, so a type and its validator cannot drift. This module itself holds
 * types and plain constants only (./limits.ts), so the browser bundle stays small. No Node or
 * DOM APIs here. docs/protocol.md explains the semantics; keep the two in step.
 */
import type { z } from 'zod';
import type { ErrorCode, LOG_EVENT_TYPES } from './limits.js';
import type { RequestSchemas } from './schemas.js';

// The wire entities and log events, as types (their zod schemas stay out of the web bundle).
export type * from './entities.js';
export type { AttachmentKind, ErrorCode, RoomKind } from './limits.js';
export {
  ATTACHMENT_KINDS,
  ERROR_CODES,
  LIMITS,
  LOG_EVENT_TYPES,
  PROTOCOL_VERSION,
  ROOM_KINDS,
} from './limits.js';

import type {
  LogEvent,
  Member,
  Message,
  MyRoom,
  PublicUser,
  Reaction,
  Report,
  Room,
  Self,
} from './entities.js';

export type LogEventType = LogEvent['type'];

// LOG_EVENT_TYPES names every log event type, and nothing else: this fails to compile otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const LOG_EVENT_TYPES_COMPLETE: Same<LogEventType, (typeof LOG_EVENT_TYPES)[number]> = true;

// ---------------------------------------------------------------------------------------------
// Errors and acknowledgements
// ---------------------------------------------------------------------------------------------

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** With `rate_limited`: how long to wait before trying again. */
  retryAfterMs?: number;
  /** The request field the refusal is about (`username`, `password`, `name`…), when there is one. */
  field?: string;
}

/** Every client → server event is acknowledged with one of these. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

// Ephemeral server → client events (not in the log).
export interface RoomAddedEvent {
  room: MyRoom;
}
export interface RoomDeletedEvent {
  roomId: string;
  reason: 'empty' | 'ended' | 'removed' | 'banned' | 'deleted' | 'left';
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

/** One listener per room log event type, each taking its own event: derived from the union. */
type LogEventListeners = { [E in LogEvent as E['type']]: (e: E) => void };

export interface ServerToClientEvents extends LogEventListeners {
  'room:added': (e: RoomAddedEvent) => void;
  'room:deleted': (e: RoomDeletedEvent) => void;
  'match:found': (e: MatchFoundEvent) => void;
  presence: (e: PresenceEvent) => void;
  typing: (e: TypingEvent) => void;
  /** A report you filed was handled (docs/administration.md). */
  'report:handled': (e: ReportHandledEvent) => void;
  /**
   * How you see yourself: sent on every connection, and again when your role or what the
   * server's settings let you start changes.
   */
  'me:updated': (e: { user: Self }) => void;
}
export interface ReportHandledEvent {
  reportId: string;
  messageId: string;
  resolution: string;
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
  'room:kick': Record<string, never>;
  'room:ban': Record<string, never>;
  'room:unban': Record<string, never>;
  'room:bans': { bans: { user: PublicUser; reason: string | null; at: number }[] };
  'room:mute': { mutedUntil: number };
  'room:unmute': Record<string, never>;
  'room:set-role': Record<string, never>;
  'room:update': { room: Room };
  'message:report': { reportId: string };
  'reports:list': { reports: Report[] };
  'report:resolve': { report: Report };
  'room:read': { lastReadSeq: number };
  /** The read position set back to just before `seq`, and the unread count that leaves. */
  'room:unread': { lastReadSeq: number; unread: number };
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
  user: Self;
  token: string;
}

export interface HistoryPage {
  messages: Message[];
  /** Pass as `before` to fetch the next older page; null when the start of the room is reached. */
  nextBefore: number | null;
  /** Pass as `after` to fetch the next newer page; null when the page reaches the newest message. */
  nextAfter: number | null;
  /**
   * The room's log position when the page was read: the page reflects every change up to it.
   * A client whose cursor is already past it replays from here, so the page cannot undo a
   * newer edit or deletion it applied meanwhile.
   */
  lastSeq: number;
}
