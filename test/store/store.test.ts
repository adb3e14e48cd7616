import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryMatchQueue } from '../../src/server/domain/matchmaker.js';
import { MemoryPresence } from '../../src/server/domain/presence.js';
import { DEFAULT_RATE_RULES, MemoryRateLimiter } from '../../src/server/domain/rate-limit.js';
import { createServices, type Services } from '../../src/server/services/index.js';
import { type Database, openDatabase } from '../../src/server/store/database.js';
import { messageRow } from '../../src/server/store/messages.js';
import { migrationProvider } from '../../src/server/store/migrations/index.js';
import { preparedQuery } from '../../src/server/store/prepared.js';
import { logAfter, nextSeqForMember } from '../../src/server/store/room-log.js';
import { lockRoom, roomRow } from '../../src/server/store/rooms.js';
import type { Schema } from '../../src/server/store/schema.js';
import { seedChannels } from '../../src/server/store/seed.js';
import type { PublicUser } from '../../src/shared/protocol.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, tempDir } from '../helpers/server.js';

/**
 * The storage contract, run against every backend: SQLite always, PostgreSQL when
 * DATABASE_URL points at a server. Two independent service stacks over one database stand in
 * for two Parley nodes, so ordering guarantees are tested across writers, not just within one.
 */
const backends = [
  { name: 'sqlite', url: async () => ({ url: undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', url: createTestDatabase }] : []),
];

const logger = pino({ level: 'silent' });
let clock = Date.now();
const now = () => ++clock;

describe.each(backends)('store on $name', (backend) => {
  let target: { url: string | undefined; drop(): Promise<void> };
  const dataDir = tempDir();
  const databases: Database[] = [];
  let nodeA: Services;
  let nodeB: Services;

  const open = async () => {
    const database = await openDatabase({ url: target.url, dataDir, sqliteSynchronous: 'FULL', logger });
    databases.push(database);
    await seedChannels(database.writer, now());
    return database;
  };
  const services = async () =>
    createServices({
      database: await open(),
      presence: new MemoryPresence(),
      matchQueue: new MemoryMatchQueue(),
      limiter: new MemoryRateLimiter({ ...DEFAULT_RATE_RULES, ...relaxedLimits }),
      now,
      sessionTtlMs: 60_000,
      guestSessionTtlMs: 1_000,
      uploadCeilingBytes: 8 * 1024 * 1024,
      announce: () => {},
    });
  const newUser = async (node: Services, kind: 'register' | 'guest' = 'register') => {
    const name = `u${randomUUID().slice(0, 8)}`;
    const { session, token } =
      kind === 'register'
        ? await node.auth.register(name, 'long enough pw', 'test')
        : await node.auth.guest(name, 'test');
    return { user: session.user, token, session };
  };
  const group = async (node: Services, owner: PublicUser, members: PublicUser[] = []) =>
    (await node.roomCreation.create(owner, { kind: 'group', name: 'g', memberIds: members.map((m) => m.id) }))
      .value;

  beforeAll(async () => {
    target = await backend.url();
    nodeA = await services();
    nodeB = await services();
  });
  afterAll(async () => {
    for (const node of [nodeA, nodeB]) await node?.writes.close();
    for (const database of databases) await database.close();
    await target.drop();
  });

  it('runs prepared queries with fresh values on each call and refuses slots outside parameters', async () => {
    const db = databases[0]!.db;
    const byName = preparedQuery((db, p: { key: string; limit: number }) =>
      db
        .selectFrom('rooms')
        .select(['name_key'])
        .where('name_key', '=', p.key)
        .where('kind', '=', 'channel')
        .limit(p.limit),
    );
    for (const key of ['general', 'tech', 'gaming', 'nope']) {
      const { rows } = await byName(db, { key, limit: 5 });
      expect(rows.map((row) => row.name_key)).toEqual(key === 'nope' ? [] : [key]);
    }
    // The same definition inside the write queue's transaction sees that transaction's writes.
    const seen = await nodeA.writes.run(async (trx) => {
      await trx.updateTable('rooms').set({ name_key: 'renamed' }).where('name_key', '=', 'gaming').execute();
      const inside = (await byName(trx, { key: 'renamed', limit: 1 })).rows.length;
      await trx.updateTable('rooms').set({ name_key: 'gaming' }).where('name_key', '=', 'renamed').execute();
      return inside;
    });
    expect(seen).toBe(1);
    const misuse = preparedQuery((db, p: { column: string }) =>
      db.selectFrom('rooms').select(sql.ref(p.column).as('x')),
    );
    // A definition error, found on first use: thrown at once rather than run with a marker.
    expect(() => misuse(db, { column: 'id' })).toThrow(/not a bound parameter/);
  });

  it('migrates and seeds idempotently', async () => {
    const again = await open();
    const channels = await again.db
      .selectFrom('rooms')
      .select('name')
      .where('kind', '=', 'channel')
      .execute();
    expect(channels.map((c) => c.name).sort()).toEqual(['gaming', 'general', 'tech']);
  });

  it('hands out gap-free, unique seqs to concurrent writers on two nodes', async () => {
    const alice = await newUser(nodeA);
    const room = await group(nodeA, alice.user);
    const sends = Array.from({ length: 60 }, (_, i) =>
      (i % 2 ? nodeA : nodeB).messageSend.send(alice.user, {
        roomId: room.id,
        clientMsgId: randomUUID(),
        text: `m${i}`,
      }),
    );
    const seqs = (await Promise.all(sends)).map((r) => r.value.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const { events } = await nodeB.history.sync(alice.user.id, { [room.id]: 0 });
    expect(events.map((e) => e.seq)).toEqual(seqs);
  });

  it('stores a clientMsgId retried on two nodes at once exactly once', async () => {
    const alice = await newUser(nodeA);
    const room = await group(nodeA, alice.user);
    const input = { roomId: room.id, clientMsgId: randomUUID(), text: 'once' };
    const [a, b] = await Promise.all([
      nodeA.messageSend.send(alice.user, input),
      nodeB.messageSend.send(alice.user, input),
    ]);
    expect(a.value.message.id).toBe(b.value.message.id);
    expect([a.value.duplicate, b.value.duplicate].sort()).toEqual([false, true]);
    const page = await nodeA.history.history(alice.user.id, room.id, undefined, 100);
    expect(page.messages).toHaveLength(1);
  });

  it('returns the original to a retry sent after its author left, and takes no seq for a non-member', async () => {
    const alice = await newUser(nodeA);
    const bob = await newUser(nodeA);
    const room = await group(nodeA, alice.user, [bob.user]);
    const input = { roomId: room.id, clientMsgId: randomUUID(), text: 'sent before leaving' };
    const first = (await nodeA.messageSend.send(bob.user, input)).value;
    await nodeA.membership.leave(bob.user, room.id);
    const retried = (await nodeB.messageSend.send(bob.user, input)).value;
    expect(retried).toMatchObject({ duplicate: true, message: { id: first.message.id } });
    await expect(
      nodeB.messageSend.send(bob.user, { roomId: room.id, clientMsgId: randomUUID(), text: 'not a member' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    // The refused send left no hole in the log: the next message follows the leave line.
    const next = (
      await nodeA.messageSend.send(alice.user, { roomId: room.id, clientMsgId: randomUUID(), text: 'next' })
    ).value.message;
    const { events } = await nodeA.history.sync(alice.user.id, { [room.id]: 0 });
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: next.seq }, (_, i) => i + 1));
    expect(events.slice(-2).map((e) => e.type)).toEqual(['room:member-left', 'message:new']);
  });

  it('returns the original to a retry whose quoted message was deleted meanwhile', async () => {
    const alice = await newUser(nodeA);
    const room = await group(nodeA, alice.user);
    const quoted = (
      await nodeA.messageSend.send(alice.user, { roomId: room.id, clientMsgId: randomUUID(), text: 'q' })
    ).value.message;
    const input = { roomId: room.id, clientMsgId: randomUUID(), text: 'a reply', replyTo: quoted.id };
    const first = (await nodeA.messageSend.send(alice.user, input)).value;
    await nodeB.messageDelete.delete(alice.user, quoted.id);
    const retried = (await nodeB.messageSend.send(alice.user, input)).value;
    expect(retried).toMatchObject({ duplicate: true, message: { id: first.message.id } });
    // A new message quoting the deleted one is still refused, and takes no seq.
    await expect(
      nodeA.messageSend.send(alice.user, { ...input, clientMsgId: randomUUID() }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    const { events } = await nodeA.history.sync(alice.user.id, { [room.id]: 0 });
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  // SQLite has one writer: there, nothing waits for the room's lock.
  if (backend.name === 'postgres')
    it('takes no seq for a member whose removal another node commits while the send waits for the room', async () => {
      const alice = await newUser(nodeA);
      const bob = await newUser(nodeA);
      const room = await group(nodeA, alice.user, [bob.user]);
      const db = databases[0]!.db;
      const removal = await db.startTransaction().execute();
      await lockRoom(removal, room.id);
      await removal
        .deleteFrom('room_members')
        .where('room_id', '=', room.id)
        .where('user_id', '=', bob.user.id)
        .execute();
      // On another connection, Bob's send waits for the room row's lock…
      const send = nextSeqForMember(db, room.id, bob.user.id);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // …which it gets once the removal has committed: it must see that removal.
      await removal.commit().execute();
      expect(await send).toBeUndefined();
    });

  it('replays messages, joins, leaves and changes as one log, each seq once, page by page', async () => {
    const alice = await newUser(nodeA);
    const bob = await newUser(nodeB);
    const room = await group(nodeA, alice.user);
    const say = async (text: string) =>
      (await nodeA.messageSend.send(alice.user, { roomId: room.id, clientMsgId: randomUUID(), text })).value
        .message;
    const first = await say('one');
    await nodeB.membership.addGroupMember(alice.user, room.id, bob.user.id);
    await say('two');
    await nodeB.messageEdit.edit(alice.user, first.id, 'one, edited');
    await nodeA.reactions.toggle(bob.user, first.id, '👀');
    const third = await say('three');
    await nodeA.membership.removeGroupMember(alice.user, room.id, bob.user.id);
    await nodeB.messageDelete.delete(alice.user, third.id);
    await say('four');
    const expected = [
      'message:new',
      'room:member-joined',
      'message:new',
      'message:updated',
      'reaction:updated',
      'message:new',
      'room:member-left',
      'message:deleted',
      'message:new',
    ];
    const seen: { seq: number; type: string }[] = [];
    let cursor = 0;
    for (let page = 0; page < 10; page++) {
      const { events, more } = await nodeB.history.sync(alice.user.id, { [room.id]: cursor }, 2);
      seen.push(...events.map((e) => ({ seq: e.seq, type: e.type })));
      cursor = events.at(-1)?.seq ?? cursor;
      if (!more) break;
    }
    expect(seen.map((e) => e.type)).toEqual(expected);
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: expected.length }, (_, i) => i + 1));
  });

  it('opens one DM per pair even when both sides open it at once', async () => {
    const alice = await newUser(nodeA);
    const bob = await newUser(nodeB);
    const [a, b] = await Promise.all([
      nodeA.roomCreation.openDm(alice.user, bob.user.id),
      nodeB.roomCreation.openDm(bob.user, alice.user.id),
    ]);
    expect(a.value.id).toBe(b.value.id);
  });

  it('replays edits, reactions and deletions in order and pages history', async () => {
    const alice = await newUser(nodeA);
    const bob = await newUser(nodeA);
    const room = await group(nodeA, alice.user, [bob.user]);
    const sent = [];
    for (let i = 0; i < 5; i++) {
      sent.push(
        (
          await nodeA.messageSend.send(alice.user, {
            roomId: room.id,
            clientMsgId: randomUUID(),
            text: `t${i}`,
          })
        ).value.message,
      );
    }
    await nodeB.messageEdit.edit(alice.user, sent[0]!.id, 'edited');
    await nodeB.reactions.toggle(bob.user, sent[0]!.id, '👍');
    await nodeA.messageDelete.delete(alice.user, sent[4]!.id);
    const { events, more } = await nodeA.history.sync(bob.user.id, { [room.id]: sent[2]!.seq }, 3);
    expect(more).toBe(true);
    expect(events.map((e) => e.type)).toEqual(['message:new', 'message:new', 'message:updated']);
    const rest = await nodeA.history.sync(bob.user.id, { [room.id]: events.at(-1)!.seq }, 3);
    expect(rest.events.map((e) => e.type)).toEqual(['reaction:updated', 'message:deleted']);
    expect(rest.more).toBe(false);

    const page1 = await nodeA.history.history(bob.user.id, room.id, undefined, 2);
    expect(page1.messages.map((m) => m.text)).toEqual(['t3', 't2']);
    const page2 = await nodeA.history.history(bob.user.id, room.id, page1.nextBefore!, 10);
    expect(page2.messages.map((m) => m.text)).toEqual(['t1', 'edited']);
    expect(page2.messages.at(-1)!.reactions).toEqual([{ emoji: '👍', userIds: [bob.user.id] }]);
    expect(page2.nextBefore).toBeNull();
  });

  it('deletes a code room and all of its rows when the last member leaves', async () => {
    const alice = await newUser(nodeA, 'guest');
    const bob = await newUser(nodeB, 'guest');
    const { room, code } = (await nodeA.roomCreation.createCodeRoom(alice.user, {})).value;
    await nodeB.membership.joinByCode(bob.user, code, 'test');
    const { message } = (
      await nodeB.messageSend.send(bob.user, { roomId: room.id, clientMsgId: randomUUID(), text: 'bye' })
    ).value;
    await nodeA.reactions.toggle(alice.user, message.id, '👋');
    await nodeA.membership.leave(alice.user, room.id);
    const effects = (await nodeB.membership.leave(bob.user, room.id)).effects;
    expect(effects).toContainEqual({ kind: 'room-deleted', roomId: room.id, reason: 'empty' });
    const db = databases[0]!.db;
    for (const [table, column] of [
      ['rooms', 'id'],
      ['room_members', 'room_id'],
      ['messages', 'room_id'],
      ['room_events', 'room_id'],
    ] as const) {
      const rows = await db.selectFrom(table).selectAll().where(column, '=', room.id).execute();
      expect(rows, table).toEqual([]);
    }
    expect(
      await db.selectFrom('reactions').selectAll().where('message_id', '=', message.id).execute(),
    ).toEqual([]);
  });

  it('lets no more members in than maxMembers when two nodes admit at once', async () => {
    for (let round = 0; round < 5; round++) {
      const owner = await newUser(nodeA, 'guest');
      const [x, y] = [await newUser(nodeA, 'guest'), await newUser(nodeB, 'guest')];
      const { room, code } = (await nodeA.roomCreation.createCodeRoom(owner.user, { maxMembers: 2 })).value;
      const results = await Promise.allSettled([
        nodeA.membership.joinByCode(x.user, code, 'test'),
        nodeB.membership.joinByCode(y.user, code, 'test'),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const members = await databases[0]!.db
        .selectFrom('room_members')
        .selectAll()
        .where('room_id', '=', room.id)
        .execute();
      expect(members).toHaveLength(2);
    }
  });

  it('deletes a code room whose last two members leave on two nodes at once', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await newUser(nodeA, 'guest');
      const b = await newUser(nodeB, 'guest');
      const { room, code } = (await nodeA.roomCreation.createCodeRoom(a.user, {})).value;
      await nodeB.membership.joinByCode(b.user, code, 'test');
      await Promise.all([nodeA.membership.leave(a.user, room.id), nodeB.membership.leave(b.user, room.id)]);
      const left = await databases[0]!.db.selectFrom('rooms').selectAll().where('id', '=', room.id).execute();
      expect(left).toEqual([]);
    }
  });

  it('finds users whose names contain LIKE wildcards literally', async () => {
    const searcher = await newUser(nodeA);
    const name = `snake_${randomUUID().slice(0, 6)}`;
    await nodeA.auth.register(name, 'long enough pw', 'test');
    await nodeA.auth.register(name.replace('_', 'x'), 'long enough pw', 'test');
    const found = await nodeA.people.search(searcher.user.id, name.slice(0, 7));
    expect(found.map((u) => u.username)).toEqual([name]);
  });

  it('expires sessions and frees the names of guests left without one, after a hold', async () => {
    const visitor = await newUser(nodeA, 'guest');
    const member = await newUser(nodeA);
    expect(await nodeA.auth.authenticate(visitor.token)).not.toBeNull();
    clock += 2_000;
    expect(await nodeA.auth.authenticate(visitor.token)).toBeNull();
    expect(await nodeA.auth.expireSessions()).toContain(visitor.session.id);
    // Held as long as a guest session lasts (1 s here), on every node.
    await expect(nodeB.auth.guest(visitor.user.username, 'test')).rejects.toThrow('recently');
    clock += 1_000;
    await expect(nodeB.auth.guest(visitor.user.username, 'test')).resolves.toBeTruthy();
    expect(await nodeA.auth.authenticate(member.token)).not.toBeNull();
  });

  it('never frees the name of a guest who is still signed in, whatever marks it as gone', async () => {
    const visitor = await newUser(nodeA, 'guest');
    // As a sweep that ran between a sign-up's steps would have marked it.
    await nodeA.writes.run((trx) =>
      trx.updateTable('users').set({ name_released_at: 0 }).where('id', '=', visitor.user.id).execute(),
    );
    clock += 500;
    await nodeA.auth.expireSessions();
    expect(await nodeA.auth.authenticate(visitor.token)).not.toBeNull();
    await expect(nodeB.auth.guest(visitor.user.username, 'test')).rejects.toThrow();
  });
});

describe.each(backends)('log migration on $name', (backend) => {
  it('keeps every entry of an existing log exactly once when messages become their own entries', async () => {
    const target = backend.name === 'sqlite' ? undefined : await createTestDatabase();
    const db = new Kysely<Schema>({
      dialect: target
        ? new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 2 }) })
        : new SqliteDialect({ database: new SQLite(`${tempDir()}/old.sqlite`) }),
    });
    try {
      const migrator = new Migrator({ db, provider: migrationProvider });
      expect((await migrator.migrateTo('003-member-count')).error).toBeUndefined();
      // A log written the old way: each message also copied into room_events, plus one edit.
      // The columns of that release only (later migrations add the rest).
      const { topic, description, read_only, archived_at, ...room } = roomRow({
        kind: 'channel',
        name: 'old',
        name_key: 'old',
        created_at: 1,
      });
      void [topic, description, read_only, archived_at];
      await db
        .insertInto('rooms')
        .values({ ...room, last_seq: 4 })
        .execute();
      const rows = [
        messageRow({
          room_id: room.id,
          seq: 1,
          kind: 'system',
          system: 'joined',
          author_id: 'u1',
          created_at: 1,
        }),
        messageRow({ room_id: room.id, seq: 2, kind: 'user', author_id: 'u1', text: 'hi', created_at: 2 }),
        messageRow({ room_id: room.id, seq: 3, kind: 'user', author_id: 'u1', text: 'yo', created_at: 3 }),
      ];
      await db.insertInto('messages').values(rows).execute();
      const copies = ['room:member-joined', 'message:new', 'message:new'];
      await db
        .insertInto('room_events')
        .values([
          ...rows.map((m, i) => ({
            room_id: room.id,
            seq: m.seq,
            type: copies[i]!,
            message_id: m.id,
            user_id: 'u1',
            created_at: m.created_at,
          })),
          {
            room_id: room.id,
            seq: 4,
            type: 'message:updated',
            message_id: rows[1]!.id,
            user_id: 'u1',
            created_at: 4,
          },
        ])
        .execute();

      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const log = await logAfter(db, room.id, 0, 100);
      expect(log.map((e) => [Number(e.seq), e.type, e.message_id])).toEqual([
        [1, 'room:member-joined', rows[0]!.id],
        [2, 'message:new', rows[1]!.id],
        [3, 'message:new', rows[2]!.id],
        [4, 'message:updated', rows[1]!.id],
      ]);
    } finally {
      await db.destroy();
      await target?.drop();
    }
  });
});
