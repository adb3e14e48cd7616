/**
 * Zod schemas for every client → server payload and HTTP body. The server validates with them
 * before anything else runs; protocol.ts infers the payload types from them.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';

// Ids and client ids are opaque, but never contain control characters (PostgreSQL refuses NUL).
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001F\u007F]*$/;
export const idSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters');
const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const roomNameSchema = z.string().trim().min(1).max(LIMITS.roomNameMax);
const maxMembersSchema = z.number().int().min(2).max(LIMITS.roomMembersMax);
const messageTextSchema = z
  .string()
  .max(LIMITS.messageTextMax, `messages are limited to ${LIMITS.messageTextMax} characters`)
  .refine((text) => text.trim().length > 0, 'message text must not be empty');
const emojiSchema = z.string().trim().min(1).max(LIMITS.emojiMax);
const empty = z.object({}).strict().optional();
/** Why a moderator did it: shown to the person it was done to, and kept in the audit log. */
const reasonSchema = z.string().trim().max(LIMITS.moderationReasonMax);
/** A topic or description: plain text, one paragraph or a few; empty clears it. */
const roomTextSchema = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .regex(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters (newlines stay) is the point
      /^[^\u0000-\u0009\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]*$/,
      'must not contain control characters',
    );

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
  // Moderation (docs/administration.md): who may is the permission table's to say.
  'room:kick': z.object({ roomId: idSchema, userId: idSchema, reason: reasonSchema.optional() }).strict(),
  'room:ban': z.object({ roomId: idSchema, userId: idSchema, reason: reasonSchema.optional() }).strict(),
  'room:unban': z.object({ roomId: idSchema, userId: idSchema }).strict(),
  'room:bans': z.object({ roomId: idSchema }).strict(),
  'room:mute': z
    .object({
      roomId: idSchema,
      userId: idSchema,
      minutes: z.number().int().min(1).max(LIMITS.muteMinutesMax),
      reason: reasonSchema.optional(),
    })
    .strict(),
  'room:unmute': z.object({ roomId: idSchema, userId: idSchema }).strict(),
  'room:set-role': z
    .object({ roomId: idSchema, userId: idSchema, role: z.enum(['moderator', 'member']) })
    .strict(),
  'room:update': z
    .object({
      roomId: idSchema,
      name: roomNameSchema.optional(),
      topic: roomTextSchema(LIMITS.roomTopicMax).nullable().optional(),
      description: roomTextSchema(LIMITS.roomDescriptionMax).nullable().optional(),
      readOnly: z.boolean().optional(),
      archived: z.boolean().optional(),
    })
    .strict()
    .refine((u) => Object.keys(u).length > 1, { message: 'nothing to change' }),
  'message:report': z
    .object({ messageId: idSchema, reason: reasonSchema.min(1, 'say what is wrong') })
    .strict(),
  'reports:list': z
    .object({ status: z.enum(['open', 'all']).optional() })
    .strict()
    .optional(),
  'report:resolve': z
    .object({
      reportId: idSchema,
      action: z.enum(['dismiss', 'delete', 'mute', 'ban']),
      /** For `mute`: how long. */
      minutes: z.number().int().min(1).max(LIMITS.muteMinutesMax).optional(),
    })
    .strict()
    .refine((r) => r.action !== 'mute' || r.minutes !== undefined, {
      message: 'say for how long to mute',
      path: ['minutes'],
    }),
  'room:read': z.object({ roomId: idSchema, seq: seqSchema }).strict(),
  'room:unread': z.object({ roomId: idSchema, seq: seqSchema }).strict(),
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
      attachmentIds: z
        .array(idSchema)
        .max(LIMITS.attachmentsPerMessage)
        .refine((ids) => new Set(ids).size === ids.length, 'each attachment may be sent once')
        .optional(),
      clientMsgId: z
        .string()
        .trim()
        .min(1)
        .max(LIMITS.clientMsgIdMax)
        .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
      text: z
        .string()
        .max(LIMITS.messageTextMax, `messages are limited to ${LIMITS.messageTextMax} characters`),
      replyTo: idSchema.optional(),
    })
    .strict()
    .refine((m) => m.text.trim().length > 0 || (m.attachmentIds?.length ?? 0) > 0, {
      message: 'message text must not be empty',
      path: ['text'],
    }),
  'message:edit': z.object({ messageId: idSchema, text: messageTextSchema }).strict(),
  'message:delete': z.object({ messageId: idSchema }).strict(),
  'reaction:toggle': z.object({ messageId: idSchema, emoji: emojiSchema }).strict(),
  typing: z.object({ roomId: idSchema, typing: z.boolean() }).strict(),
  sync: z.object({ cursors: z.record(idSchema, seqSchema) }).strict(),
  'users:search': z.object({ query: z.string().trim().max(LIMITS.usernameMax) }).strict(),
} as const;

