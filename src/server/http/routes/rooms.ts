import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LIMITS } from '../../../shared/protocol.js';
import { idSchema } from '../../../shared/schemas.js';
import type { HistoryService } from '../../services/history.js';
import type { People } from '../../services/people.js';
import type { RoomReads } from '../../services/room-reads.js';
import {
  channelSchema,
  memberSchema,
  messageSchema,
  myRoomSchema,
  problems,
  publicUserSchema,
} from '../schemas.js';
import { requireSession } from '../session.js';

export interface RoomRoutesOptions {
  rooms: RoomReads;
  history: HistoryService;
  people: People;
}

/** Read-only views over HTTP; every change goes over the socket so it is broadcast. */
export async function roomRoutes(app: FastifyInstance, opts: RoomRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['rooms'];

  api.get(
    '/api/rooms',
    {
      schema: {
        tags,
        description: 'Rooms the caller is a member of, with read positions and unread counts.',
        response: { 200: z.object({ rooms: z.array(myRoomSchema) }), ...problems },
      },
    },
    async (request) => ({ rooms: await opts.rooms.listMine(requireSession(request).user.id) }),
  );

  api.get(
    '/api/channels',
    {
      schema: {
        tags,
        description: 'Every public channel, with whether the caller has joined it.',
        response: { 200: z.object({ channels: z.array(channelSchema) }), ...problems },
      },
    },
    async (request) => ({ channels: await opts.rooms.listChannels(requireSession(request).user.id) }),
  );

  api.get(
    '/api/rooms/:roomId/messages',
    {
      schema: {
        tags,
        description:
          'History, newest first. Pass the returned `nextBefore` as `before` to page further back. Members only.',
        params: z.object({ roomId: idSchema }),
        querystring: z.object({
          before: z.coerce.number().int().min(1).optional(),
          limit: z.coerce.number().int().min(1).max(LIMITS.historyPageMax).default(50),
        }),
        response: {
          200: z.object({
            messages: z.array(messageSchema),
            nextBefore: z.number().nullable(),
            lastSeq: z.number(),
          }),
          ...problems,
        },
      },
    },
    async (request) =>
      opts.history.history(
        requireSession(request).user.id,
        request.params.roomId,
        request.query.before,
        request.query.limit,
      ),
  );

  api.get(
    '/api/rooms/:roomId/members',
    {
      schema: {
        tags,
        params: z.object({ roomId: idSchema }),
        response: {
          200: z.object({ members: z.array(memberSchema) }),
          ...problems,
        },
      },
    },
    async (request) => ({
      members: await opts.rooms.members(requireSession(request).user.id, request.params.roomId),
    }),
  );

  api.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        description: 'Find people by the start of their name, to open a DM or build a group.',
        querystring: z.object({ query: z.string().trim().max(LIMITS.usernameMax) }),
        response: {
          200: z.object({ users: z.array(publicUserSchema.extend({ online: z.boolean() })) }),
          ...problems,
        },
      },
    },
    async (request) => ({
      users: await opts.people.search(requireSession(request).user.id, request.query.query),
    }),
  );
}
