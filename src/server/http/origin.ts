import type { IncomingMessage } from 'node:http';

/**
 * Whether a request's Origin may act on this server: the guard against cross-site WebSocket
 * hijacking (Socket.IO handshakes, polling and WebSocket alike) and against cross-site request
 * forgery (http/csrf.ts). Browsers always send Origin on cross-origin requests, on WebSocket
 * upgrades and on POSTs, so a present Origin must be this server's own (same host as the
 * request, or as X-Forwarded-Host behind a trusted proxy) or listed in ALLOWED_ORIGINS. No
 * Origin means a non-browser client (or a same-origin GET), which still needs a token.
 */
export function isOriginAllowed(
  request: IncomingMessage,
  allowedOrigins: readonly string[],
  trustProxy: boolean,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  const forwardedHost = trustProxy ? request.headers['x-forwarded-host'] : undefined;
  const host =
    (typeof forwardedHost === 'string' ? forwardedHost.split(',')[0]?.trim() : undefined) ??
    request.headers.host;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
