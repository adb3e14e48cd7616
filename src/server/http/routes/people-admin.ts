import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  adminRoomSchema,
  adminUserSchema,
  dashboardSchema,
  guestBanSchema,
} from '../../../shared/entities.js';
import { idSchema } from '../../../shared/schemas.js';
import type { GuestBans } from '../../services/guest-bans.js';
import type { RoomAdmin } from '../../services/room-admin.js';
import { signInLinkUrl } from '../../services/sign-in-links.js';
import type { UserAdmin } from '../../services/user-admin.js';
import { problemSchema, problems } from '../schemas.js';
import { requireSession } from '../session.js';

export interface PeopleAdminRoutesOptions {
  userAdmin: UserAdmin;
  roomAdmin: RoomAdmin;
  guestBans: GuestBans;
  /** The link's origin: PUBLIC_URL, else the address the admin reached the server at. */
  publicUrl: string | undefined;
  /** Disconnects the sockets of revoked sessions, on every node. */
  revokeSockets(sessionIds: string[]): void;
}

/**
 * The admin page's people and dashboard (docs/administration.md). Listing and the dashboard
 * are for admins and moderators; changing someone, and sign-in links, for admins. The
 * permission table decides in the service; refusals are 403, a missing session 401.
 */
export async function peopleAdminRoutes(app: FastifyInstance, opts: PeopleAdminRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  const refusals = { ...problems, 403: problemSchema };
  const params = z.object({ id: idSchema });

  api.get(
    '/api/admin/users',
    {
      schema: {
        tags,
        description: 'People on this server, newest first, or those whose name starts with `query`.',
        querystring: z
          .object({
            query: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .strict(),
        response: { 200: z.object({ users: z.array(adminUserSchema) }), ...refusals },
      },
    },
    async (request) => ({
      users: await opts.userAdmin.list(
        requireSession(request).user.id,
        request.query.query,
        request.query.limit,
      ),
    }),
  );

  api.patch(
    '/api/admin/users/:id',
    {
      schema: {
        tags,
        description:
          'Changes an account’s server role or deactivates (or reactivates) it. Deactivating ends its sessions and closes its connections on every node. The last active admin stays. Admins only.',
        params,
        body: z
          .object({
            role: z.enum(['admin', 'moderator', 'member']).optional(),
            deactivated: z.boolean().optional(),
          })
          .strict()
          .refine((b) => b.role !== undefined || b.deactivated !== undefined, {
            message: 'nothing to change',
          }),
        response: { 200: z.object({ user: adminUserSchema }), ...refusals },
      },
    },
    async (request) => {
      const { user, revokedSessions } = await opts.userAdmin.update(
        requireSession(request).user.id,
        request.params.id,
        request.body,
      );
      opts.revokeSockets(revokedSessions);
      return { user };
    },
  );

  api.post(
    '/api/admin/users/:id/sign-in-link',
    {
      schema: {
        tags,
        description:
          'A one-time sign-in link for someone who lost their password: it works once, for 24 hours, and makes them set a new one. Admins only.',
        params,
        response: { 201: z.object({ url: z.string(), expiresAt: z.number() }), ...refusals },
      },
    },
    async (request, reply) => {
      const { token, expiresAt } = await opts.userAdmin.signInLink(
        requireSession(request).user.id,
        request.params.id,
      );
      const origin = opts.publicUrl ?? `${request.protocol}://${request.host}`;
      return reply.status(201).send({ url: signInLinkUrl(origin, token), expiresAt });
    },
  );

  api.post(
    '/api/admin/users/:id/purge-messages',
    {
      schema: {
        tags,
        description:
          'Removes every message of one user in every room (spam clean-up): each is a deletion in its room’s log, as `message:delete` makes. With `deactivate`, the account is deactivated first. One audit entry. Admins only.',
        params,
        body: z.object({ deactivate: z.boolean().optional() }).strict().optional(),
        response: { 200: z.object({ deleted: z.number().int() }), ...refusals },
      },
    },
    async (request) => {
      const { deleted, revokedSessions } = await opts.userAdmin.purgeMessages(
        requireSession(request).user.id,
        request.params.id,
        { deactivate: request.body?.deactivate },
      );
      opts.revokeSockets(revokedSessions);
      return { deleted };
    },
  );

  api.get(
    '/api/admin/dashboard',
    {
      schema: {
        tags,
        description: 'Connected users now, people and rooms, messages per day for 30 days, storage.',
        response: { 200: dashboardSchema, ...refusals },
      },
    },
    async (request) => opts.userAdmin.dashboard(requireSession(request).user.id),
  );

  const reason = z.string().trim().max(500).optional();
  api.post(
    '/api/admin/users/:id/guest-ban',
    {
      schema: {
        tags,
        description:
          'Bans a guest: their name (and any name that looks like it) and the addresses their sessions came from may not be used by guests again; they are signed out at once. Admins and moderators.',
        params,
        body: z.object({ reason }).strict(),
        response: { 201: z.object({}), ...refusals },
      },
    },
    async (request, reply) => {
      const { revokedSessions } = await opts.guestBans.banGuest(
        requireSession(request).user.id,
        request.params.id,
        request.body.reason || null,
      );
      opts.revokeSockets(revokedSessions);
      return reply.status(201).send({});
    },
  );

  api.get(
    '/api/admin/guest-bans',
    {
      schema: {
        tags,
        description: 'Names and addresses kept out of guest sign-ins, newest first.',
        response: { 200: z.object({ bans: z.array(guestBanSchema) }), ...refusals },
      },
    },
    async (request) => ({ bans: await opts.guestBans.list(requireSession(request).user.id) }),
  );

  api.post(
    '/api/admin/guest-bans',
    {
      schema: {
        tags,
        description: 'Bans a guest name, an address (IPv4, or IPv6 by its /64), or both.',
        body: z
          .object({ name: z.string().max(64).optional(), address: z.string().max(64).optional(), reason })
          .strict()
          .refine((b) => b.name !== undefined || b.address !== undefined, {
            message: 'a name or an address',
          }),
        response: { 201: z.object({}), ...refusals },
      },
    },
    async (request, reply) => {
      await opts.guestBans.ban(requireSession(request).user.id, request.body);
      return reply.status(201).send({});
    },
  );

  api.delete(
    '/api/admin/guest-bans/:id',
    {
      schema: { tags, description: 'Lifts a guest ban.', params, response: { 204: z.null(), ...refusals } },
    },
    async (request, reply) => {
      await opts.guestBans.lift(requireSession(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/admin/rooms',
    {
      schema: {
        tags,
        description:
          'Channels, groups and code rooms (never DMs or matches), newest first, or those whose name starts with `query`. Admins and moderators.',
        querystring: z
          .object({
            query: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .strict(),
        response: { 200: z.object({ rooms: z.array(adminRoomSchema) }), ...refusals },
      },
    },
    async (request) => ({
      rooms: await opts.roomAdmin.list(
        requireSession(request).user.id,
        request.query.query,
        request.query.limit,
      ),
    }),
  );

  api.delete(
    '/api/admin/rooms/:id',
    {
      schema: {
        tags,
        description: 'Deletes a room and its history for everyone (its members are told). Admins only.',
        params,
        response: { 204: z.null(), ...refusals },
      },
    },
    async (request, reply) => {
      await opts.roomAdmin.delete(requireSession(request).user.id, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