export type RequestSchemas = typeof requestSchemas;

// HTTP bodies.

export const usernameInputSchema = z.string().trim().min(1).max(64);

/** A day as `YYYY-MM-DD` (the searcher's calendar day; the client sends its UTC offset). */
const dayFilterSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'is not a date (YYYY-MM-DD)');

/**
 * GET /api/search. `q` holds the words and may hold the filters too (`in:#room`, `from:@user`,
 * `has:`, `before:`, `after:`, `on:`, `is:mention`); the parameters below are the same filters
 * picked in the UI, and count together with the typed ones.
 */
export const searchQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(500).regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
    room: idSchema.optional(),
    from: idSchema.optional(),
    has: z.enum(['file', 'image', 'link']).optional(),
    before: dayFilterSchema.optional(),
    after: dayFilterSchema.optional(),
    on: dayFilterSchema.optional(),
    /** Minutes east of UTC of the searcher's calendar (what `before:` and `on:` days mean). */
    tz: z.coerce.number().int().min(-840).max(840).default(0),
    /** By relevance: the 1,000 newest matches, best first (docs/search.md). */
    order: z.enum(['newest', 'relevance']).default('newest'),
    /** Also public channels the searcher has not joined. */
    publicChannels: z.enum(['0', '1']).default('0'),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();
export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** Who may register: anyone, only with an invite link, or nobody (docs/administration.md). */
export const signupPolicySchema = z.enum(['open', 'invite', 'closed']);
export type SignupPolicy = z.infer<typeof signupPolicySchema>;

/**
 * A rate an admin sets: at most `count` in any `perSeconds` seconds, taken in a burst or spread
 * out (a token bucket of `count` tokens refilled over `perSeconds`).
 */
export const rateSettingSchema = z
  .object({
    count: z.number().int().min(1).max(10_000),
    perSeconds: z.number().int().min(1).max(86_400),
  })
  .strict();
export type RateSetting = z.infer<typeof rateSettingSchema>;

/** What an admin decides at runtime (GET/PUT /api/admin/settings). */
export const serverSettingsSchema = z.object({
  signupPolicy: signupPolicySchema,
  guestsAllowed: z.boolean(),
  guestsMayOpenDms: z.boolean(),
  guestsMayCreateRooms: z.boolean(),
  membersMayInvite: z.boolean(),
  /** Messages, per user. */
  messageRate: rateSettingSchema,
  /** File uploads, per user. */
  uploadRate: rateSettingSchema,
  /** New channels, groups and code rooms, per user. */
  roomCreationRate: rateSettingSchema,
  /** New accounts and guest names, per address (an IPv6 address by its /64). */
  signupRate: rateSettingSchema,
  /** The largest file one may upload; never above the operator's UPLOAD_MAX_BYTES. */
  uploadMaxBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024),
});
export type ServerSettings = z.infer<typeof serverSettingsSchema>;
/** A change: only the settings given change. */
export const settingsChangeSchema = serverSettingsSchema.partial().strict();

/** What the sign-in screen may offer (GET /api/auth/options). */
export const signInOptionsSchema = z.object({
  /** No account exists yet: the next one registered becomes the server's admin. */
  firstAccountIsAdmin: z.boolean(),
  /** 'invite': registering needs an invite link; 'closed': nobody registers (but the first account). */
  signupPolicy: signupPolicySchema,
  guestsAllowed: z.boolean(),
});
export type SignInOptions = z.infer<typeof signInOptionsSchema>;

/** The secret part of an invite link (`/#/invite/<token>`). */
export const inviteTokenSchema = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not an invite');
/** POST /api/invites: both limits are optional (no expiry, any number of uses). */
export const inviteCreateSchema = z
  .object({
    expiresInHours: z
      .number()
      .positive()
      .max(24 * 365)
      .nullable()
      .optional(),
    maxUses: z.number().int().min(1).max(LIMITS.inviteUsesMax).nullable().optional(),
  })
  .strict();

export const credentialsSchema = z.object({
  username: usernameInputSchema,
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export const registerSchema = credentialsSchema.extend({ inviteToken: inviteTokenSchema.optional() });
export const guestSchema = z.object({ username: usernameInputSchema });
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(LIMITS.passwordMax),
  newPassword: z.string().min(1).max(LIMITS.passwordMax),
});
/** A session's public id in a path, as GET /api/me/sessions lists it. */
export const sessionIdSchema = z.uuid({ error: 'must be a session id as GET /api/me/sessions lists them' });
/** A one-time sign-in link's token (the part after `#/sign-in/`) and the password to set. */
export const signInLinkSchema = z.object({
  token: z.string().min(1).max(200),
  newPassword: z.string().min(1).max(LIMITS.passwordMax),
});
