// Parley as deployed (auth on the handshake, membership checks, durable group commit), with
// the per-user rate limits raised so the load generator measures throughput, not throttling.
// Accounts, rooms and history are bulk-loaded straight into the database before listening, the
// way an import would, so setting up 10k users takes seconds.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import pino from 'pino';
import { startParley } from '../../src/server/app.js';
import { loadConfig } from '../../src/server/config.js';
import type { RateRules } from '../../src/server/domain/rate-limit.js';
import { DEFAULT_RATE_RULES } from '../../src/server/domain/rate-limit.js';
import { BACKFILL_BATCH, backfillSearch } from '../../src/server/services/search-indexer.js';
import { shortTransaction } from '../../src/server/store/database.js';
import { messageRow } from '../../src/server/store/messages.js';
import * as migration014 from '../../src/server/store/migrations/014-message-search.js';
import { insertRoom, roomRow } from '../../src/server/store/rooms.js';
import type { Schema } from '../../src/server/store/schema.js';
import { resetSearchIndex } from '../../src/server/store/search-index.js';
import { corpus, SEARCH_AUTHORS, SEARCH_MEMBER_OF, SEARCH_ROOMS } from '../search-corpus.js';
import { answerHarness } from './control.js';

export interface SeedPlan {
  /** Users, all members of #general. */
  users: number;
  /** Extra channels every user is in (memory scenario). */
  extraChannels: number;
  /** DM pairs among the users (write scenario). */
  dmPairs: number;
  /** Messages pre-loaded into #general (history scenario). */
  historyMessages: number;
  /**
   * Messages of generated chat (bench/search-corpus.ts) spread over SEARCH_ROOMS channels,
   * then indexed by the backfill, timed (search scenario). Needs SEARCH_AUTHORS users.
   */
  searchMessages: number;
}

const unlimited: RateRules = Object.fromEntries(
  Object.keys(DEFAULT_RATE_RULES).map((rule) => [rule, { burst: 1e9, perSecond: 1e9 }]),
) as RateRules;

async function seed(db: Kysely<Schema>, plan: SeedPlan, now: number) {
  const general = await db
    .selectFrom('rooms')
    .select('id')
    .where('name_key', '=', 'general')
    .executeTakeFirstOrThrow();
  const users: { id: string; token: string }[] = [];
  const chunk = <T>(items: T[], size: number) =>
    Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));
  const userRows = Array.from({ length: plan.users }, (_, i) => {
    const id = randomUUID();
    const token = randomBytes(32).toString('base64url');
    users.push({ id, token });
    return {
      id,
      username: `bench${i}`,
      username_key: `bench${i}`,
      password_hash: null,
      is_guest: 1,
      created_at: now,
      last_seen_at: null,
    };
  });
  const channels = [general.id];
  for (let c = 0; c < plan.extraChannels; c++) {
    const room = roomRow({ kind: 'channel', name: `bench-${c}`, name_key: `bench-${c}`, created_at: now });
    channels.push(room.id);
    await insertRoom(db, room);
  }
  const dms: { roomId: string; a: number; b: number }[] = [];
  await db.transaction().execute(async (trx) => {
    for (const rows of chunk(userRows, 500)) await trx.insertInto('users').values(rows).execute();
    for (const rows of chunk(users, 500)) {
      await trx
        .insertInto('sessions')
        .values(
          rows.map((u) => ({
            id: createHash('sha256').update(u.token).digest('hex'),
            public_id: randomUUID(),
            user_id: u.id,
            created_at: now,
            expires_at: now + 86_400_000,
          })),
        )
        .execute();
    }
    for (const roomId of channels) {
      for (const rows of chunk(users, 500)) {
        await trx
          .insertInto('room_members')
          .values(
            rows.map((u) => ({
              room_id: roomId,
              user_id: u.id,
              role: 'member' as const,
              joined_at: now,
              last_read_seq: 0,
            })),
          )
          .execute();
      }
    }
    for (let p = 0; p < plan.dmPairs; p++) {
      const a = (2 * p) % users.length;
      const b = (2 * p + 1) % users.length;
      const room = {
        ...roomRow({ kind: 'dm', dm_key: `${users[a]!.id}:${users[b]!.id}`, created_at: now }),
        member_count: 2,
      };
      const roomId = room.id;
      dms.push({ roomId, a, b });
      await insertRoom(trx, room);
      await trx
        .insertInto('room_members')
        .values(
          [a, b].map((i) => ({
            room_id: roomId,
            user_id: users[i]!.id,
            role: 'member' as const,
            joined_at: now,
            last_read_seq: 0,
          })),
        )
        .execute();
    }
  });
  // History: plain rows in #general, written in large transactions.
  const author = users[0]?.id ?? null;
  for (let start = 0; start < plan.historyMessages; start += 20_000) {
    const count = Math.min(20_000, plan.historyMessages - start);
    await db.transaction().execute(async (trx) => {
      const rows = Array.from({ length: count }, (_, i) => {
        const seq = start + i + 1;
        return messageRow({
          room_id: general.id,
          seq,
          kind: 'user',
          author_id: author,
          text: `history message ${seq}`,
          created_at: now - (plan.historyMessages - seq) * 1000,
        });
      });
      // Each message row is its own log entry, as when Parley stores a send.
      for (const part of chunk(rows, 400)) await trx.insertInto('messages').values(part).execute();
    });
  }
  await db.updateTable('rooms').set({ member_count: plan.users }).where('id', 'in', channels).execute();
  if (plan.historyMessages > 0)
    await db
      .updateTable('rooms')
      .set({ last_seq: plan.historyMessages })
      .where('id', '=', general.id)
      .execute();
  // An import ends with a checkpoint: the bulk load leaves tens of MB in the WAL otherwise,
  // and every read has to look pages up there first until the next automatic checkpoint.
  if (!process.env.DATABASE_URL) await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  const search = plan.searchMessages > 0 ? await seedSearch(db, users, plan.searchMessages, now) : null;
  return { users, channels, dms, generalId: general.id, search };
}

