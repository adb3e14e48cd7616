import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { DomainError } from '../domain/errors.js';

/**
 * Prometheus metrics reveal load, connection counts and error rates, so they are never served
 * to whoever reaches a node. Either on a listener of their own (METRICS_PORT, on METRICS_HOST,
 * 127.0.0.1 by default) that serves nothing else, or at /metrics on the main port behind
 * `Authorization: Bearer <METRICS_TOKEN>`; with neither configured, nowhere. A token, when set,
 * is required on the separate listener too.
 */
export interface MetricsOptions {
  registry: Registry;
  token: string | undefined;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether the request presents the token. Both sides are hashed first, so the comparison takes
 * the same time whatever the presented value's length or content.
 */
export function presentsToken(authorization: string | undefined, token: string): boolean {
  const presented = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? '';
  return timingSafeEqual(digest(presented), digest(token));
}

const CHALLENGE = 'Bearer realm="metrics"';
const REFUSAL = 'metrics need Authorization: Bearer <METRICS_TOKEN>';

/** /metrics on the main port; registered only when a token guards it. */
export async function metricsRoute(app: FastifyInstance, opts: MetricsOptions & { token: string }) {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!presentsToken(request.headers.authorization, opts.token)) {
      reply.header('www-authenticate', CHALLENGE);
      throw new DomainError('unauthorized', REFUSAL);
    }
    return reply.type(opts.registry.contentType).send(await opts.registry.metrics());
  });
}

/** A listener that answers GET /metrics and nothing else. Resolves with its base URL. */
export async function startMetricsListener(
  opts: MetricsOptions & { port: number; host: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const problem = (status: number, code: string, detail: string) => {
      response.writeHead(status, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ type: 'about:blank', title: code, status, code, detail }));
    };
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return problem(404, 'not_found', 'this listener serves GET /metrics only');
    }
    if (opts.token !== undefined && !presentsToken(request.headers.authorization, opts.token)) {
      response.setHeader('www-authenticate', CHALLENGE);
      return problem(401, 'unauthorized', REFUSAL);
    }
    opts.registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': opts.registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      () => problem(500, 'internal', 'could not collect the metrics'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) =>
      reject(
        new Error(`METRICS_PORT/METRICS_HOST: cannot listen on ${opts.host}:${opts.port} (${error.message})`),
      );
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address();
  const host = typeof address === 'object' && address ? address.address : opts.host;
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
