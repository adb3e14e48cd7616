import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { foldSearchText } from '../domain/search-query.js';
import { describeUrl, failureReason, StartupError, startingWith } from '../startup.js';
import { FifoLock } from './fifo-lock.js';
import { migrationProvider } from './migrations/index.js';
import type { SynchronousRunner } from './prepared.js';
import type { Schema } from './schema.js';
import { flushSearchIndex } from './search-index.js';

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
  /** Reads, and everything outside the write queue. Sees committed data only. */
  db: Kysely<Schema>;
  /**
   * The write queue's connection (and startup seeding's). On PostgreSQL it is the same pool as
   * `db`; on SQLite it is the one connection that may write, so reads never wait for a batch.
   */
  writer: Kysely<Schema>;
  /** SQLite only: runs SQL at once on the writer's connection, for the write queue's transaction. */
  runOnWriter?: SynchronousRunner | undefined;
  dialect: Dialect;
  /** Where the data lives, for logs (never includes credentials). */
  location: string;
  ping(): Promise<void>;
  /**
   * SQLite only: copies the database into `file` with SQLite's online backup API, as one
   * consistent snapshot, while other connections (a running server) keep reading and writing.
   */
  backup?(file: string): Promise<void>;
  /**
   * SQLite only: whether another process (the operator CLI) committed to the database since
   * the last call. Costs one pragma, so a timer may ask every second.
   */
  changedElsewhere?(): boolean;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { url } = options;
  const database = url?.startsWith('postgres')
    ? await startingWith('the database', 'DATABASE_URL', url, async () => {
        const postgres = openPostgres(url, options.logger);
        await postgres.ping().catch(async (error: unknown) => {
          await postgres.close();
          throw error;
        });
        return postgres;
      })
    : openSqliteIn(options.dataDir, options.sqliteSynchronous);
  try {
    await migrate(database.writer, options.logger);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

function openSqliteIn(dataDir: string, synchronous: 'FULL' | 'NORMAL'): Database {
  try {
    return openSqlite(dataDir, synchronous);
  } catch (error) {
    throw new StartupError(
      `cannot open the SQLite database in DATA_DIR (${path.resolve(dataDir)}): ${failureReason(error)}`,
      { cause: error },
    );
  }
}

/**
 * SQLite with two connections to one file: a writer, used only by the write queue, and a
 * reader for everything else. In WAL mode a reader never waits for the writer and sees only
 * committed transactions, so a history page or a handshake's session lookup does not queue
 * behind a batch that is still running its jobs — which it would on a single connection,
 * where the batch's transaction holds the connection from BEGIN to COMMIT.
 */
function openSqlite(dataDir: string, synchronous: 'FULL' | 'NORMAL'): Database {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'parley.sqlite');
  const writer = new SQLite(file);
  // WAL lets reads run while a batch commits; with synchronous=FULL each commit's WAL frames
  // are fsynced before the commit returns, so an acknowledged write survives a crash of the
  // process or the machine. Group commit (see write-queue.ts) pays that fsync once per batch
  // instead of once per message.
  writer.pragma('journal_mode = WAL');
  writer.pragma(`synchronous = ${synchronous}`);
  // A checkpoint copies the WAL back into the database file and fsyncs it. The default (every
  // 1000 pages, 4 MB) checkpoints after almost every large batch under write load; every 10,000
  // pages writes a page touched by many batches once instead of once per batch.
  writer.pragma('wal_autocheckpoint = 10000');
  const reader = new SQLite(file);
  // Nothing may write behind the write queue's back: such a write would wait for the writer's
  // lock (blocking the event loop) and would escape group commit's ordering guarantees.
  reader.pragma('query_only = ON');
  // Each connection keeps its own page cache, so SQLite may hold up to twice cache_size.
  for (const connection of [writer, reader]) {
    // The search's fold (store/search.ts, narrow scopes read texts instead of the index).
    connection.function('parley_search_fold', { deterministic: true }, (text) =>
      typeof text === 'string' ? foldSearchText(text) : null,
    );
    connection.pragma('busy_timeout = 5000');
    connection.pragma('cache_size = -65536');
    connection.pragma('temp_store = MEMORY');
  }
  const kysely = (statements: SqliteDatabase) =>
    new Kysely<Schema>({ dialect: new QueuedSqliteDialect({ database: statements }) });
  const writerStatements = withStatementCache(writer);
  // data_version changes when a connection other than this one commits. The reader never
  // commits (query_only), so on the writer it moves only for other processes' writes.
  const dataVersion = () => writer.pragma('data_version', { simple: true }) as number;
  let lastDataVersion = dataVersion();
  const db = kysely(withStatementCache(reader));
  const writerDb = kysely(writerStatements);
  return {
    db,
    writer: writerDb,
    // What Kysely's SQLite connection does with a query, minus the promises around it.
    runOnWriter(source, parameters) {
      const statement = writerStatements.prepare(source);
      if (statement.reader) return { rows: statement.all(parameters) };
      return { rows: [], numAffectedRows: BigInt(statement.run(parameters).changes) };
    },
    dialect: 'sqlite',
    location: file,
    async ping() {
      await sql`select 1`.execute(db);
      await sql`select 1`.execute(writerDb);
    },
    changedElsewhere() {
      const version = dataVersion();
      const changed = version !== lastDataVersion;
      lastDataVersion = version;
      return changed;
    },
    async backup(destination) {
      // All pages in one step: one read transaction, so the copy is a snapshot of one moment
      // (in WAL mode it does not hold up the writer). Copied in steps, a write by another
      // connection between two steps would restart the copy, forever under steady load.
      await reader.backup(destination, { progress: () => 0x7fffffff });
    },
    async close() {
      await db.destroy();
      await writerDb.destroy();
      // Kysely closes only connections it has used; these close whether or not it did.
      reader.close();
      writer.close();
    },
  };
}

