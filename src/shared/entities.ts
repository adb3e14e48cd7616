/**
 * The wire entities — what the server sends — defined once, as zod schemas; their TypeScript
 * types are inferred from them (protocol.ts re-exports the types). The HTTP layer uses the
 * schemas for its OpenAPI document and response serializer; the web client imports only the
 * types, so zod stays out of its bundle.
 */
import { z } from 'zod';
import { ATTACHMENT_KINDS, ROOM_KINDS, ROOM_ROLES, SERVER_ROLES } from './limits.js';

const nullableNumber = z.number().nullable();

export const publicUserSchema = z.object({ id: z.string(), username: z.string(), guest: z.boolean() });
export type PublicUser = z.infer<typeof publicUserSchema>;

export const serverRoleSchema = z.enum(SERVER_ROLES);
export type ServerRole = z.infer<typeof serverRoleSchema>;
export const roomRoleSchema = z.enum(ROOM_ROLES);
export type RoomRole = z.infer<typeof roomRoleSchema>;

/**
 * What the server's settings and the user's role let them start, so the client offers only
 * that (the server decides each request again: domain/permissions.ts).
 */
export const selfRightsSchema = z.object({
  createRoom: z.boolean(),
  openDm: z.boolean(),
  createInvite: z.boolean(),
});
export type SelfRights = z.infer<typeof selfRightsSchema>;

/** A user with their server role: what sessions hold and presenters start from. */
export const rankedUserSchema = publicUserSchema.extend({ role: serverRoleSchema });
export type RankedUser = z.infer<typeof rankedUserSchema>;

/**
 * The signed-in user as they see themselves: with their server role (others do not see it)
 * and what they may start. `me:updated` brings a new one when either changes.
 */
export const selfSchema = rankedUserSchema.extend({ may: selfRightsSchema });
export type Self = z.infer<typeof selfSchema>;

