import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditEntrySchema } from '../../../shared/entities.js';
import { idSchema } from '../../../shared/schemas.js';
import type { AuditReads } from '../../services/audit.js';
import { problems } from '../schemas.js';
import { requireSession } from '../session.js';

export interface AuditRoutesOptions {
  audit: AuditReads;
}

/**
 * The audit log for admins (docs/administration.md). The route asks the permission table through its
 * service, so a member, a moderator where it is admins only, or a deactivated admin gets 403.
 */
export async function auditRoutes(app: FastifyInstance, opts: AuditRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];

  api.get(
    '/api/admin/audit',
    {
      schema: {
        tags,
        description: 'The audit log, newest first: who did what to whom, when and why. Admins only.',
        querystring: z
          .object({
            actor: idSchema.optional(),
            target: idSchema.optional(),
            room: idSchema.optional(),
            action: z.string().max(64).optional(),
            before: idSchema.optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: { 200: z.object({ entries: z.array(auditEntrySchema) }), ...problems },
      },
    },
    async (request) => {
      const q = request.query;
      const entries = await opts.audit.list(
        requireSession(request).user.id,
        { actorId: q.actor, targetUserId: q.target, roomId: q.room, action: q.action, beforeId: q.before },
        q.limit,
      );
      return { entries };
    },
  );
}
