import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  credentialsSchema,
  guestSchema,
  passwordChangeSchema,
  registerSchema,
  signInLinkSchema,
  signInOptionsSchema,
} from '../../../shared/schemas.js';
import type { AuthService } from '../../services/auth.js';
import { authResponseSchema, problemSchema, problems, selfSchema } from '../schemas.js';
import { clearSessionCookie, requireSession, setSessionCookie } from '../session.js';

export interface AuthRoutesOptions {
  auth: AuthService;
  sessionTtlMs: number;
  guestSessionTtlMs: number;
  /** Disconnects the sockets of revoked sessions, on every node. */
  revokeSockets(sessionIds: string[]): void;
}

export async function authRoutes(app: FastifyInstance, opts: AuthRoutesOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { auth } = opts;
  const tags = ['auth'];

  api.get('/api/auth/options', { schema: { tags, response: { 200: signInOptionsSchema } } }, () =>
    auth.signInOptions(),
  );

  api.post(
    '/api/auth/register',
    {
      schema: {
        tags,
        description:
          'A new account, as the sign-up policy allows: `inviteToken` (from an invite link) is needed when it is invite-only; nobody registers when it is closed, except the first account of a fresh server.',
        body: registerSchema,
        response: { 201: authResponseSchema, ...problems, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const { session, token } = await auth.register(
        request.body.username,
        request.body.password,
        request.ip,
        request.body.inviteToken,
        request.headers['user-agent'],
      );
      setSessionCookie(request, reply, token, opts.sessionTtlMs);
      return reply.status(201).send({ user: await auth.selfOf(session), token });
    },
  );

  api.post(
    '/api/auth/login',
    { schema: { tags, body: credentialsSchema, response: { 200: authResponseSchema, ...problems } } },
    async (request, reply) => {
      const { session, token } = await auth.login(
        request.body.username,
        request.body.password,
        request.ip,
        request.headers['user-agent'],
      );
      setSessionCookie(request, reply, token, opts.sessionTtlMs);
      return { user: await auth.selfOf(session), token };
    },
  );

  api.post(
    '/api/auth/guest',
    {
      schema: {
        tags,
        body: guestSchema,
        response: { 201: authResponseSchema, ...problems, 403: problemSchema },
      },
    },
    async (request, reply) => {
      const { session, token } = await auth.guest(
        request.body.username,
        request.ip,
        request.headers['user-agent'],
      );
      setSessionCookie(request, reply, token, opts.guestSessionTtlMs);
      return reply.status(201).send({ user: await auth.selfOf(session), token });
    },
  );

  api.post('/api/auth/logout', { schema: { tags, response: { 204: z.null() } } }, async (request, reply) => {
    if (request.session) {
      await auth.logout(request.session.id);
      opts.revokeSockets([request.session.id]);
    }
    clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  api.post(
    '/api/auth/password',
    { schema: { tags, body: passwordChangeSchema, response: { 204: z.null(), ...problems } } },
    async (request, reply) => {
      const session = requireSession(request);
      const revoked = await auth.changePassword(
        session,
        request.body.currentPassword,
        request.body.newPassword,
      );
      opts.revokeSockets(revoked);
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/api/auth/sign-in-link',
    { schema: { tags, body: signInLinkSchema, response: { 200: authResponseSchema, ...problems } } },
    async (request, reply) => {
      const { session, token, revoked } = await auth.signInWithLink(
        request.body.token,
        request.body.newPassword,
        request.ip,
        request.headers['user-agent'],
      );
      opts.revokeSockets(revoked);
      setSessionCookie(request, reply, token, opts.sessionTtlMs);
      return { user: await auth.selfOf(session), token };
    },
  );

  api.get(
    '/api/me',
    { schema: { tags, response: { 200: z.object({ user: selfSchema }), ...problems } } },
    async (request) => ({ user: await auth.selfOf(requireSession(request)) }),
  );
}
