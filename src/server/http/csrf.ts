import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError } from '../domain/errors.js';
import { isOriginAllowed } from './origin.js';

export interface CsrfOptions {
  /** Origins besides the server's own that may send state-changing requests (ALLOWED_ORIGINS). */
  allowedOrigins: readonly string[];
  trustProxy: boolean;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BEARER = /^Bearer\s+\S+$/i;

/**
 * Cross-site request forgery guard. The session cookie is SameSite=Lax, which keeps it off
 * cross-site POSTs in today's browsers — but not off requests from a sibling subdomain (same
 * site), nor in older browsers. So a state-changing request that a browser could have sent on
 * another site's behalf is refused unless it carries the proof only our own pages can give:
 *
 * - `Authorization: Bearer …` — a page cannot add it to a cross-origin request without a CORS
 *   preflight, which Parley never grants: such requests pass;
 * - otherwise an `Origin` must be allowed (isOriginAllowed, the socket handshake's rule);
 * - with no Origin, `Sec-Fetch-Site: cross-site` or `same-site` is refused too.
 *
 * Requests with neither header (curl, native clients, old browsers' same-origin requests)
 * pass. Sign-up, guest and login requests are covered too: a forged login would sign the
 * victim into the attacker's account.
 */
export const csrfPlugin = fp(async (app: FastifyInstance, opts: CsrfOptions) => {
  app.addHook('onRequest', async (request) => {
    const refusal = crossSiteRefusal(request, opts);
    if (refusal) throw new DomainError('forbidden', refusal);
  });
});

/** Why the request is refused as possibly forged, or null when it may go on. */
export function crossSiteRefusal(request: FastifyRequest, opts: CsrfOptions): string | null {
  if (!STATE_CHANGING.has(request.method)) return null;
  if (BEARER.test(request.headers.authorization ?? '')) return null;
  if (request.headers.origin !== undefined) {
    return isOriginAllowed(request.raw, opts.allowedOrigins, opts.trustProxy)
      ? null
      : 'cross-site request refused: its Origin is not this server nor in ALLOWED_ORIGINS';
  }
  const site = request.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site'
    ? 'cross-site request refused: it came from another site and carries no allowed Origin'
    : null;
}
