import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { startCluster } from './cluster/index.js';
import type { Config } from './config.js';
import { MemoryMatchQueue } from './domain/matchmaker.js';
import { MemoryPresence } from './domain/presence.js';
import { DEFAULT_RATE_RULES, MemoryRateLimiter, type RateRules } from './domain/rate-limit.js';
import { registerProblemHandler } from './http/problems.js';
import { authRoutes } from './http/routes/auth.js';
import { fileRoutes } from './http/routes/files.js';
import { healthRoutes } from './http/routes/health.js';
import { roomRoutes } from './http/routes/rooms.js';
import { sessionPlugin } from './http/session.js';
import { Metrics } from './metrics.js';
import { Gateway } from './realtime/gateway.js';
import { EphemeralRooms } from './services/ephemeral.js';
import { createServices } from './services/index.js';
import { MediaService } from './services/media.js';
import { type Database, openDatabase } from './store/database.js';
import { checkFreeSpace } from './store/disk-space.js';
import { LocalFileStore } from './store/files.js';
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
  nodeId: string;
  /** The base URL the server listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  close(): Promise<void>;
}

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

/**
 * Connections the kernel may hold for us before we accept them. Node's default (511) is less
 * than the clients that come back at once after a network blip: the kernel drops the rest of
 * the handshakes, those clients retry a second or more later, and some are reset. Linux caps
 * it at net.core.somaxconn (4096 by default since 5.4).
 */
const LISTEN_BACKLOG = 4096;

/** Where the built web client lives; the placeholder page is used until it exists. */
function webRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../dist/web'), path.resolve(here, '../../web/public')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? candidates.at(-1)!;
}

/**
 * Builds and starts one Parley node: database (migrated and seeded), cluster state (Redis, when
 * configured) or its in-memory stand-ins, services, HTTP routes and the Socket.IO gateway,
 * listening on the configured port. `close` shuts it down gracefully.
 */
export async function startParley(options: ParleyOptions): Promise<Parley> {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const nodeId = config.nodeId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const metrics = new Metrics();
  const rateRules = { ...DEFAULT_RATE_RULES, ...options.rateRules };
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSynchronous: config.sqliteSynchronous,
    logger,
  });
  const { db, writer } = database;
  await seedChannels(writer, now());

  const cluster = config.redisUrl
    ? await startCluster({
        redisUrl: config.redisUrl,
        nodeId,
        presenceTtlMs: config.presenceTtlMs,
        rateRules,
        logger,
        metrics,
      })
    : undefined;

  // Circular by nature: signing up joins #general, whose broadcast needs the gateway.
  let gateway: Gateway | undefined;
  const { writes, limiter, presence, chat, history, auth } = await createServices({
    database,
    presence: cluster?.presence ?? new MemoryPresence(),
    matchQueue: cluster?.matchQueue ?? new MemoryMatchQueue(),
    limiter: cluster?.limiter ?? new MemoryRateLimiter(rateRules, now),
    now,
    sessionTtlMs: config.sessionTtlMs,
    guestSessionTtlMs: config.guestSessionTtlMs,
    apply: (effects) => gateway?.apply(effects),
    onBatch: metrics.recordBatch,
  });

  const files = new LocalFileStore(path.join(config.dataDir, 'uploads'));
  const media = new MediaService({
    db,
    writes,
    files,
    tempDir: path.join(config.dataDir, 'tmp'),
    sharedStorage: Boolean(cluster),
    limiter,
    now,
    maxBytes: config.uploadMaxBytes,
    dailyQuotaBytes: config.uploadDailyQuotaBytes,
    logger,
  });
  await media.cleanTemp();

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
          'Accounts, sessions, files and read-only views. Real-time actions use the Socket.IO protocol described in docs/protocol.md.',
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
      await cluster?.ping();
      await checkFreeSpace(config.dataDir, config.diskMinFreeBytes);
    },
    publicConfig: { uploadMaxBytes: config.uploadMaxBytes },
    metrics: metrics.registry,
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
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    adapter: cluster?.adapter,
    metrics,
    logger,
  });
  const liveGateway = gateway;
  const ephemeral = new EphemeralRooms(chat, {
    db,
    presence,
    graceMs: config.ephemeralGraceMs,
    now,
    apply: (effects) => liveGateway.apply(effects),
    acquireLock: cluster?.acquireLock,
    logger,
  });

  /** Users gone from every node (their node died or left): record last-seen, tell their rooms. */
  const announceOffline = async (userIds: string[]) => {
    for (const userId of userIds) await liveGateway.userWentOffline(userId, await chat.markSeen(userId));
  };

  const url = await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  ephemeral.start();
  media.sweepOrphans().catch((error: unknown) => logger.warn({ err: error }, 'orphan upload sweep failed'));
  const timers: NodeJS.Timeout[] = [
    setInterval(() => {
      auth
        .expireSessions()
        .then((expired) => liveGateway.disconnectSessions(expired))
        .catch((error: unknown) => logger.warn({ err: error }, 'session cleanup failed'));
      media.sweep().catch((error: unknown) => logger.warn({ err: error }, 'upload cleanup failed'));
      media.cleanOldTemp().catch((error: unknown) => logger.warn({ err: error }, 'temp cleanup failed'));
    }, HOUSEKEEPING_INTERVAL_MS),
  ];
  if (cluster) {
    // Some node notices a crashed node's heartbeat is gone and reports its users offline.
    timers.push(
      setInterval(
        () => {
          cluster.presence
            .reapDeadNodes()
            .then((offline) => announceOffline(offline))
            .catch((error: unknown) => logger.warn({ err: error }, 'could not reap dead nodes'));
        },
        Math.max(100, config.presenceTtlMs / 3),
      ),
    );
  }
  for (const timer of timers) timer.unref();
  ready = true;
  logger.info(
    { url, nodeId, database: database.dialect, location: database.location, cluster: Boolean(cluster) },
    'parley is listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      ready = false;
      for (const timer of timers) clearInterval(timer);
      ephemeral.stop();
      liveGateway.stopAccepting();
      // Finish what was accepted (the acks go out on still-open sockets), then hang up.
      await writes.close().catch((error: unknown) => logger.error({ err: error }, 'final writes failed'));
      await liveGateway.close();
      if (cluster) {
        // Tell the others who is gone with us, while the fan-out still works.
        await announceOffline(await cluster.stop()).catch(() => {});
      }
      await app.close();
      await cluster?.disconnect();
      await database.close();
      logger.info('parley stopped');
    })();
    return closing;
  };

  return { app, gateway: liveGateway, database, nodeId, url: baseUrl(app), close };
}

function baseUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}
