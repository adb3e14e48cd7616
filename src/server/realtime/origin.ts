import type { IncomingMessage } from 'node:http';

/**
 * Cross-site WebSocket hijacking guard, applied to polling and WebSocket handshakes alike.
 * Browsers always send Origin on cross-origin requests and on WebSocket upgrades, so a present
 * Origin must be this server's own (same host as the request) or listed in ALLOWED_ORIGINS.
 * No Origin means a non-browser client (or a same-origin GET), which still needs a token.
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
