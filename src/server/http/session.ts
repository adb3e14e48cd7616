import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../domain/errors.js';
import type { AuthService, Session } from '../services/auth.js';
import type { Sessions } from '../services/sessions.js';

export const SESSION_COOKIE = 'parley_session';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
  }
}

/** The bearer token from `Authorization: Bearer …`, else from the session cookie. */
export function tokenFrom(
  authorization: string | undefined,
  cookieToken: string | undefined,
): string | undefined {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? cookieToken;
}

/**
 * Resolves the caller's session on every request, and notes that it was used (written at most
 * once a minute, without waiting); routes that need one use `requireSession`.
 */
export const sessionPlugin = fp(
  async (app: FastifyInstance, opts: { auth: AuthService; sessions: Sessions }) => {
    app.decorateRequest('session', null);
    app.addHook('onRequest', async (request) => {
      request.session = await opts.auth.authenticate(
        tokenFrom(request.headers.authorization, request.cookies[SESSION_COOKIE]),
      );
      if (request.session) {
        opts.sessions.noteActivity(request.session, {
          address: request.ip,
          userAgent: request.headers['user-agent'],
        });
      }
    });
  },
);

export function requireSession(request: FastifyRequest): Session {
  if (!request.session) throw new DomainError('unauthorized', 'sign in first');
  return request.session;
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeMs: number,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
