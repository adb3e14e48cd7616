import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { expect } from 'vitest';
import { MemoryMatchQueue } from '../../src/server/domain/matchmaker.js';
import { MemoryPresence } from '../../src/server/domain/presence.js';
import { DEFAULT_RATE_RULES, MemoryRateLimiter } from '../../src/server/domain/rate-limit.js';
import { createServices } from '../../src/server/services/index.js';
import { type Database, openDatabase } from '../../src/server/store/database.js';
import { migrationProvider } from '../../src/server/store/migrations/index.js';
import type { Schema } from '../../src/server/store/schema.js';
import { createTestDatabase, postgresAdminUrl } from './postgres.js';
import { relaxedLimits, tempDir } from './server.js';

/** SQLite always; PostgreSQL when the run has one. */
export const migrationBackends = [{ name: 'sqlite' }, ...(postgresAdminUrl ? [{ name: 'postgres' }] : [])];

/**
 * A database as an earlier release left it: migrated up to `migration` and no further. `old`
 * writes the rows that release would have; `open()` then starts it as today's server does
 * (running the remaining migrations); `drop()` removes a PostgreSQL database afterwards.
 */
export async function databaseMadeAt(backend: { name: string }, migration: string) {
  const target = backend.name === 'sqlite' ? undefined : await createTestDatabase();
  const dataDir = tempDir();
  const old = new Kysely<Schema>({
    dialect: target
      ? new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 2 }) })
      : new SqliteDialect({ database: new SQLite(`${dataDir}/parley.sqlite`) }),
  });
  const migrator = new Migrator({ db: old, provider: migrationProvider });
  expect((await migrator.migrateTo(migration)).error).toBeUndefined();
  return {
    old,
    open: (): Promise<Database> =>
      openDatabase({
        url: target?.url,
        dataDir,
        sqliteSynchronous: 'FULL',
        logger: pino({ level: 'silent' }),
      }),
    drop: async () => target?.drop(),
  };
}

/** Today's services over a migrated database, without a server around them. */
export function servicesOn(database: Database) {
  return createServices({
    database,
    presence: new MemoryPresence(),
    matchQueue: new MemoryMatchQueue(),
    limiter: new MemoryRateLimiter({ ...DEFAULT_RATE_RULES, ...relaxedLimits }),
    sessionTtlMs: 60_000,
    guestSessionTtlMs: 60_000,
    uploadCeilingBytes: 8 * 1024 * 1024,
    announce: () => {},
  });
}
