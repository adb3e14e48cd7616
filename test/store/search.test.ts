import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../src/server/domain/search-query.js';
import { type Database, openDatabase } from '../../src/server/store/database.js';
import { deleteMember, insertMembers } from '../../src/server/store/memberships.js';
import {
  insertMessage,
  type MessageRow,
  messageRow,
  tombstoneMessage,
  updateMessageText,
} from '../../src/server/store/messages.js';
import { insertBan } from '../../src/server/store/room-bans.js';
import { insertRoom, roomRow } from '../../src/server/store/rooms.js';
import type { Schema } from '../../src/server/store/schema.js';
import { type MessageSearch, SEARCH_COUNT_CAP, searchMessages } from '../../src/server/store/search.js';
import { flushSearchIndex } from '../../src/server/store/search-index.js';
import { WriteQueue } from '../../src/server/store/write-queue.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { tempDir } from '../helpers/server.js';

/**
 * Message search (store/search.ts, migration 014) on every backend: the matching rules, the
 * filters, and who may find what. Queries go through the query language's parser
 * (domain/search-query.ts), as the service will pass them.
 */
const backends = [
  { name: 'sqlite', url: async () => ({ url: undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', url: createTestDatabase }] : []),
];

const DAY = 86_400_000;
const day = (text: string) => Date.parse(`${text}T00:00:00Z`);

describe.each(backends)('message search on $name', (backend) => {
  let target: { url: string | undefined; drop(): Promise<void> };
  let database: Database;
  let clock = Date.UTC(2024, 0, 1);
  const seqs = new Map<string, number>();
  const users: Record<string, string> = {};
  const rooms: Record<string, string> = {};
  /** The table room's messages by their number in `TEXTS`. */
  const numbered = new Map<string, number>();

  const writer = () => database.writer;
  /** Writes as the write queue does: the search index is flushed in the same transaction. */
  const commit = (work: (trx: Kysely<Schema>) => Promise<unknown>) =>
    writer()
      .transaction()
      .execute(async (trx) => {
        await work(trx);
        await flushSearchIndex(trx);
      });
  const post = async (room: string, author: string, text: string, at = ++clock): Promise<MessageRow> => {
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const row = messageRow({
      room_id: rooms[room]!,
      seq,
      kind: 'user',
      author_id: users[author]!,
      created_at: at,
      text,
    });
    await commit((trx) => insertMessage(trx, row));
    return row;
  };
  const newRoom = async (name: string, kind: 'channel' | 'group' | 'dm', members: string[]) => {
    const row = roomRow({
      kind,
      created_at: ++clock,
      name,
      name_key: kind === 'channel' ? `${name}-${randomUUID()}` : null,
    });
    await insertRoom(writer(), row);
    rooms[name] = row.id;
    await insertMembers(
      writer(),
      row.id,
      members.map((m) => ({ userId: users[m]!, role: 'member' as const, lastReadSeq: 0 })),
      clock,
    );
  };

  /** Runs a typed query as `user`, the parser's rooms and authors looked up by name. */
  const search = async (query: string, user = 'alice', extra: Partial<MessageSearch> = {}) => {
    const parsed = parseSearchQuery(query);
    if (!parsed.ok) throw new Error(parsed.message);
    const q = parsed.query;
    const on = q.on ? day(q.on) : undefined;
    return searchMessages(database.db, {
      userId: users[user]!,
      terms: q.terms,
      excluded: q.excluded,
      roomIds: q.rooms.length > 0 ? q.rooms.map((r) => rooms[r] ?? 'none') : undefined,
      authorIds: q.authors.length > 0 ? q.authors.map((a) => users[a] ?? 'none') : undefined,
      has: q.has,
      before: q.before ? day(q.before) : on !== undefined ? on + DAY : undefined,
      after: q.after ? day(q.after) : on,
      mentionOf: q.isMention ? user : undefined,
      limit: 50,
      ...extra,
    });
  };
  const texts = async (query: string, user = 'alice', extra: Partial<MessageSearch> = {}) =>
    (await search(query, user, extra)).rows.map((row) => row.text);
  const numbers = async (query: string, narrowScopeMax?: number) =>
    (await search(query, 'alice', { roomIds: [rooms.table!], narrowScopeMax })).rows.map((row) =>
      numbered.get(row.id),
    );

  /** The matching table's room: message n is written on 2024-01-n, by alice unless noted. */
  const TEXTS: [string, string?][] = [
    ['The redeployment finished'],
    ['Meet at the Café at noon'],
    ['DEPLOY NOW please'],
    ['deploy now or later'],
    ['now deploy'],
    ['我们明天在東京见面吧'],
    ['東京タワーに行きました'],
    ['see https://example.com/docs'],
    ['hey @alice look at this'],
    ['staging deploy failed', 'bob'],
    ['a picture of the office'],
    ['the report as a pdf'],
    ['100% done'],
    ['she said "inner" twice'],
    ['ÉCOLE normale'],
    ['hey @alicia, not alice'],
  ];

  beforeAll(async () => {
    target = await backend.url();
    database = await openDatabase({
      url: target.url,
      dataDir: tempDir(),
      sqliteSynchronous: 'NORMAL',
      logger: pino({ level: 'silent' }),
    });
    for (const name of ['alice', 'bob', 'carol']) {
      users[name] = randomUUID();
      await writer()
        .insertInto('users')
        .values({
          id: users[name],
          username: name,
          username_key: name,
          username_skeleton: `${name}-${users[name]}`,
          password_hash: null,
          is_guest: 0,
          created_at: 1,
          last_seen_at: null,
          name_released_at: null,
          deactivated_at: null,
        })
        .execute();
    }
    await newRoom('table', 'group', ['alice', 'bob']);
    for (const [i, [text, author]] of TEXTS.entries()) {
      const row = await post('table', author ?? 'alice', text, Date.UTC(2024, 0, i + 1));
      numbered.set(row.id, i + 1);
    }
    const upload = (messageId: string, kind: 'image' | 'file') =>
      writer()
        .insertInto('uploads')
        .values({
          id: randomUUID(),
          uploader_id: users.alice!,
          room_id: rooms.table!,
          message_id: messageId,
          kind,
          mime: kind === 'image' ? 'image/png' : 'application/pdf',
          size: 10,
          name: 'x',
          width: null,
          height: null,
          thumb_width: null,
          thumb_height: null,
          created_at: 1,
          attached_at: 1,
          removed_at: null,
        })
        .execute();
    const byNumber = (n: number) => [...numbered].find(([, m]) => m === n)![0];
    await upload(byNumber(11), 'image');
    await upload(byNumber(12), 'file');
    clock = Date.UTC(2024, 6, 1);
  });
  afterAll(async () => {
    await database?.close();
    await target?.drop();
  });

  it.each<[string, number[]]>([
    // Part of a word, any case.
    ['deploy', [10, 5, 4, 3, 1]],
    ['DEPLOY', [10, 5, 4, 3, 1]],
    ['ploym', [1]],
    // Accents either way round.
    ['cafe', [2]],
    ['CAFÉ', [2]],
    ['ecole', [15]],
    // Several words: all of them, in any order.
    ['deploy now', [5, 4, 3]],
    ['now deploy finished', []],
    // A phrase: those words, in that order.
    ['"deploy now"', [4, 3]],
    ['"now deploy"', [5]],
    // Leaving out.
    ['deploy -staging', [5, 4, 3, 1]],
    ['deploy -"deploy now"', [10, 5, 1]],
    ['deploy -later -please', [10, 5, 1]],
    // CJK mid-sentence: two characters and three.
    ['東京', [7, 6]],
    ['京见面', [6]],
    ['タワー', [7]],
    ['東京 -タワー', [6]],
    // Characters that mean something to LIKE or FTS5 are only characters.
    ['"0% d"', [13]],
    ['1_0', []],
    ['inner"', [14]],
    // Filters.
    ['has:link', [8]],
    ['has:image', [11]],
    ['has:file', [12, 11]],
    ['has:file has:image', [11]],
    ['from:@bob', [10]],
    ['deploy from:@alice', [5, 4, 3, 1]],
    // `@alice`, not `@alicia` or a bare `alice`.
    ['is:mention', [9]],
    ['before:2024-01-03', [2, 1]],
    ['deploy after:2024-01-04', [10, 5, 4]],
    ['on:2024-01-05', [5]],
    ['deploy after:2024-01-02 before:2024-01-05', [4, 3]],
  ])('%s', async (query, expected) => {
    // The room is a narrow scope, read message by message on SQLite; with no scope counted
    // narrow, the index is walked. Both ways must find the same.
    expect(await numbers(query)).toEqual(expected);
    expect(await numbers(query, 0)).toEqual(expected);
  });

  it('filters by room', async () => {
    await newRoom('other', 'group', ['alice']);
    await post('other', 'alice', 'deploy elsewhere');
    expect(await texts('deploy in:#other')).toEqual(['deploy elsewhere']);
    expect((await texts('deploy in:#table')).length).toBe(5);
    expect(await texts('deploy elsewhere')).toEqual(['deploy elsewhere']);
  });

  it('finds only what the user may read', async () => {
    await newRoom('left', 'group', ['alice', 'bob']);
    await newRoom('banned', 'channel', ['alice', 'bob']);
    await newRoom('theirs', 'dm', ['bob', 'carol']);
    await newRoom('mine', 'dm', ['alice', 'carol']);
    await newRoom('lobby', 'channel', ['bob']);
    for (const room of ['left', 'banned', 'theirs', 'mine', 'lobby'])
      await post(room, 'bob', `zebra in ${room}`);
    await post('mine', 'carol', 'zebra from carol');
    await deleteMember(writer(), rooms.left!, users.alice!);
    await deleteMember(writer(), rooms.banned!, users.alice!);
    await insertBan(writer(), {
      roomId: rooms.banned!,
      userId: users.alice!,
      bannedBy: users.bob!,
      reason: null,
      at: 1,
    });

    expect(await texts('zebra')).toEqual(['zebra from carol', 'zebra in mine']);
    // Public channels on request: the one she never joined, not the one she is banned from.
    expect(await texts('zebra', 'alice', { includePublicChannels: true })).toEqual([
      'zebra from carol',
      'zebra in lobby',
      'zebra in mine',
    ]);
    expect(await texts('zebra', 'bob')).toEqual([
      'zebra in lobby',
      'zebra in theirs',
      'zebra in banned',
      'zebra in left',
    ]);
    expect(await texts('zebra', 'carol')).toEqual(['zebra from carol', 'zebra in mine', 'zebra in theirs']);
    // Naming a room one may not read finds nothing there.
    expect(await texts('zebra in:#theirs')).toEqual([]);
  });

  it('forgets a deleted message at once and finds an edited one by its new text only', async () => {
    await newRoom('changes', 'group', ['alice']);
    const doomed = await post('changes', 'alice', 'quokka to be deleted');
    const edited = await post('changes', 'alice', 'wombat original words');
    expect(await texts('quokka')).toEqual(['quokka to be deleted']);
    await commit((trx) => tombstoneMessage(trx, doomed.id, ++clock));
    expect(await texts('quokka')).toEqual([]);
    await commit((trx) => updateMessageText(trx, edited.id, 'wombat revised words', ++clock));
    expect(await texts('original')).toEqual([]);
    expect(await texts('revised')).toEqual(['wombat revised words']);
    expect(await texts('wombat')).toEqual(['wombat revised words']);
  });

  it('finds a message the write queue committed as soon as its job settles', async () => {
    await newRoom('queued', 'group', ['alice']);
    const queue = new WriteQueue(writer(), { runNow: database.runOnWriter, beforeCommit: flushSearchIndex });
    try {
      const write = (text: string, seq: number) =>
        queue.run((trx) =>
          insertMessage(
            trx,
            messageRow({
              room_id: rooms.queued!,
              seq,
              kind: 'user',
              author_id: users.alice!,
              created_at: ++clock,
              text,
            }),
          ),
        );
      // Two jobs in one batch: both indexed by the batch's one flush.
      await Promise.all([write('echidna first', 1), write('echidna second', 2)]);
      expect(await texts('echidna')).toEqual(['echidna second', 'echidna first']);
    } finally {
      await queue.close();
    }
  });

  it('indexes a write made outside the queue with the next flush', async () => {
    await newRoom('outside', 'group', ['alice']);
    seqs.set('outside', 1);
    const row = messageRow({
      room_id: rooms.outside!,
      seq: 1,
      kind: 'user',
      author_id: users.alice!,
      created_at: ++clock,
      text: 'pangolin stray',
    });
    await insertMessage(writer(), row);
    // PostgreSQL's index is the table's own: nothing waits for a flush there.
    expect(await texts('pangolin')).toEqual(backend.name === 'sqlite' ? [] : ['pangolin stray']);
    await post('outside', 'alice', 'pangolin next');
    expect(await texts('pangolin')).toEqual(['pangolin next', 'pangolin stray']);
  });

  it('leaves out system lines', async () => {
    await newRoom('system', 'group', ['alice']);
    const row = messageRow({
      room_id: rooms.system!,
      seq: 1,
      kind: 'system',
      author_id: users.alice!,
      created_at: ++clock,
      text: 'platypus joined',
      system: 'joined',
    });
    await commit((trx) => insertMessage(trx, row));
    expect(await texts('platypus')).toEqual([]);
  });

  it('pages newest first by cursor and caps the count', async () => {
    await newRoom('bulk', 'group', ['alice']);
    const written: string[] = [];
    await writer()
      .transaction()
      .execute(async (trx) => {
        for (let i = 0; i < SEARCH_COUNT_CAP + 5; i++) {
          const seq = (seqs.get('bulk') ?? 0) + 1;
          seqs.set('bulk', seq);
          const row = messageRow({
            room_id: rooms.bulk!,
            seq,
            kind: 'user',
            author_id: users.alice!,
            created_at: ++clock,
            text: `narwhal number ${i}`,
          });
          await insertMessage(trx, row);
          written.push(row.id);
        }
        await flushSearchIndex(trx);
      });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await search('narwhal', 'alice', { cursor, limit: 400 });
      // Counted on the first page only.
      expect(page).toMatchObject(
        cursor ? { total: null, totalCapped: false } : { total: SEARCH_COUNT_CAP, totalCapped: true },
      );
      seen.push(...page.rows.map((row) => row.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(written.reverse());
    const few = await search('narwhal number 100', 'alice', { limit: 5 });
    // 100, and 1000–1004.
    expect(few).toMatchObject({ total: 6, totalCapped: false });
    expect(few.rows).toHaveLength(5);
  });

  it('finds a two-character CJK word anywhere: at the end, in old messages, and leaves it out', async () => {
    await newRoom('far', 'group', ['alice']);
    const old = await post('far', 'alice', '来週の会議');
    await post('far', 'alice', '会議室は二階です');
    // Far more newer messages than any window of recent ones: the word is found by the index.
    const filler = Array.from({ length: 21_000 }, (_, i) =>
      messageRow({
        room_id: rooms.far!,
        seq: 1000 + i,
        kind: 'user',
        author_id: users.alice!,
        created_at: ++clock,
        text: `filler ${i}`,
      }),
    );
    await commit(async (trx) => {
      for (let i = 0; i < filler.length; i += 500) {
        await trx
          .insertInto('messages')
          .values(filler.slice(i, i + 500))
          .execute();
      }
    });
    expect(await texts('会議 in:#far')).toEqual(['会議室は二階です', '来週の会議']);
    expect(await texts('会議 -会議室 in:#far')).toEqual(['来週の会議']);
    expect(await texts('来週 会議')).toEqual(['来週の会議']);
    expect(await texts('議室')).toEqual(['会議室は二階です']);
    expect(await texts('週会')).toEqual([]);
    await commit((trx) => tombstoneMessage(trx, old.id, ++clock));
    expect(await texts('来週')).toEqual([]);
  });
});
