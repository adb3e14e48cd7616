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
import { messageRow } from '../../src/server/store/messages.js';
import { insertRoom, roomRow } from '../../src/server/store/rooms.js';
import type { Schema } from '../../src/server/store/schema.js';
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
  return { users, channels, dms, generalId: general.id };
}

const plan = JSON.parse(process.env.BENCH_PLAN ?? '{}') as Partial<SeedPlan>;
const config = {
  ...loadConfig({ DATA_DIR: process.env.DATA_DIR ?? './bench-data', LOG_LEVEL: 'warn' }, process.cwd()),
  port: 0,
  host: '127.0.0.1',
};
if (process.env.DATABASE_URL) config.databaseUrl = process.env.DATABASE_URL;
const parley = await startParley({ config, logger: pino({ level: 'warn' }), rateRules: unlimited });
const seeded = await seed(
  parley.database.writer,
  { users: 0, extraChannels: 0, dmPairs: 0, historyMessages: 0, ...plan },
  Date.now(),
);
// The bulk load leaves a large heap of garbage; collect it now rather than during the first
// measured requests.
globalThis.gc?.();
process.send?.({ type: 'ready', url: parley.url, ...seeded });
answerHarness();
