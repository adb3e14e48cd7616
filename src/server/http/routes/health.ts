import type { FastifyInstance } from 'fastify';

export interface HealthOptions {
  /** Resolves when the server can take traffic; throws with a reason when it cannot. */
  checkReady(): Promise<void>;
  /** Limits clients should know before they try (they are enforced on the server anyway). */
  publicConfig: { uploadMaxBytes: number };
}

/** Liveness (the process answers) and readiness (its dependencies answer too). */
export async function healthRoutes(app: FastifyInstance, opts: HealthOptions): Promise<void> {
  const hide = { schema: { tags: ['operations'] } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));
  app.get('/api/config', { schema: { tags: ['operations'] } }, async () => opts.publicConfig);
  app.get('/readyz', hide, async (request, reply) => {
    try {
      await opts.checkReady();
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'not ready');
      return reply.status(503).send({ status: 'unavailable', reason: (error as Error).message });
    }
  });
}