/**
 * Kysely's SQLite driver guards its one connection with a lock whose waiters all wake on every
 * release and race for it again: with thousands of queries waiting (a reconnect storm), each
 * release costs time in proportion to the queue. The same driver behind a first-come,
 * first-served queue hands the connection to exactly one waiter per release.
 */
class QueuedSqliteDialect extends SqliteDialect {
  constructor(private readonly driverConfig: SqliteDialectConfig) {
    super(driverConfig);
  }

  override createDriver(): Driver {
    return new QueuedSqliteDriver(this.driverConfig);
  }
}

class QueuedSqliteDriver extends SqliteDriver {
  private readonly turn = new FifoLock();

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.turn.acquire();
    // Free by construction: only the holder of `turn` reaches the inner lock.
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.turn.release();
  }
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
    // A server that does not answer at all (a dead host, a black-holed network) must fail a
    // query instead of leaving it waiting forever; keep-alive notices half-open connections.
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    // bigint columns hold times and sequence numbers, all far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection dropped by the server (restart, failover, network blip) is reported as an
  // 'error' event on its client — when it is idle in the pool, and also when it is checked out
  // and a query is running on it. Unheard, that event kills the process; heard, the running
  // query rejects (writes answer `unavailable`), the pool discards the client, and the next
  // query opens a fresh connection.
  const lost = throttledWarning(logger, 'PostgreSQL connection lost');
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    writer: db,
    location: describeUrl(url),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** A database that goes away errors on every connection at once; one line a few seconds is enough. */
function throttledWarning(logger: Logger, message: string, everyMs = 5_000) {
  let last = 0;
  let dropped = 0;
  return (error: Error) => {
    const now = Date.now();
    if (now - last < everyMs) {
      dropped++;
      return;
    }
    logger.warn({ err: error, similar: dropped }, message);
    last = now;
    dropped = 0;
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

/**
 * Runs `work` in one transaction on the writer, for a process other than the server (the
 * operator CLI). On SQLite it takes the write lock at BEGIN (IMMEDIATE), so it waits its turn
 * behind the server's batches (busy_timeout) instead of failing when the server commits between
 * its read and its write; keep the work short, since the server waits for it too.
 */
export async function shortTransaction<T>(
  database: Pick<Database, 'writer' | 'dialect'>,
  work: (trx: Kysely<Schema>) => Promise<T>,
): Promise<T> {
  return database.writer.connection().execute(async (connection) => {
    await sql.raw(database.dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(connection);
    try {
      const result = await work(connection);
      // What the work wrote to messages joins the search index in the same commit.
      await flushSearchIndex(connection);
      await sql.raw('commit').execute(connection);
      return result;
    } catch (error) {
      await sql
        .raw('rollback')
        .execute(connection)
        .catch(() => {});
      throw error;
    }
  });
}
