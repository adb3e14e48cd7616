import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResults } from '../../src/shared/protocol.js';
import {
  type ClientSocket,
  channelId,
  closeAllSockets,
  connect,
  ok,
  register,
  send,
  uniqueName,
} from '../helpers/clients.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue #18 over HTTP, as two people with different rooms: each finds what they may read and
 * nothing else; the typed filters and the UI's parameters; pages that keep their total; every
 * bad input a clear 400; the rate limit; and what a search sees right after an edit or delete.
 */
const BACKENDS = [
  { name: 'sqlite', database: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', database: createTestDatabase }] : []),
];

describe.each(BACKENDS)('searching messages over HTTP, on $name', (backend) => {
  let database: Awaited<ReturnType<typeof backend.database>>;
  let server: TestServer;
  let ana: { token: string; user: { id: string; username: string }; socket: ClientSocket };
  let ben: { token: string; user: { id: string; username: string }; socket: ClientSocket };
  let general: string;
  let secret: string;

  const searchAs = async (token: string, params: Record<string, string | number>) => {
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
    const response = await fetch(`${server.url}/api/search?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as SearchResults & Record<string, any> };
  };
  const texts = (results: SearchResults) => results.hits.map((hit) => hit.message.text);

  beforeAll(async () => {
    database = await backend.database();
    server = await startTestServer({ databaseUrl: database.url }, { rateRules: relaxedLimits });
    const signUp = async () => {
      const auth = await register(server.url, uniqueName('p'));
      return { ...auth, socket: await connect(server.url, auth.token) };
    };
    ana = await signUp();
    ben = await signUp();
    general = await channelId(ana.socket, 'general');
    // A group only Ana is in.
    secret = (await ok(ana.socket, 'room:create', { kind: 'group', name: uniqueName('plans') })).room.id;
    await send(ana.socket, general, 'The redeployment of the Café service is tonight');
    await send(ben.socket, general, 'I will deploy after dinner');
    await send(ana.socket, secret, 'deploy the surprise party decorations');
    await send(ana.socket, general, '東京の会議は明日です');
    await send(ben.socket, general, `@${ana.user.username} please review https://example.com/pr/1`);
  });
  afterAll(async () => {
    closeAllSockets();
    await server.close();
    await database.drop();
  });

  it('finds parts of words, any case or accent, in the rooms each person may read', async () => {
    const forAna = await searchAs(ana.token, { q: 'deploy' });
    expect(forAna.status).toBe(200);
    expect(texts(forAna.body).sort()).toEqual([
      'I will deploy after dinner',
      'The redeployment of the Café service is tonight',
      'deploy the surprise party decorations',
    ]);
    expect(forAna.body.total).toBe(3);
    expect(forAna.body.highlight).toEqual(['deploy']);
    const hit = forAna.body.hits.find((h) => h.room.id === secret)!;
    expect(hit.room).toMatchObject({ kind: 'group', joined: true });

    // Ben is not in the group: its message is not found, and not counted either.
    const forBen = await searchAs(ben.token, { q: 'deploy' });
    expect(texts(forBen.body)).not.toContain('deploy the surprise party decorations');
    expect(forBen.body.total).toBe(2);

    expect(texts((await searchAs(ana.token, { q: 'cafe REDEPLOY' })).body)).toEqual([
      'The redeployment of the Café service is tonight',
    ]);
    expect(texts((await searchAs(ana.token, { q: '会議' })).body)).toEqual(['東京の会議は明日です']);
    expect(texts((await searchAs(ana.token, { q: 'deploy -dinner -party' })).body)).toEqual([
      'The redeployment of the Café service is tonight',
    ]);
    expect(texts((await searchAs(ana.token, { q: '"deploy after"' })).body)).toEqual([
      'I will deploy after dinner',
    ]);
  });

  it('takes the filters typed and picked', async () => {
    expect(texts((await searchAs(ana.token, { q: `deploy from:@${ben.user.username}` })).body)).toEqual([
      'I will deploy after dinner',
    ]);
    expect(texts((await searchAs(ana.token, { q: 'deploy', from: ben.user.id })).body)).toEqual([
      'I will deploy after dinner',
    ]);
    expect(texts((await searchAs(ana.token, { q: 'deploy', room: secret })).body)).toEqual([
      'deploy the surprise party decorations',
    ]);
    expect(texts((await searchAs(ana.token, { q: 'deploy in:#general' })).body)).toHaveLength(2);
    expect(texts((await searchAs(ana.token, { q: 'has:link' })).body)).toEqual([
      `@${ana.user.username} please review https://example.com/pr/1`,
    ]);
    expect(texts((await searchAs(ana.token, { q: 'is:mention' })).body)).toHaveLength(1);
    expect((await searchAs(ben.token, { q: 'is:mention' })).body.hits).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await searchAs(ana.token, { q: `deploy on:${today}` })).body.total).toBe(3);
    expect((await searchAs(ana.token, { q: `deploy before:${today}` })).body.total).toBe(0);
    expect((await searchAs(ana.token, { q: 'deploy', after: today })).body.total).toBe(0);
  });

  it('pages newest first, every page telling the first page’s total', async () => {
    const first = await searchAs(ana.token, { q: 'deploy', limit: 2 });
    expect(first.body.hits).toHaveLength(2);
    expect(first.body.total).toBe(3);
    const second = await searchAs(ana.token, { q: 'deploy', limit: 2, cursor: first.body.nextCursor! });
    expect(second.status).toBe(200);
    expect(second.body.total).toBe(3);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.hits, ...second.body.hits];
    expect(new Set(all.map((h) => h.message.id)).size).toBe(3);
    const times = all.map((h) => h.message.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('orders by relevance when asked: whole words first, with pages that neither repeat nor skip', async () => {
    // Sent best first, so newest first is the other way round.
    for (const text of ['kiwi: deploy at noon', 'kiwi deployment notes', 'we redeploy the kiwi']) {
      await send(ana.socket, general, text);
    }
    const ranked = await searchAs(ana.token, { q: 'deploy kiwi', order: 'relevance' });
    expect(ranked.status).toBe(200);
    expect(texts(ranked.body)).toEqual([
      'kiwi: deploy at noon',
      'kiwi deployment notes',
      'we redeploy the kiwi',
    ]);
    const newest = await searchAs(ana.token, { q: 'deploy kiwi' });
    expect(texts(newest.body)).toEqual([
      'we redeploy the kiwi',
      'kiwi deployment notes',
      'kiwi: deploy at noon',
    ]);
    const first = await searchAs(ana.token, { q: 'deploy kiwi', order: 'relevance', limit: 2 });
    const second = await searchAs(ana.token, {
      q: 'deploy kiwi',
      order: 'relevance',
      limit: 2,
      cursor: first.body.nextCursor!,
    });
    expect([...texts(first.body), ...texts(second.body)]).toEqual(texts(ranked.body));
    expect(second.body).toMatchObject({ total: 3, nextCursor: null });
    // A cursor of one order does not page the other.
    const mixed = await searchAs(ana.token, { q: 'deploy kiwi', limit: 2, cursor: first.body.nextCursor! });
    expect(mixed.status).toBe(400);
    expect(mixed.body.field).toBe('cursor');
  });

  it('never shows an archived channel to someone not in it, and takes no pattern from the query', async () => {
    const name = uniqueName('old');
    const { room } = await ok(ben.socket, 'room:create', { kind: 'channel', name });
    await send(ben.socket, room.id, 'archived walrus plans');
    expect((await searchAs(ana.token, { q: 'walrus', publicChannels: '1' })).body.total).toBe(1);
    await ok(ben.socket, 'room:update', { roomId: room.id, archived: true });
    // Its member still finds it; nobody else does, by any path.
    expect((await searchAs(ben.token, { q: 'walrus' })).body.total).toBe(1);
    expect((await searchAs(ana.token, { q: 'walrus', publicChannels: '1' })).body.total).toBe(0);
    expect((await searchAs(ana.token, { q: 'walrus', publicChannels: '1', room: room.id })).body.total).toBe(
      0,
    );
    const named = await searchAs(ana.token, { q: `walrus in:#${name}`, publicChannels: '1' });
    expect(named.status).toBe(400);

    // Full-width ％ ＿ ＼ fold to the LIKE wildcards on PostgreSQL: still only themselves.
    for (const q of ['＿＿＿', 'o％e', 'de＼%p']) {
      expect((await searchAs(ana.token, { q })).body.total, q).toBe(0);
    }
  });

  it('finds a mention of a name, not of a longer name that starts with it', async () => {
    const namesake = await register(server.url, `${ana.user.username}bot`);
    const socket = await connect(server.url, namesake.token);
    await send(socket, general, `@${ana.user.username}bot ping`);
    await send(socket, general, `hi @${ana.user.username}.`);
    const mentions = texts((await searchAs(ana.token, { q: 'is:mention' })).body);
    expect(mentions).toContain(`hi @${ana.user.username}.`);
    expect(mentions).not.toContain(`@${ana.user.username}bot ping`);
    expect(texts((await searchAs(namesake.token, { q: 'is:mention' })).body)).toEqual([
      `@${ana.user.username}bot ping`,
    ]);
  });

  it('names a DM hit by the other person', async () => {
    const { room } = await ok(ana.socket, 'dm:open', { userId: ben.user.id });
    await send(ben.socket, room.id, 'a private pelican');
    const [hit] = (await searchAs(ana.token, { q: 'pelican' })).body.hits;
    expect(hit!.room).toMatchObject({ id: room.id, kind: 'dm', name: null, joined: true });
    expect(hit!.room.peer).toMatchObject({ id: ben.user.id, username: ben.user.username });
  });

  it('sees an edit and a deletion at once', async () => {
    const { message } = await send(ben.socket, general, 'an unmistakable zebrafish');
    expect((await searchAs(ana.token, { q: 'zebrafish' })).body.total).toBe(1);
    await ok(ben.socket, 'message:edit', { messageId: message.id, text: 'an unmistakable okapi' });
    expect((await searchAs(ana.token, { q: 'zebrafish' })).body.total).toBe(0);
    expect((await searchAs(ana.token, { q: 'okapi' })).body.total).toBe(1);
    await ok(ben.socket, 'message:delete', { messageId: message.id });
    expect((await searchAs(ana.token, { q: 'okapi' })).body.total).toBe(0);
  });

  it('answers every bad query with a clear 400, and strangers with 401', async () => {
    const cases: [Record<string, string | number>, string, string][] = [
      [{ q: 'de' }, 'q', 'at least 3 characters'],
      [{ q: '' }, 'q', ''],
      [{ q: 'x'.repeat(501) }, 'q', ''],
      [{ q: '-deploy' }, 'q', 'not only words to leave out'],
      [{ q: 'deploy from:@nobody-at-all' }, 'q', 'nobody here is called'],
      [{ q: 'deploy in:#no-such-room' }, 'q', 'no room called'],
      [{ q: 'has:pdf' }, 'q', 'has: takes'],
      [{ q: 'deploy before:2026-02-30' }, 'q', ''],
      [{ q: 'deploy', cursor: 'bm90IG9uZSBvZiBvdXJz' }, 'cursor', 'not valid'],
      [{ q: 'deploy', limit: 0 }, 'limit', ''],
      [{ q: 'deploy', limit: 51 }, 'limit', ''],
      [{ q: 'deploy', has: 'pdf' }, 'has', ''],
      [{ q: 'deploy', after: 'yesterday' }, 'after', ''],
      [{ q: 'deploy', room: 'x'.repeat(65) }, 'room', ''],
      [{ q: 'deploy', colour: 'red' }, '', ''],
      [{ q: `deploy after:2030-01-02 before:2030-01-01` }, 'q', 'no time'],
      [{ q: 'deploy\u0000' }, 'q', 'control characters'],
      [{ q: 'alpha bravo charlie delta echo foxtrot golf hotel india' }, 'q', 'at most 8'],
      [{ q: 'deploy -alpha -bravo -charlie -delta -echo' }, 'q', 'at most 4'],
      [{ q: 'x'.repeat(65) }, 'q', 'at most 64'],
    ];
    for (const [params, field, message] of cases) {
      const answer = await searchAs(ana.token, params);
      expect(answer.status, JSON.stringify(params)).toBe(400);
      expect(answer.body.code).toBe('bad_request');
      if (field) expect(answer.body.field, JSON.stringify(params)).toBe(field);
      if (message) expect(answer.body.detail).toContain(message);
    }
    // Someone else's room id finds nothing (and says nothing about the room).
    expect((await searchAs(ben.token, { q: 'deploy', room: secret })).body).toMatchObject({
      total: 0,
      hits: [],
    });
    const anonymous = await fetch(`${server.url}/api/search?q=deploy`);
    expect(anonymous.status).toBe(401);
  });

  it('limits how fast one person searches', async () => {
    // The production rule, on a server of its own.
    const strict = await startTestServer({ databaseUrl: database.url, dataDir: server.dataDir });
    try {
      const search = (token: string) =>
        fetch(`${strict.url}/api/search?q=deploy`, { headers: { authorization: `Bearer ${token}` } });
      const statuses: number[] = [];
      for (let i = 0; i < 14; i++) statuses.push((await search(ana.token)).status);
      expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
      expect(statuses).toContain(429);
      // Another person is not slowed by it.
      expect((await search(ben.token)).status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});
