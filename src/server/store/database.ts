import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { migrationProvider } from './migrations/index.js';
import type { Schema } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /** `postgres://…` for PostgreSQL; unset for SQLite under `dataDir`. */
  url?: string | undefined;
  dataDir: string;
  /** SQLite `synchronous` pragma; FULL makes every commit durable against power loss. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  logger: Logger;
}

export interface Database {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** Where the data lives, for logs (never includes credentials). */
  location: string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const database = options.url?.startsWith('postgres')
    ? openPostgres(options.url, options.logger)
    : openSqlite(options.dataDir, options.sqliteSynchronous);
  await migrate(database.db, options.logger);
  return database;
}

function openSqlite(dataDir: string, synchronous: 'FULL' | 'NORMAL'): Database {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'parley.sqlite');
  const sqlite = new SQLite(file);
  // WAL lets history reads run while a batch commits; with synchronous=FULL each commit's WAL
  // frames are fsynced before the commit returns, so an acknowledged write survives a crash
  // of the process or the machine. Group commit (see write-queue.ts) pays that fsync once per
  // batch instead of once per message.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${synchronous}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  // A checkpoint copies the WAL back into the database file and fsyncs it. The default (every
  // 1000 pages, 4 MB) checkpoints after almost every large batch under write load; every 10,000
  // pages writes a page touched by many batches once instead of once per batch.
  sqlite.pragma('wal_autocheckpoint = 10000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    location: file,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * Kysely asks better-sqlite3 to prepare every query it runs, and preparing (parsing and
 * planning the SQL) costs more than running a small insert. Parley's queries come from a
 * fixed set of shapes with parameters, so prepared statements are kept by SQL text and reused.
 */
function withStatementCache(sqlite: SQLite.Database, limit = 1_000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    prepare(source: string) {
      let statement = cache.get(source);
      if (!statement) {
        statement = sqlite.prepare(source);
        if (cache.size >= limit) cache.delete(cache.keys().next().value!);
        cache.set(source, statement);
      }
      return statement;
    },
    close: () => sqlite.close(),
  };
}

function openPostgres(url: string, logger: Logger): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // bigint columns hold times and sequence numbers, all far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process:
  // the pool discards it and the next query opens a fresh one.
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost'));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    db,
    dialect: 'postgres',
    location: `postgres://${parsed.host}${parsed.pathname}`,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

async function migrate(db: Kysely<Schema>, logger: Logger): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') logger.info({ migration: result.migrationName }, 'migration applied');
    if (result.status === 'Error') logger.error({ migration: result.migrationName }, 'migration failed');
  }
  if (error) throw error;
}
