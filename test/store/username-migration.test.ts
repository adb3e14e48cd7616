import { hash } from '@node-rs/argon2';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryMatchQueue } from '../../src/server/domain/matchmaker.js';
import { MemoryPresence } from '../../src/server/domain/presence.js';
import { DEFAULT_RATE_RULES, MemoryRateLimiter } from '../../src/server/domain/rate-limit.js';
import { createServices } from '../../src/server/services/index.js';
import { openDatabase } from '../../src/server/store/database.js';
import { migrationProvider } from '../../src/server/store/migrations/index.js';
import type { Schema } from '../../src/server/store/schema.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, tempDir } from '../helpers/server.js';

/**
 * Migration 005 rekeys every account from the one folded key to a lower-cased key and a
 * look-alike skeleton. Accounts that the old key let in side by side although they look
 * alike (AIice beside Alice) must come through it, keep their names and still sign in.
 */
const backends = [{ name: 'sqlite' }, ...(postgresAdminUrl ? [{ name: 'postgres' }] : [])];

describe.each(backends)('username migration on $name', (backend) => {
  it('rekeys existing accounts, keeps look-alikes that got in before it, and blocks new ones', async () => {
    const target = backend.name === 'sqlite' ? undefined : await createTestDatabase();
    const dataDir = tempDir();
    const old = new Kysely<Schema>({
      dialect: target
        ? new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 2 }) })
        : new SqliteDialect({ database: new SQLite(`${dataDir}/parley.sqlite`) }),
    });
    const database = await (async () => {
      try {
        const migrator = new Migrator({ db: old, provider: migrationProvider });
        expect((await migrator.migrateTo('004-messages-are-log-entries')).error).toBeUndefined();
        const passwordHash = await hash('long enough pw');
        // Old keys as the old folding made them: lower-cased, so `I` became `i`, never `l`.
        const accounts = [
          ['u1', 'Alice', 'alice', 1],
          ['u2', 'AIice', 'aiice', 2],
          ['u3', 'mallory', 'mallory', 3],
          ['u4', 'rnallory', 'rnallory', 4],
          // An old key equal to an older account's new one: rekeying must not trip over it.
          ['u5', 'Zed', 'zed-old', 5],
          ['u6', 'Zeb', 'zed', 6],
          // A guest whose name was released.
          ['u7', 'Visitor', null, 7],
        ] as const;
        await old
          .insertInto('users')
          .values(
            accounts.map(([id, username, key, createdAt]) => ({
              id,
              username,
              username_key: key,
              password_hash: id === 'u7' ? null : passwordHash,
              is_guest: id === 'u7' ? 1 : 0,
              created_at: createdAt,
              last_seen_at: null,
            })) as never,
          )
          .execute();
      } finally {
        await old.destroy();
      }
      return openDatabase({
        url: target?.url,
        dataDir,
        sqliteSynchronous: 'FULL',
        logger: pino({ level: 'silent' }),
      });
    })();
    try {
      const rows = await database.db
        .selectFrom('users')
        .select(['id', 'username_key', 'username_skeleton'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { id: 'u1', username_key: 'alice', username_skeleton: 'alice' },
        { id: 'u2', username_key: 'aiice', username_skeleton: null },
        { id: 'u3', username_key: 'mallory', username_skeleton: 'rnallory' },
        { id: 'u4', username_key: 'rnallory', username_skeleton: null },
        { id: 'u5', username_key: 'zed', username_skeleton: 'zed' },
        { id: 'u6', username_key: 'zeb', username_skeleton: 'zeb' },
        { id: 'u7', username_key: null, username_skeleton: null },
      ]);

      const { auth, writes } = await createServices({
        database,
        presence: new MemoryPresence(),
        matchQueue: new MemoryMatchQueue(),
        limiter: new MemoryRateLimiter({ ...DEFAULT_RATE_RULES, ...relaxedLimits }),
        sessionTtlMs: 60_000,
        guestSessionTtlMs: 60_000,
        announce: () => {},
      });
      try {
        for (const [typed, id] of [
          ['AIice', 'u2'],
          ['alice', 'u1'],
          ['ALICE', 'u1'],
          ['rnallory', 'u4'],
          ['mallory', 'u3'],
          ['zeb', 'u6'],
        ]) {
          const { session } = await auth.login(typed!, 'long enough pw', 'test');
          expect(session.user.id, typed).toBe(id);
        }
        for (const lookAlike of ['A1ice', 'AIICE', 'RNALLORY', 'Zeb']) {
          await expect(auth.register(lookAlike, 'long enough pw', 'test'), lookAlike).rejects.toMatchObject({
            code: 'conflict',
          });
        }
        await expect(auth.guest('visitor', 'test')).resolves.toBeTruthy();
      } finally {
        await writes.close();
      }
    } finally {
      await database.close();
      await target?.drop();
    }
  });
});
