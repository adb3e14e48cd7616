import type { FastifyInstance } from 'fastify';

export interface HealthOptions {
  /** Resolves when the server can take traffic; throws with a reason when it cannot. */
  checkReady(): Promise<void>;
  /** Limits clients should know before they try (they are enforced on the server anyway). */
  publicConfig(): Promise<{ uploadMaxBytes: number }>;
}

const READY_TIMEOUT_MS = 3_000;

/** Liveness (the process answers) and readiness (its dependencies answer too). */
export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const hide = { schema: { tags: ['operations'] } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  app.get('/api/config', { schema: { tags: ['operations'] } }, () => opts.publicConfig());
  app.get('/readyz', hide, async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A dependency that hangs (a black-holed network) must make the node unready, not hang
      // the balancer's health check.
      await Promise.race([
        opts.checkReady(),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`not ready within ${READY_TIMEOUT_MS} ms`)),
            READY_TIMEOUT_MS,
          );
        }),
      ]);
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return reply.status(503).send({ status: 'unavailable', reason: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  });
}
