import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sessionIdSchema } from '../../../shared/schemas.js';
import type { Sessions } from '../../services/sessions.js';
import { problems, sessionInfoSchema } from '../schemas.js';
import { requireSession } from '../session.js';

export interface SessionRoutesOptions {
  sessions: Sessions;
  /** Disconnects the sockets of revoked sessions, on every node. */
  revokeSockets(sessionIds: string[]): void;
}

/** The caller's own sessions: every browser or app signed in as them. */
export async function sessionRoutes(app: FastifyInstance, opts: SessionRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { sessions } = opts;
  const tags = ['auth'];

  api.get(
    '/api/me/sessions',
    {
      schema: {
        tags,
        description:
          "The caller's live sessions: first the one this request was made with (`current`), then the others, the most recently active first. `lastActiveAt` is kept to about a minute.",
        response: { 200: z.object({ sessions: z.array(sessionInfoSchema) }), ...problems },
      },
    },
    async (request) => ({ sessions: await sessions.list(requireSession(request)) }),
  );

  api.delete(
    '/api/me/sessions/:id',
    {
      schema: {
        tags,
        description:
          'Signs out another of your sessions: it stops working and its sockets close at once. `404` for an id that is not one of your sessions; `400` for the current one (sign out with POST /api/auth/logout).',
        params: z.object({ id: sessionIdSchema }),
        response: { 204: z.null(), ...problems },
      },
    },
    async (request, reply) => {
      opts.revokeSockets(await sessions.signOut(requireSession(request), request.params.id));
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/me/sessions/sign-out-others',
    {
      schema: {
        tags,
        description: 'Signs out every session of yours but the current one; says how many it ended.',
        response: { 200: z.object({ signedOut: z.number() }), ...problems },
      },
    },
    async (request) => {
      const revoked = await sessions.signOutOthers(requireSession(request));
      opts.revokeSockets(revoked);
      return { signedOut: revoked.length };
    },
  );
}
