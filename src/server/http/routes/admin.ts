import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inviteSchema } from '../../../shared/entities.js';
import {
  idSchema,
  inviteCreateSchema,
  serverSettingsSchema,
  settingsChangeSchema,
} from '../../../shared/schemas.js';
import type { InvitesService } from '../../services/invites.js';
import type { SettingsService } from '../../services/settings.js';
import { problemSchema, problems } from '../schemas.js';
import { requireSession } from '../session.js';

export interface AdminRoutesOptions {
  settings: SettingsService;
  invites: InvitesService;
}

/**
 * Who may come in: the server's settings (admins) and invite links (admins, and members when
 * the settings allow). The permission table (domain/permissions.ts) decides every request;
 * refusals are `403 forbidden`, a missing session `401`.
 */
export async function adminRoutes(app: FastifyInstance, opts: AdminRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const refusals = { ...problems, 403: problemSchema };
  const settingsResponse = z.object({
    settings: serverSettingsSchema,
    /** What bounds the admin's choices: set by the operator, in the environment. */
    ceilings: z.object({ uploadMaxBytes: z.number() }),
  });

  api.get(
    '/api/admin/settings',
    {
      schema: {
        tags: ['admin'],
        description:
          'The sign-up policy, guest rules, rate limits and upload size, with the operator’s ceilings. Admins only.',
        response: { 200: settingsResponse, ...refusals },
      },
    },
    async (request) => ({
      settings: await opts.settings.forAdmin(requireSession(request).user.id),
      ceilings: opts.settings.ceilings(),
    }),
  );

  api.put(
    '/api/admin/settings',
    {
      schema: {
        tags: ['admin'],
        description:
          'Changes the settings given (the others stay). Takes effect at once on every node. Admins only.',
        body: settingsChangeSchema,
        response: { 200: settingsResponse, ...refusals },
      },
    },
    async (request) => ({
      settings: await opts.settings.update(requireSession(request).user.id, request.body),
      ceilings: opts.settings.ceilings(),
    }),
  );

  const tags = ['invites'];
  api.get(
    '/api/invites',
    {
      schema: {
        tags,
        description:
          'Invite links with who registered with each: every one for an admin, one’s own for a member or moderator who may create them.',
        response: { 200: z.object({ invites: z.array(inviteSchema) }), ...refusals },
      },
    },
    async (request) => ({ invites: await opts.invites.list(requireSession(request).user.id) }),
  );

  api.post(
    '/api/invites',
    {
      schema: {
        tags,
        description:
          'A new invite link. Its token is in this answer only (the server keeps its hash): the link is `<origin>` + `path`.',
        body: inviteCreateSchema,
        response: {
          201: z.object({ invite: inviteSchema, token: z.string(), path: z.string() }),
          ...refusals,
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await opts.invites.create(requireSession(request).user.id, request.body)),
  );

  api.delete(
    '/api/invites/:id',
    {
      schema: {
        tags,
        description: 'Revokes the invite: it lets nobody else in. Its uses stay listed.',
        params: z.object({ id: idSchema }),
        response: { 200: z.object({ invite: inviteSchema }), ...refusals },
      },
    },
    async (request) => ({
      invite: await opts.invites.revoke(requireSession(request).user.id, request.params.id),
    }),
  );
}
