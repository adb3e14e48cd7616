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
 * Migration 007 gives every user a server role. A database made before it (by the release
 * before roles) keeps every user and room: accounts become members, guests guests, the
 * oldest account the admin; owners stay owners; everyone still signs in.
 */
const backends = [{ name: 'sqlite' }, ...(postgresAdminUrl ? [{ name: 'postgres' }] : [])];

describe.each(backends)('roles migration on $name', (backend) => {
  it('keeps every user and room, makes the oldest account admin, and everyone still signs in', async () => {
    const target = backend.name === 'sqlite' ? undefined : await createTestDatabase();
    const dataDir = tempDir();
    const old = new Kysely<Schema>({
      dialect: target
        ? new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 2 }) })
        : new SqliteDialect({ database: new SQLite(`${dataDir}/parley.sqlite`) }),
    });
    const passwordHash = await hash('long enough pw');
    try {
      const migrator = new Migrator({ db: old, provider: migrationProvider });
      expect((await migrator.migrateTo('006-guest-name-hold')).error).toBeUndefined();
      const user = (id: string, name: string, createdAt: number, guest = false) => ({
        id,
        username: name,
        username_key: name,
        username_skeleton: name,
        password_hash: guest ? null : passwordHash,
        is_guest: guest ? 1 : 0,
        created_at: createdAt,
        last_seen_at: null,
        name_released_at: null,
      });
      // The guest came first: a guest never becomes the admin.
      await old
        .insertInto('users')
        .values([user('g1', 'visitor', 1, true), user('u2', 'bob', 3), user('u1', 'alice', 2)] as never)
        .execute();
      await old
        .insertInto('rooms')
        .values({
          id: 'r1',
          kind: 'group',
          name: 'plans',
          owner_id: 'u2',
          last_seq: 0,
          member_count: 2,
          created_at: 4,
        } as never)
        .execute();
      await old
        .insertInto('room_members')
        .values([
          { room_id: 'r1', user_id: 'u2', role: 'owner', joined_at: 4, last_read_seq: 0 },
          { room_id: 'r1', user_id: 'u1', role: 'member', joined_at: 4, last_read_seq: 0 },
        ])
        .execute();
    } finally {
      await old.destroy();
    }
    const database = await openDatabase({
      url: target?.url,
      dataDir,
      sqliteSynchronous: 'FULL',
      logger: pino({ level: 'silent' }),
    });
    try {
      const users = await database.db
        .selectFrom('users')
        .select(['id', 'username', 'role', 'deactivated_at'])
        .orderBy('id')
        .execute();
      expect(users).toEqual([
        { id: 'g1', username: 'visitor', role: 'guest', deactivated_at: null },
        { id: 'u1', username: 'alice', role: 'admin', deactivated_at: null },
        { id: 'u2', username: 'bob', role: 'member', deactivated_at: null },
      ]);
      const members = await database.db
        .selectFrom('room_members')
        .select(['user_id', 'role'])
        .where('room_id', '=', 'r1')
        .orderBy('user_id')
        .execute();
      expect(members).toEqual([
        { user_id: 'u1', role: 'member' },
        { user_id: 'u2', role: 'owner' },
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
        expect((await auth.login('alice', 'long enough pw', 'test')).session.role).toBe('admin');
        expect((await auth.login('bob', 'long enough pw', 'test')).session.role).toBe('member');
        // Not a fresh server any more: a new account is a member.
        expect((await auth.register('carol', 'long enough pw', 'test')).session.role).toBe('member');
      } finally {
        await writes.close();
      }
    } finally {
      await database.close();
      await target?.drop();
    }
  });
});
