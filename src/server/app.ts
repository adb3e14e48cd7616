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
import { PROTOCOL_VERSION } from '../shared/limits.js';
import { startCluster } from './cluster/index.js';
import type { Config } from './config.js';
import { MemoryMatchQueue } from './domain/matchmaker.js';
import { MemoryPresence } from './domain/presence.js';
import { DEFAULT_RATE_RULES, MemoryRateLimiter, type RateRules } from './domain/rate-limit.js';
import { DEFAULT_SETTINGS, policyOf, rateRulesOf, uploadLimitOf } from './domain/settings.js';
import { compressionOptions, fastifyCompress, keepSecretsUncompressed } from './http/compression.js';
import { csrfPlugin } from './http/csrf.js';
import { metricsRoute, startMetricsListener } from './http/metrics.js';
import { registerProblemHandler } from './http/problems.js';
import { DebugRequestLogController } from './http/request-logging.js';
import { adminRoutes } from './http/routes/admin.js';
import { auditRoutes } from './http/routes/audit.js';
import { authRoutes } from './http/routes/auth.js';
import { fileRoutes } from './http/routes/files.js';
import { healthRoutes } from './http/routes/health.js';
import { peopleAdminRoutes } from './http/routes/people-admin.js';
import { roomRoutes } from './http/routes/rooms.js';
import { searchRoutes } from './http/routes/search.js';
import { sessionRoutes } from './http/routes/sessions.js';
import { APP_CSP_DIRECTIVES, cspHeader, securityHeaders } from './http/security-headers.js';
import { sessionPlugin } from './http/session.js';
import { Metrics } from './metrics.js';
import { Gateway } from './realtime/gateway.js';
import { EphemeralRooms } from './services/ephemeral.js';
import { createServices } from './services/index.js';
import { MediaService } from './services/media.js';
import { SearchIndexer } from './services/search-indexer.js';
import { SETTINGS_TTL_MS } from './services/settings.js';
import { type Database, openDatabase } from './store/database.js';
import { checkFreeSpace } from './store/disk-space.js';
import { LocalFileStore } from './store/files.js';
import { dropSearchIndex } from './store/search-index.js';
import { seedChannels } from './store/seed.js';

export interface ParleyOptions {
  config: Config;
  logger: Logger;
  /** Override rate limits (benchmarks, tests of other features); production uses the defaults. */
  rateRules?: Partial<RateRules>;
  now?: () => number;
  /** How long a node trusts its copy of the settings; tests of the cluster bus make it long. */
  settingsTtlMs?: number;
  /**
   * Benchmark only (bench/servers/parley.ts, `BENCH_WITHOUT_SEARCH_INDEX`): a server without
   * the search index — its SQLite triggers (or PostgreSQL GIN index) dropped after migrating,
   * no flush before each commit, no backfill — to measure what the index costs the write path.
   * Search then finds nothing new. Nothing else sets it; the server's entry point has no way to.
   */
  benchWithoutSearchIndex?: boolean;
}