/** An invite link as its creator and the admins see it; the token itself is shown once. */
export const inviteSchema = z.object({
  id: z.string(),
  /** Null when the creating account is gone. */
  createdBy: publicUserSchema.nullable(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  maxUses: z.number().nullable(),
  uses: z.number(),
  revokedAt: z.number().nullable(),
  /**
   * Whether it still lets someone in, and if not, why. 'lapsed': its creator may no longer
   * invite (demoted, deactivated, or members may no longer invite); it works again if they may.
   */
  state: z.enum(['active', 'expired', 'used-up', 'revoked', 'lapsed']),
  /** Who registered with it, in order. */
  usedBy: z.array(z.object({ user: publicUserSchema, usedAt: z.number() })),
});
export type Invite = z.infer<typeof inviteSchema>;

export const roomSchema = z.object({
  id: z.string(),
  kind: z.enum(ROOM_KINDS),
  /** Null for DMs and matches: clients show the other member instead. */
  name: z.string().nullable(),
  ownerId: z.string().nullable(),
  maxMembers: nullableNumber,
  memberCount: z.number(),
  /** Highest log sequence number of the room when this snapshot was taken. */
  lastSeq: z.number(),
  createdAt: z.number(),
  /** Join code, present only on code rooms and only for their members. */
  code: z.string().nullable(),
  /** For DMs and matches: the other member. */
  peer: publicUserSchema.nullable(),
  /** One line under the name, set by the room's moderators. */
  topic: z.string().nullable(),
  /** What the room is for, at more length. */
  description: z.string().nullable(),
  /** Announcements: only the room's moderators post (docs/administration.md). */
  readOnly: z.boolean(),
  /** Kept for its history: nobody posts, and the channel is not listed in the directory. */
  archived: z.boolean(),
});
export type Room = z.infer<typeof roomSchema>;

/** A room as seen by one of its members: adds that member's read position. */
export const myRoomSchema = roomSchema.extend({
  lastReadSeq: z.number(),
  unread: z.number(),
  /** The member's own role in the room. */
  myRole: roomRoleSchema,
  /** Until when the member may not post or react here (ms since the epoch); null when not muted. */
  mutedUntil: nullableNumber,
});
export type MyRoom = z.infer<typeof myRoomSchema>;

/** A channel in the directory: adds whether the viewer is in it. */
export const channelSchema = roomSchema.extend({ joined: z.boolean() });

export const reactionSchema = z.object({ emoji: z.string(), userIds: z.array(z.string()) });
export type Reaction = z.infer<typeof reactionSchema>;

export const replyPreviewSchema = z.object({
  id: z.string(),
  author: publicUserSchema.nullable(),
  /** First characters of the quoted text; empty when the quoted message was deleted. */
  text: z.string(),
  deleted: z.boolean(),
});
export type ReplyPreview = z.infer<typeof replyPreviewSchema>;

export const SYSTEM_EVENTS = ['joined', 'left'] as const;
export type SystemEvent = (typeof SYSTEM_EVENTS)[number];

/** A file posted with a message. `url` and `thumbUrl` are same-origin paths needing the session. */
export const attachmentSchema = z.object({
  id: z.string(),
  /** image, video and audio are shown inline; anything else is offered as a download. */
  kind: z.enum(ATTACHMENT_KINDS),
  /** Detected from the file's bytes. */
  mime: z.string(),
  name: z.string(),
  size: z.number(),
  /** Images: dimensions after orientation, so clients can lay out before loading. */
  width: nullableNumber,
  height: nullableNumber,
  thumb: z.object({ width: z.number(), height: z.number() }).nullable(),
  url: z.string(),
  thumbUrl: z.string().nullable(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const messageSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  /** The room-log position at which the message was created. */
  seq: z.number(),
  kind: z.enum(['user', 'system']),
  /** The writer; for system messages, the member the line is about. */
  author: publicUserSchema.nullable(),
  text: z.string(),
  /** Set on system messages. */
  system: z.enum(SYSTEM_EVENTS).nullable(),
  clientMsgId: z.string().nullable(),
  createdAt: z.number(),
  editedAt: nullableNumber,
  deletedAt: nullableNumber,
  replyTo: z.string().nullable(),
  reply: replyPreviewSchema.nullable(),
  reactions: z.array(reactionSchema),
  attachments: z.array(attachmentSchema),
});
export type Message = z.infer<typeof messageSchema>;

/** One message a search found, with where it is (GET /api/search; docs/search.md). */
export const searchHitSchema = z.object({
  message: messageSchema,
  room: z.object({
    id: z.string(),
    kind: z.enum(ROOM_KINDS),
    /** Null for DMs and matches: show `peer`. */
    name: z.string().nullable(),
    peer: publicUserSchema.nullable(),
    /** False for a public channel the searcher has not joined (asked for with `publicChannels`). */
    joined: z.boolean(),
  }),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultsSchema = z.object({
  hits: z.array(searchHitSchema),
  /** How many messages match in all, counted up to 1000 (`totalCapped`: "1,000+"). */
  total: z.number(),
  totalCapped: z.boolean(),
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: z.string().nullable(),
  /**
   * What to highlight in each hit: the query's words and phrases (not its exclusions or
   * filters), lower-cased and without accents, as the search compared them.
   */
  highlight: z.array(z.string()),
});
export type SearchResults = z.infer<typeof searchResultsSchema>;

export const memberSchema = publicUserSchema.extend({
  role: roomRoleSchema,
  online: z.boolean(),
  lastSeenAt: nullableNumber,
  joinedAt: z.number(),
  /** Muted in this room until then (ms since the epoch); null when not. */
  mutedUntil: nullableNumber,
});
export type Member = z.infer<typeof memberSchema>;

/** A reported message as its moderators see it: in context, with who reported it and why. */
export const reportSchema = z.object({
  id: z.string(),
  reason: z.string(),
  createdAt: z.number(),
  status: z.enum(['open', 'dismissed', 'actioned']),
  /** What was done: 'dismissed', 'deleted', 'muted' or 'banned'; null while open. */
  resolution: z.string().nullable(),
  reporter: publicUserSchema.nullable(),
  room: z.object({ id: z.string(), kind: z.enum(ROOM_KINDS), name: z.string().nullable() }),
  /** Null once the message was deleted. */
  message: messageSchema.nullable(),
  /** The messages just before and after it, oldest first, the reported one among them. */
  context: z.array(messageSchema),
});
export type Report = z.infer<typeof reportSchema>;

/** One of the caller's own sessions: a browser or app signed in as them (GET /api/me/sessions). */
export const sessionInfoSchema = z.object({
  /** Opaque, and unrelated to the session's token: names it in DELETE /api/me/sessions/:id. */
  id: z.string(),
  /** The session the request was made with: "this device". */
  current: z.boolean(),
  /** Summarised from the user agent, e.g. "Chrome on Linux"; null when none is known. */
  device: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** The client address it was last used from, as the server sees it. */
  address: z.string().nullable(),
  createdAt: z.number(),
  /** When it was last used, to about a minute; null if not used since the server began recording it. */
  lastActiveAt: nullableNumber,
  expiresAt: z.number(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/** A person as the admin page lists them (docs/protocol.md §12). */
export const adminUserSchema = publicUserSchema.extend({
  role: serverRoleSchema,
  online: z.boolean(),
  createdAt: z.number(),
  lastSeenAt: nullableNumber,
  deactivated: z.boolean(),
});
export type AdminUser = z.infer<typeof adminUserSchema>;

const countsSchema = z.record(z.string(), z.number());
/** The admin page's dashboard. */
export const dashboardSchema = z.object({
  onlineNow: z.number(),
  users: z.object({ total: z.number(), byRole: countsSchema }),
  rooms: countsSchema,
  /** The last 30 UTC days, oldest first; `date` is YYYY-MM-DD. */
  messagesPerDay: z.array(z.object({ date: z.string(), messages: z.number() })),
  uploads: z.object({ count: z.number(), bytes: z.number() }),
  databaseBytes: z.number(),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

/** A name or an address kept out of guest sign-ins (the admin page). */
export const guestBanSchema = z.object({
  id: z.string(),
  kind: z.enum(['name', 'address']),
  label: z.string(),
  reason: z.string().nullable(),
  createdAt: z.number(),
});
export type GuestBan = z.infer<typeof guestBanSchema>;

/** A room as the admin page lists it (not DMs or matches: those are their two people's). */
export const adminRoomSchema = z.object({
  id: z.string(),
  kind: z.enum(ROOM_KINDS),
  name: z.string().nullable(),
  owner: publicUserSchema.nullable(),
  memberCount: z.number(),
  archived: z.boolean(),
  createdAt: z.number(),
});
export type AdminRoom = z.infer<typeof adminRoomSchema>;

/** One entry of the audit log: who did what to whom, when and why. */
export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.number(),
  action: z.string(),
  actor: publicUserSchema.nullable(),
  target: publicUserSchema.nullable(),
  roomId: z.string().nullable(),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

// ---------------------------------------------------------------------------------------------
// Room log events (server → client). Each carries roomId and seq; `at` is when it was logged.
// The same objects are pushed live and returned by `sync`, so a client has one apply function;
// the server builds them in one place (src/server/presenters/log-events.ts).
// ---------------------------------------------------------------------------------------------

const logBase = z.object({ roomId: z.string(), seq: z.number(), at: z.number() });

export const messageNewEventSchema = logBase.extend({
  type: z.literal('message:new'),
  message: messageSchema,
});
export const messageUpdatedEventSchema = logBase.extend({
  type: z.literal('message:updated'),
  message: messageSchema,
});
export const messageDeletedEventSchema = logBase.extend({
  type: z.literal('message:deleted'),
  messageId: z.string(),
});
export const reactionUpdatedEventSchema = logBase.extend({
  type: z.literal('reaction:updated'),
  messageId: z.string(),
  reactions: z.array(reactionSchema),
});
export const memberJoinedEventSchema = logBase.extend({
  type: z.literal('room:member-joined'),
  user: publicUserSchema,
  message: messageSchema,
});
export const memberLeftEventSchema = logBase.extend({
  type: z.literal('room:member-left'),
  userId: z.string(),
  message: messageSchema,
});
export const roomUpdatedEventSchema = logBase.extend({ type: z.literal('room:updated'), room: roomSchema });
/** A member's standing in the room changed: their room role, or a mute (moderation). */
export const memberUpdatedEventSchema = logBase.extend({
  type: z.literal('room:member-updated'),
  userId: z.string(),
  role: roomRoleSchema,
  /** Until when they may not post or react (ms since the epoch); null when not muted. */
  mutedUntil: nullableNumber,
});

export const logEventSchema = z.discriminatedUnion('type', [
  messageNewEventSchema,
  messageUpdatedEventSchema,
  messageDeletedEventSchema,
  reactionUpdatedEventSchema,
  memberJoinedEventSchema,
  memberLeftEventSchema,
  roomUpdatedEventSchema,
  memberUpdatedEventSchema,
]);
export type MessageNewEvent = z.infer<typeof messageNewEventSchema>;
export type MessageUpdatedEvent = z.infer<typeof messageUpdatedEventSchema>;
export type MessageDeletedEvent = z.infer<typeof messageDeletedEventSchema>;
export type ReactionUpdatedEvent = z.infer<typeof reactionUpdatedEventSchema>;
export type MemberJoinedEvent = z.infer<typeof memberJoinedEventSchema>;
export type MemberLeftEvent = z.infer<typeof memberLeftEventSchema>;
export type RoomUpdatedEvent = z.infer<typeof roomUpdatedEventSchema>;
export type MemberUpdatedEvent = z.infer<typeof memberUpdatedEventSchema>;
export type LogEvent = z.infer<typeof logEventSchema>;
