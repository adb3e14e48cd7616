import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LIMITS } from '../../../shared/protocol.js';
import { idSchema } from '../../../shared/schemas.js';
import { badRequest } from '../../domain/errors.js';
import type { HistoryPoint, HistoryService } from '../../services/history.js';
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
          'History, newest first in every variant. Without a cursor, the newest messages. `before` pages back, `after` pages forward; `around` (a seq) or `aroundMessage` (a message id, as a link carries it) returns the messages on both sides of that point, the one at it included. Pass `nextBefore` as `before` and `nextAfter` as `after` to page on; each is null at its end. One of `before`, `after`, `around`, `aroundMessage` at most. Members only.',
        params: z.object({ roomId: idSchema }),
        querystring: z.object({
          before: z.coerce.number().int().min(1).optional(),
          after: z.coerce.number().int().min(0).optional(),
          around: z.coerce.number().int().min(1).optional(),
          aroundMessage: idSchema.optional(),
          limit: z.coerce.number().int().min(1).max(LIMITS.historyPageMax).default(50),
        }),
        response: {
          200: z.object({
            messages: z.array(messageSchema),
            nextBefore: z.number().nullable(),
            nextAfter: z.number().nullable(),
            lastSeq: z.number(),
          }),
          ...problems,
        },
      },
    },
    async (request) => {
      const { limit, ...cursors } = request.query;
      return opts.history.history(
        requireSession(request).user.id,
        request.params.roomId,
        historyPoint(cursors),
        limit,
      );
    },
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

/** The one cursor a history request may carry: two would ask for two different pages. */
function historyPoint(query: {
  before?: number | undefined;
  after?: number | undefined;
  around?: number | undefined;
  aroundMessage?: string | undefined;
}): HistoryPoint {
  const given = Object.entries(query).filter(([, value]) => value !== undefined);
  if (given.length > 1) {
    throw badRequest(
      `give one of before, after, around and aroundMessage, not ${given.map(([k]) => k).join(' and ')}`,
    );
  }
  const { before, after, around, aroundMessage } = query;
  if (after !== undefined) return { after };
  if (around !== undefined) return { around };
  if (aroundMessage !== undefined) return { aroundMessage };
  return before;
}
