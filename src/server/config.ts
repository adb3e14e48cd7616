import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Configuration comes from the environment (and a `.env` file in the working directory, if
 * present, for values the environment does not set). Everything is validated before the
 * server starts; a bad value stops it with a message naming the variable.
 */
const booleanFromString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const originList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.string().refine((origin) => {
        try {
          const url = new URL(origin);
          return url.origin === origin && (url.protocol === 'http:' || url.protocol === 'https:');
        } catch {
          return false;
        }
      }, 'each origin must look like https://chat.example.com (scheme, host and optional port, no path)'),
    ),
  );

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL, or unset for SQLite')
      .optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    ALLOWED_ORIGINS: originList.default([]),
    PUBLIC_URL: z
      .string()
      .refine((value) => {
        try {
          const url = new URL(value);
          return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
        } catch {
          return false;
        }
      }, 'must be the address people open, like https://chat.example.com (no query or #)')
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    TRUST_PROXY: booleanFromString.default(false),
    EPHEMERAL_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(24 * 30),
    GUEST_SESSION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(24),
    /** Unset: as long as GUEST_SESSION_TTL_HOURS. */
    GUEST_NAME_HOLD_HOURS: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .optional(),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    NODE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-" only')
      .optional(),
    PRESENCE_TTL_MS: z.coerce.number().int().min(300).max(300_000).default(15_000),
    PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
    UPLOAD_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    UPLOAD_DAILY_QUOTA_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(500 * 1024 * 1024),
    DISK_MIN_FREE_BYTES: z.coerce.number().int().min(0).optional(),
    METRICS_TOKEN: z
      .string()
      .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16 to 256 printable ASCII characters, no spaces')
      .optional(),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    METRICS_HOST: z.string().min(1).optional(),
    /** First start only: afterwards the admin's setting, stored in the database, counts. */
    SIGNUP_POLICY: z.enum(['open', 'invite', 'closed']).default('open'),
    GUESTS: z.enum(['on', 'off']).default('on'),
  })
  .superRefine((c, context) => {
    if (c.METRICS_PORT !== undefined && c.METRICS_PORT !== 0 && c.METRICS_PORT === c.PORT) {
      context.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT' });
    }
    if (c.METRICS_HOST !== undefined && c.METRICS_PORT === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['METRICS_HOST'],
        message: 'only applies to the metrics listener: set METRICS_PORT too',
      });
    }
  });

/**
 * Room for a few largest uploads in flight (each needs its received and its cleaned copy) and
 * for the database to grow: 96 MiB with 8 MB uploads.
 */
export const defaultMinFreeBytes = (uploadMaxBytes: number) => 4 * uploadMaxBytes + 64 * 1024 * 1024;

export type EnvConfig = z.infer<typeof configSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Extra origins allowed to open sockets; the server's own origin is always allowed. */
  allowedOrigins: string[];
  /** The address people open, for links the server hands out (sign-in links); unset: http://localhost:PORT. */
  publicUrl: string | undefined;
  logLevel: EnvConfig['LOG_LEVEL'];
  sqliteSynchronous: 'FULL' | 'NORMAL';
  trustProxy: boolean;
  ephemeralGraceMs: number;
  sessionTtlMs: number;
  guestSessionTtlMs: number;
  /** How long a guest's name stays reserved after their last session ended. */
  guestNameHoldMs: number;
  shutdownTimeoutMs: number;
  uploadMaxBytes: number;
  uploadDailyQuotaBytes: number;
  /** Below this much free space in DATA_DIR, /readyz answers 503. */
  diskMinFreeBytes: number;
  /** Names this node in a cluster; random per process when unset. */
  nodeId: string | undefined;
  /** How long a node may miss its heartbeat before its users count as offline. */
  presenceTtlMs: number;
  /** How long a user may be without a socket before they are announced offline. */
  presenceGraceMs: number;
  /**
   * Where Prometheus metrics are served: on their own listener when `metricsPort` is set, else
   * at /metrics on the main port when `metricsToken` is set, else nowhere. The token, when
   * set, is required wherever they are served.
   */
  metricsToken: string | undefined;
  metricsPort: number | undefined;
  metricsHost: string;
  /**
   * Who may register and whether guests may come in, on a server's first start (before an
   * admin has changed them; services/settings.ts). Ignored once the settings are stored.
   */
  signupPolicy: 'open' | 'invite' | 'closed';
  guestsAllowed: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const envFile = path.join(cwd, '.env');
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = configSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: path.resolve(cwd, c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    allowedOrigins: c.ALLOWED_ORIGINS,
    publicUrl: c.PUBLIC_URL,
    logLevel: c.LOG_LEVEL,
    sqliteSynchronous: c.SQLITE_SYNCHRONOUS,
    trustProxy: c.TRUST_PROXY,
    ephemeralGraceMs: c.EPHEMERAL_GRACE_MS,
    sessionTtlMs: hoursToMs(c.SESSION_TTL_HOURS),
    guestSessionTtlMs: hoursToMs(c.GUEST_SESSION_TTL_HOURS),
    guestNameHoldMs: hoursToMs(c.GUEST_NAME_HOLD_HOURS ?? c.GUEST_SESSION_TTL_HOURS),
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    uploadMaxBytes: c.UPLOAD_MAX_BYTES,
    uploadDailyQuotaBytes: c.UPLOAD_DAILY_QUOTA_BYTES,
    diskMinFreeBytes: c.DISK_MIN_FREE_BYTES ?? defaultMinFreeBytes(c.UPLOAD_MAX_BYTES),
    nodeId: c.NODE_ID,
    presenceTtlMs: c.PRESENCE_TTL_MS,
    presenceGraceMs: c.PRESENCE_GRACE_MS,
    metricsToken: c.METRICS_TOKEN,
    metricsPort: c.METRICS_PORT,
    metricsHost: c.METRICS_HOST ?? '127.0.0.1',
    signupPolicy: c.SIGNUP_POLICY,
    guestsAllowed: c.GUESTS === 'on',
  };
}

/** Whole milliseconds: the times they are compared with are bigint columns on PostgreSQL. */
function hoursToMs(hours: number): number {
  return Math.round(hours * 3_600_000);
}
