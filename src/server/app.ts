import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { RateRules } from './domain/rate-limit.js';
import { registerProblemHandler } from './http/problems.js';
import { authRoutes } from './http/routes/auth.js';
import { fileRoutes } from './http/routes/files.js';
import { healthRoutes } from './http/routes/health.js';
import { roomRoutes } from './http/routes/rooms.js';
import { sessionPlugin } from './http/session.js';
import { Gateway } from './realtime/gateway.js';
import { EphemeralRooms } from './services/ephemeral.js';
import { createServices } from './services/index.js';
import { MediaService } from './services/media.js';
import { type Database, openDatabase } from './store/database.js';
import { LocalFileStore } from './store/files.js';
import * as repo from './store/repository.js';
import { seedChannels } from './store/seed.js';

export interface ParleyOptions {
  config: Config;
  logger: Logger;
  /** Override rate limits (benchmarks, tests of other features); production uses the defaults. */
  rateRules?: Partial<RateRules>;
  now?: () => number;
}

export interface Parley {
  app: FastifyInstance;
  gateway: Gateway;
  database: Database;
  /** The base URL the server listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  close(): Promise<void>;
}

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

/** Where the built web client lives; the placeholder page is used until it exists. */
function webRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../dist/web'), path.resolve(here, '../../web/public')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates.at(-1)!;
}

/**
 * Builds and starts one Parley node: database (migrated and seeded), services, HTTP routes and
 * the Socket.IO gateway, listening on the configured port. `close` shuts it down gracefully.
 */
export async function startParley(options: ParleyOptions): Promise<Parley> {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSynchronous: config.sqliteSynchronous,
    logger,
  });
  const { db } = database;
  await seedChannels(db, now());
  // Circular by nature: signing up joins #general, whose broadcast needs the gateway.
  let gateway: Gateway | undefined;
  const { writes, limiter, presence, isOnline, chat, history, auth } = await createServices({
    db,
    rateRules: options.rateRules,
    now,
    sessionTtlMs: config.sessionTtlMs,
    guestSessionTtlMs: config.guestSessionTtlMs,
    apply: (effects) => gateway?.apply(effects),
  });

  const files = new LocalFileStore(path.join(config.dataDir, 'uploads'));
  const media = new MediaService({
    db,
    writes,
    files,
    tempDir: path.join(config.dataDir, 'tmp'),
    limiter,
    now,
    maxBytes: config.uploadMaxBytes,
    dailyQuotaBytes: config.uploadDailyQuotaBytes,
    logger,
  });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandler(app);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Parley HTTP API',
        version: '1',
        description:
          'Accounts, sessions and read-only views. Real-time actions use the Socket.IO protocol described in docs/protocol.md.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'parley_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(sessionPlugin, { auth });

  let ready = false;
  await app.register(healthRoutes, {
    async checkReady() {
      if (!ready) throw new Error('starting or shutting down');
      await database.ping();
    },
    publicConfig: { uploadMaxBytes: config.uploadMaxBytes },
  });
  await app.register(authRoutes, {
    auth,
    sessionTtlMs: config.sessionTtlMs,
    guestSessionTtlMs: config.guestSessionTtlMs,
    revokeSockets: (ids) => gateway?.disconnectSessions(ids),
  });
  await app.register(roomRoutes, { chat, history });
  await app.register(fileRoutes, { media, files, maxBytes: config.uploadMaxBytes });
  await app.register(fastifyStatic, {
    root: webRoot(),
    wildcard: false,
    preCompressed: true,
    cacheControl: false,
    // Hashed build assets never change under the same name; everything else revalidates.
    setHeaders(res, filePath) {
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader(
        'cache-control',
        filePath.includes(`${path.sep}assets${path.sep}`)
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      );
    },
  });

  await app.ready();
  gateway = new Gateway({
    httpServer: app.server,
    auth,
    chat,
    history,
    presence,
    limiter,
    ephemeral: () => ephemeral,
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    logger,
  });
  const liveGateway = gateway;
  const ephemeral = new EphemeralRooms(chat, {
    graceMs: config.ephemeralGraceMs,
    isOnline,
    apply: (effects) => liveGateway.apply(effects),
    logger,
  });

  const url = await app.listen({ port: config.port, host: config.host });
  await ephemeral.afterBoot((await repo.ephemeralMemberships(db)).map((m) => m.user_id));
  const housekeeping = setInterval(() => {
    auth
      .expireSessions()
      .then((expired) => liveGateway.disconnectSessions(expired))
      .catch((error: unknown) => logger.warn({ err: error }, 'session cleanup failed'));
    media.sweep().catch((error: unknown) => logger.warn({ err: error }, 'upload cleanup failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  ready = true;
  logger.info({ url, database: database.dialect, location: database.location }, 'parley is listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      ready = false;
      clearInterval(housekeeping);
      ephemeral.stop();
      liveGateway.stopAccepting();
      // Finish what was accepted (the acks go out on still-open sockets), then hang up.
      await writes.close();
      await liveGateway.close();
      await app.close();
      await database.close();
      logger.info('parley stopped');
    })();
    return closing;
  };

  return { app, gateway: liveGateway, database, url: baseUrl(app), close };
}

function baseUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}