export interface Parley {
  app: FastifyInstance;
  gateway: Gateway;
  database: Database;
  nodeId: string;
  /** The base URL the server listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The metrics listener's base URL, when METRICS_PORT gives them one of their own. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;
/**
 * How often sockets are checked against the sessions table, for sessions another process
 * (the operator CLI) deleted. On SQLite only after such a process wrote (one pragma to know).
 */
const REVOKED_SESSIONS_CHECK_MS = 1_000;

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
  // One object the limiters read at every decision: the admin's settings change it in place.
  const rateRules: RateRules = { ...DEFAULT_RATE_RULES, ...options.rateRules };
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    sqliteSynchronous: config.sqliteSynchronous,
    logger,
  });
  const { db, writer } = database;
  await seedChannels(writer, now());
  if (options.benchWithoutSearchIndex) await dropSearchIndex(writer);

  const cluster = config.redisUrl
    ? await startCluster({
        redisUrl: config.redisUrl,
        nodeId,
        presenceTtlMs: config.presenceTtlMs,
        presenceGraceMs: config.presenceGraceMs,
        rateRules,
        logger,
        metrics,
      }).catch(async (error: unknown) => {
        await database.close();
        throw error;
      })
    : undefined;

  // Circular by nature: signing up joins #general, whose broadcast needs the gateway.
  let gateway: Gateway | undefined;
  const services = await createServices({
    database,
    presence: cluster?.presence ?? new MemoryPresence(),
    matchQueue: cluster?.matchQueue ?? new MemoryMatchQueue(),
    limiter: cluster?.limiter ?? new MemoryRateLimiter(rateRules, now),
    now,
    sessionTtlMs: config.sessionTtlMs,
    guestSessionTtlMs: config.guestSessionTtlMs,
    guestNameHoldMs: config.guestNameHoldMs,
    announce: (effects) => gateway?.apply(effects),
    onBatch: metrics.recordBatch,
    withoutSearchIndex: options.benchWithoutSearchIndex,
    settingsTtlMs: options.settingsTtlMs,
    uploadCeilingBytes: config.uploadMaxBytes,
  });
  const { writes, limiter, presence, auth } = services;
  // The admin's limits, whenever the settings are read; a test's or benchmark's own rules win.
  // And when what users may start changed, every open page on this node hears it, however the
  // news came: a change here, the bus, or the periodic read after the bus missed it.
  let policyRead: string | undefined;
  services.settings.onLoaded((settings) => {
    Object.assign(rateRules, rateRulesOf(settings), options.rateRules);
    const policy = JSON.stringify(policyOf(settings));
    if (policyRead !== undefined && policy !== policyRead) gateway?.tellSelves();
    policyRead = policy;
  });
  // The environment's defaults count on the first start only; after that, the stored settings.
  await services.settings.seed(writer, {
    ...DEFAULT_SETTINGS,
    signupPolicy: config.signupPolicy,
    guestsAllowed: config.guestsAllowed,
    uploadMaxBytes: config.uploadMaxBytes,
  });
  await services.settings.get();

  const files = new LocalFileStore(path.join(config.dataDir, 'uploads'));
  const media = new MediaService({
    db,
    writes,
    files,
    tempDir: path.join(config.dataDir, 'tmp'),
    sharedStorage: Boolean(cluster),
    limiter,
    now,
    maxBytes: async () => uploadLimitOf(await services.settings.get(), config.uploadMaxBytes),
    dailyQuotaBytes: config.uploadDailyQuotaBytes,
    logger,
  });
  await media.cleanTemp();

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new DebugRequestLogController(),
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandler(app);
  // Headers first, so every answer carries them, refusals included; then the CSRF check, so a
  // forged request is refused before anything reads its cookie or its body.
  await app.register(securityHeaders);
  await app.register(csrfPlugin, { allowedOrigins: config.allowedOrigins, trustProxy: config.trustProxy });
  await app.register(fastifyCookie);
  // Before the routes: it hooks into each route as it is added.
  keepSecretsUncompressed(app);
  await app.register(fastifyCompress, compressionOptions);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Parley HTTP API',
        version: PROTOCOL_VERSION,
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
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    // Swagger UI's page: its scripts are files too, but it adds <style> elements as it renders
    // and its icons are data: URIs. The page shows only our own OpenAPI document, never user
    // content, so inline styles there cannot carry anyone's injection; scripts stay 'self'.
    staticCSP: {
      ...cspHeader(APP_CSP_DIRECTIVES),
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data:",
    },
  });
  await app.register(sessionPlugin, { auth, sessions: services.sessions });

  let ready = false;
  await app.register(healthRoutes, {
    async checkReady() {
      if (!ready) throw new Error('starting or shutting down');
      await database.ping();
      await cluster?.ping();
      await checkFreeSpace(config.dataDir, config.diskMinFreeBytes);
    },
    publicConfig: async () => ({
      uploadMaxBytes: uploadLimitOf(await services.settings.get(), config.uploadMaxBytes),
    }),
  });
  // On the main port only behind a token, and only when they have no listener of their own.
  if (config.metricsToken && config.metricsPort === undefined) {
    await app.register(metricsRoute, { registry: metrics.registry, token: config.metricsToken });
  }
  await app.register(authRoutes, {
    auth,
    sessionTtlMs: config.sessionTtlMs,
    guestSessionTtlMs: config.guestSessionTtlMs,
    revokeSockets: (ids) => gateway?.disconnectSessions(ids),
  });
  await app.register(sessionRoutes, {
    sessions: services.sessions,
    revokeSockets: (ids) => gateway?.disconnectSessions(ids),
  });
  await app.register(roomRoutes, services);
  await app.register(searchRoutes, { search: services.search });
  await app.register(adminRoutes, services);
  await app.register(auditRoutes, services);
  await app.register(peopleAdminRoutes, {
    userAdmin: services.userAdmin,
    guestBans: services.guestBans,
    roomAdmin: services.roomAdmin,
    publicUrl: config.publicUrl,
    revokeSockets: (ids) => gateway?.disconnectSessions(ids),
  });
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
    services,
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    peers: cluster?.bus,
    presenceGraceMs: config.presenceGraceMs,
    metrics,
    logger,
  });
  const liveGateway = gateway;
  await cluster?.bus.start((deliveries) => liveGateway.fromPeer(deliveries));
  // Back from a Redis outage: settings changes and role changes published meanwhile may be
  // lost. Read the settings again and tell every open page who it is now.
  cluster?.bus.onReconnect(() => {
    services.settings.invalidate();
    liveGateway.tellSelves();
  });
  const ephemeral = new EphemeralRooms(services.membership, {
    db,
    presence,
    graceMs: config.ephemeralGraceMs,
    now,
    acquireLock: cluster?.acquireLock,
    logger,
  });

  // Before the main port, so a metrics port that is taken stops the start before any traffic.
  const metricsListener =
    config.metricsPort === undefined
      ? undefined
      : await startMetricsListener({
          registry: metrics.registry,
          token: config.metricsToken,
          port: config.metricsPort,
          host: config.metricsHost,
        }).catch(async (error: unknown) => {
          await writes.close();
          await liveGateway.close();
          await app.close();
          await cluster?.leave().catch(() => {});
          await cluster?.disconnect();
          await database.close();
          throw error;
        });
  const url = await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
  ephemeral.start();
  const searchIndexer = new SearchIndexer({ run: (step) => writes.run(step), logger });
  if (!options.benchWithoutSearchIndex) searchIndexer.start();
  media.sweepOrphans().catch((error: unknown) => logger.warn({ err: error }, 'orphan upload sweep failed'));
  let checkingSessions = false;
  const timers: NodeJS.Timeout[] = [
    setInterval(() => {
      auth
        .expireSessions()
        .then((expired) => liveGateway.disconnectSessions(expired))
        .catch((error: unknown) => logger.warn({ err: error }, 'session cleanup failed'));
      media.sweep().catch((error: unknown) => logger.warn({ err: error }, 'upload cleanup failed'));
      media.cleanOldTemp().catch((error: unknown) => logger.warn({ err: error }, 'temp cleanup failed'));
    }, HOUSEKEEPING_INTERVAL_MS),
    setInterval(() => {
      // One check at a time: a slow database must not pile them up.
      if (checkingSessions || (database.changedElsewhere && !database.changedElsewhere())) return;
      checkingSessions = true;
      liveGateway
        .closeRevokedSessions()
        // Every second while the database is away: /readyz and the writes already say so.
        .catch((error: unknown) => logger.debug({ err: error }, 'revoked session check failed'))
        .finally(() => {
          checkingSessions = false;
        });
    }, REVOKED_SESSIONS_CHECK_MS),
    // The limits are read at every send, from rules the settings set: a node that missed the
    // bus's news of a change (Redis away) still takes it within a copy's lifetime.
    setInterval(() => {
      services.settings
        .refresh()
        .catch((error: unknown) => logger.debug({ err: error }, 'settings refresh failed'));
    }, options.settingsTtlMs ?? SETTINGS_TTL_MS),
  ];
  for (const timer of timers) timer.unref();
  ready = true;
  const metricsAt = metricsListener?.url ?? (config.metricsToken ? `${url}/metrics (bearer token)` : 'off');
  logger.info(
    {
      url,
      nodeId,
      database: database.dialect,
      location: database.location,
      cluster: Boolean(cluster),
      metrics: metricsAt,
    },
    'parley is listening',
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      ready = false;
      for (const timer of timers) clearInterval(timer);
      ephemeral.stop();
      await searchIndexer.stop();
      // The order docs/deployment.md promises: no new connections or requests; what was
      // accepted is committed and acknowledged on still-open sockets; then the sockets close,
      // each recording its last-seen and presence (the other nodes announce those offline
      // after the grace, unless they reconnect there); then this node leaves the cluster.
      liveGateway.stopAccepting();
      await writes.idle();
      await liveGateway.close();
      await services.sessions.flushActivity();
      await writes.close().catch((error: unknown) => logger.error({ err: error }, 'final writes failed'));
      await cluster
        ?.leave()
        .catch((error: unknown) => logger.warn({ err: error }, 'could not leave the cluster'));
      await app.close();
      await metricsListener?.close();
      await cluster?.disconnect();
      await database.close();
      logger.info('parley stopped');
    })();
    return closing;
  };

  return {
    app,
    gateway: liveGateway,
    database,
    nodeId,
    url: baseUrl(app),
    metricsUrl: metricsListener?.url,
    close,
  };
}

function baseUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === 'string') return String(address);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
}
