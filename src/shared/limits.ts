/**
 * Limits and code lists both sides enforce or show. Plain constants, no dependencies: the web
 * bundle imports them without pulling in zod.
 */

/**
 * The protocol's version (docs/protocol.md, §13 History): the major changes when an older
 * client would break; the minor when something is added or tightened. The OpenAPI document of
 * the HTTP API carries it too.
 */
export const PROTOCOL_VERSION = '1.5';

export const LIMITS = {
  messageTextMax: 4000,
  usernameMin: 2,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 256,
  roomNameMax: 64,
  roomTopicMax: 250,
  roomDescriptionMax: 2000,
  moderationReasonMax: 500,
  /** A mute lasts at most a year; longer is a ban. */
  muteMinutesMax: 525_600,
  roomMembersMax: 1000,
  emojiMax: 64,
  clientMsgIdMax: 64,
  historyPageMax: 100,
  syncPageSize: 500,
  userSearchMax: 20,
  attachmentsPerMessage: 10,
  /** An upload must be sent in a message within this time of its upload, or it is deleted. */
  uploadAttachWindowMs: 60 * 60_000,
  /** The most uses one invite link may be given. */
  inviteUsesMax: 1000,
} as const;

/** Every error code an ack or an HTTP problem can carry: docs/protocol.md (Errors) says what each means. */
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

export const ROOM_KINDS = ['channel', 'dm', 'group', 'code', 'match'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

/** Server roles, highest first: admins run the server, moderators moderate every channel. */
export const SERVER_ROLES = ['admin', 'moderator', 'member', 'guest', 'bot'] as const;
/** Roles in a room: its owner names moderators; both moderate it. */
export const ROOM_ROLES = ['owner', 'moderator', 'member'] as const;

export const ATTACHMENT_KINDS = ['image', 'video', 'audio', 'file'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/**
 * Every type of room log event (entities.ts; protocol.ts checks the two agree): the
 * live-equals-replay test walks this list.
 */
export const LOG_EVENT_TYPES = [
  'message:new',
  'message:updated',
  'message:deleted',
  'reaction:updated',
  'room:member-joined',
  'room:member-left',
  'room:updated',
  'room:member-updated',
] as const;
