import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * The web app's Content-Security-Policy: everything from this origin and nothing inline.
 *
 * - scripts and styles: 'self' only. index.html has no inline script (the theme script is
 *   /theme.js); React's `style` props are set through the DOM, which style-src does not govern.
 * - connect-src 'self': the API, the emoji data under /emojibase and Socket.IO — over
 *   polling, and over WebSocket to the same host, which 'self' covers in CSP Level 3.
 * - img-src and media-src: uploads come from /files and /thumbs ('self'); blob: for previews
 *   of files the user has picked but not sent.
 * - frame-ancestors 'none': no site may frame Parley (clickjacking); X-Frame-Options DENY
 *   says the same to browsers that predate CSP.
 *
 * Upload responses keep their stricter policy (`default-src 'none'; sandbox`, routes/files.ts)
 * and the API documentation has its own (app.ts), both set on the route, which wins.
 */
export const APP_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The directives as `{ 'img-src': "'self' blob:", … }`, for places that take them spelled out. */
export function cspHeader(directives: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(directives).map(([name, values]) => [
      name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`),
      values.join(' '),
    ]),
  );
}

/**
 * Powerful features Parley never uses are switched off for it and for anything it might embed.
 * Fullscreen (the video player) and clipboard writes (copying a room's code) stay for itself.
 */
export const PERMISSIONS_POLICY = [
  'camera=()',
  'microphone=()',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'display-capture=()',
  'fullscreen=(self)',
  'clipboard-write=(self)',
].join(', ');

/** A year, for subdomains too; sent only on responses that came over HTTPS. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every response, through helmet configured strictly. HSTS is left out of
 * helmet, which would send it on plain HTTP too: it is set only when the request came over
 * HTTPS (directly, or per X-Forwarded-Proto behind a proxy with TRUST_PROXY), so a server
 * reached over plain HTTP — a developer's machine, a LAN — is never pinned to HTTPS.
 */
export const securityHeaders = fp(async (app: FastifyInstance) => {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: APP_CSP_DIRECTIVES },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('permissions-policy', PERMISSIONS_POLICY);
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });
});