const onPostgres = () => Boolean(process.env.DATABASE_URL);

/**
 * The search scenario's data: SEARCH_ROOMS channels, the first user a member of every fourth,
 * the others of all; the corpus bulk-loaded as the history is (large transactions, before
 * anything is measured); then the index built as an upgrade builds it — on SQLite the
 * server's backfill, `backfillSearchIndex` in steps of BACKFILL_BATCH, one transaction each
 * (as the CLI's reindex runs it: the server runs each step as one job of its write queue); on
 * PostgreSQL migration 014's CREATE INDEX over the loaded rows. Both timed, and the index's
 * size measured against the messages table's.
 */
async function seedSearch(db: Kysely<Schema>, users: { id: string }[], count: number, now: number) {
  if (users.length < SEARCH_AUTHORS) throw new Error(`the search plan needs ${SEARCH_AUTHORS} users`);
  const rooms = Array.from({ length: SEARCH_ROOMS }, (_, r) =>
    roomRow({ kind: 'channel', name: `search-${r}`, name_key: `search-${r}`, created_at: now - 1e9 }),
  );
  // The index is built after the load, as on a database from before it.
  if (onPostgres()) await sql`drop index if exists messages_search`.execute(db);
  const lastSeq = new Array<number>(SEARCH_ROOMS).fill(0);
  const loadStarted = performance.now();
  await db.transaction().execute(async (trx) => {
    for (const room of rooms) await insertRoom(trx, room);
    const members = rooms.flatMap((room, r) =>
      users
        .slice(0, SEARCH_AUTHORS)
        .filter((_, u) => u > 0 || r % (SEARCH_ROOMS / SEARCH_MEMBER_OF) === 0)
        .map((u) => ({
          room_id: room.id,
          user_id: u.id,
          role: 'member' as const,
          joined_at: now - 1e9,
          last_read_seq: 0,
        })),
    );
    for (let i = 0; i < members.length; i += 500)
      await trx
        .insertInto('room_members')
        .values(members.slice(i, i + 500))
        .execute();
  });
  const lines = corpus(count);
  for (let start = 0; start < count; start += 20_000) {
    const n = Math.min(20_000, count - start);
    await db.transaction().execute(async (trx) => {
      const rows = Array.from({ length: n }, (_, i) => {
        const line = lines.next().value!;
        return messageRow({
          room_id: rooms[line.room]!.id,
          seq: ++lastSeq[line.room]!,
          kind: 'user',
          author_id: users[line.author]!.id,
          text: line.text,
          // A message a minute, the last one now.
          created_at: now - (count - (start + i)) * 60_000,
        });
      });
      for (let i = 0; i < rows.length; i += 400)
        await trx
          .insertInto('messages')
          .values(rows.slice(i, i + 400))
          .execute();
    });
  }
  for (let r = 0; r < SEARCH_ROOMS; r++) {
    await db
      .updateTable('rooms')
      .set({ last_seq: lastSeq[r]!, member_count: r % 4 === 0 ? SEARCH_AUTHORS : SEARCH_AUTHORS - 1 })
      .where('id', '=', rooms[r]!.id)
      .execute();
  }
  const loadMs = performance.now() - loadStarted;

  const indexStarted = performance.now();
  if (onPostgres()) {
    await migration014.up(db as unknown as Kysely<unknown>);
  } else {
    // What the triggers queued during the load is dropped: the database is now as one from
    // before migration 014 is after it, every message the backfill's to index.
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    await resetSearchIndex(db);
    await backfillSearch((step) => shortTransaction({ writer: db, dialect: 'sqlite' }, step));
  }
  const indexMs = performance.now() - indexStarted;
  const sizes = onPostgres()
    ? (
        await sql<{ index_bytes: string; table_bytes: string; table_and_indexes: string }>`
          select pg_relation_size('messages_search') as index_bytes,
                 pg_table_size('messages') as table_bytes,
                 pg_total_relation_size('messages') as table_and_indexes`.execute(db)
      ).rows[0]!
    : (
        await sql<{ index_bytes: number; table_bytes: number; table_and_indexes: number }>`
          select
            sum(case when name like 'message_search%' and name not in
                ('message_search_pending', 'message_search_backfill') then pgsize else 0 end) as index_bytes,
            sum(case when name = 'messages' then pgsize else 0 end) as table_bytes,
            sum(case when tbl_name = 'messages' then pgsize else 0 end) as table_and_indexes
          from dbstat join sqlite_schema using (name)`.execute(db)
      ).rows[0]!;
  // Statistics, as autovacuum would have gathered them on a live PostgreSQL.
  if (onPostgres()) await sql`analyze`.execute(db);
  else await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  const [indexBytes, tableBytes, tableAndIndexes] = [
    Number(sizes.index_bytes),
    Number(sizes.table_bytes),
    Number(sizes.table_and_indexes),
  ];
  return {
    messages: count,
    rooms: SEARCH_ROOMS,
    memberOf: SEARCH_MEMBER_OF,
    loadMs,
    indexMs,
    indexedPerSec: count / (indexMs / 1000),
    indexBuild: onPostgres() ? 'CREATE INDEX (migration 014)' : `backfill, ${BACKFILL_BATCH} a step`,
    indexBytes,
    tableBytes,
    tableAndIndexes,
    indexRatio: indexBytes / tableBytes,
  };
}

const plan = JSON.parse(process.env.BENCH_PLAN ?? '{}') as Partial<SeedPlan>;
const config = {
  ...loadConfig({ DATA_DIR: process.env.DATA_DIR ?? './bench-data', LOG_LEVEL: 'warn' }, process.cwd()),
  port: 0,
  host: '127.0.0.1',
};
if (process.env.DATABASE_URL) config.databaseUrl = process.env.DATABASE_URL;
// BENCH_WITHOUT_SEARCH_INDEX=1: the server without the search index's write-path work, for the
// search scenario's write-cost comparison (ParleyOptions.benchWithoutSearchIndex).
const parley = await startParley({
  config,
  logger: pino({ level: 'warn' }),
  rateRules: unlimited,
  benchWithoutSearchIndex: process.env.BENCH_WITHOUT_SEARCH_INDEX === '1',
});
const seeded = await seed(
  parley.database.writer,
  { users: 0, extraChannels: 0, dmPairs: 0, historyMessages: 0, searchMessages: 0, ...plan },
  Date.now(),
);
// The bulk load leaves a large heap of garbage; collect it now rather than during the first
// measured requests.
globalThis.gc?.();
process.send?.({ type: 'ready', url: parley.url, ...seeded });
answerHarness();
