import { z } from 'zod';
import type { Attachment, Member, Message, MyRoom, PublicUser, Room } from '../../shared/protocol.js';
import { ROOM_KINDS } from '../../shared/protocol.js';

/**
 * Response shapes for the OpenAPI document and the response serializer. They mirror the wire
 * types in src/shared/protocol.ts; the type checker holds the two together, because every route
 * returns the shared types through these schemas.
 */
export const publicUserSchema = z.object({ id: z.string(), username: z.string(), guest: z.boolean() });

export const authResponseSchema = z.object({ user: publicUserSchema, token: z.string() });

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  code: z.string(),
  detail: z.string(),
});

export const roomSchema = z.object({
  id: z.string(),
  kind: z.enum(ROOM_KINDS),
  name: z.string().nullable(),
  ownerId: z.string().nullable(),
  maxMembers: z.number().nullable(),
  memberCount: z.number(),
  lastSeq: z.number(),
  createdAt: z.number(),
  code: z.string().nullable(),
  peer: publicUserSchema.nullable(),
});

export const myRoomSchema = roomSchema.extend({ lastReadSeq: z.number(), unread: z.number() });
export const channelSchema = roomSchema.extend({ joined: z.boolean() });

export const attachmentSchema = z.object({
  id: z.string(),
  kind: z.enum(['image', 'video', 'audio', 'file']),
  mime: z.string(),
  name: z.string(),
  size: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  thumb: z.object({ width: z.number(), height: z.number() }).nullable(),
  url: z.string(),
  thumbUrl: z.string().nullable(),
});

export const messageSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  seq: z.number(),
  kind: z.enum(['user', 'system']),
  author: publicUserSchema.nullable(),
  text: z.string(),
  system: z.enum(['joined', 'left']).nullable(),
  clientMsgId: z.string().nullable(),
  createdAt: z.number(),
  editedAt: z.number().nullable(),
  deletedAt: z.number().nullable(),
  replyTo: z.string().nullable(),
  reply: z
    .object({ id: z.string(), author: publicUserSchema.nullable(), text: z.string(), deleted: z.boolean() })
    .nullable(),
  reactions: z.array(z.object({ emoji: z.string(), userIds: z.array(z.string()) })),
  attachments: z.array(attachmentSchema),
});

export const memberSchema = publicUserSchema.extend({
  role: z.enum(['owner', 'member']),
  online: z.boolean(),
  lastSeenAt: z.number().nullable(),
  joinedAt: z.number(),
});

export const problems = {
  400: problemSchema,
  401: problemSchema,
  404: problemSchema,
  409: problemSchema,
  429: problemSchema,
};

// The schemas above repeat the wire types of src/shared/protocol.ts for the OpenAPI document
// and the response serializer — which drops any field a schema lacks. These checks fail to
// compile as soon as the two disagree, so a field added to a type cannot silently vanish
// from HTTP responses.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agrees = <T extends true>(value: T) => value;
agrees<Same<z.infer<typeof publicUserSchema>, PublicUser>>(true);
agrees<Same<z.infer<typeof roomSchema>, Room>>(true);
agrees<Same<z.infer<typeof myRoomSchema>, MyRoom>>(true);
agrees<Same<z.infer<typeof attachmentSchema>, Attachment>>(true);
agrees<Same<z.infer<typeof messageSchema>, Message>>(true);
agrees<Same<z.infer<typeof memberSchema>, Member>>(true);
