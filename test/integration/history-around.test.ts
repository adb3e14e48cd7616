import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryPage } from '../../src/shared/protocol.js';
import { closeAllSockets, getJson, ok, send, signedIn } from '../helpers/clients.js';
import { createTestDatabase, postgresAdminUrl } from '../helpers/postgres.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue #16: history around a point (a seq, or a message a link names), with cursors to page
 * both ways. Every variant returns its page newest first, like the plain page.
 */

const BACKENDS = [
  { name: 'sqlite', database: async () => ({ url: undefined, drop: async () => {} }) },
  ...(postgresAdminUrl ? [{ name: 'postgres', database: createTestDatabase }] : []),
];

type Page = HistoryPage & { nextAfter: number | null };

describe.each(BACKENDS)('history around a point, on $name', (backend) => {
  let server: TestServer;
  let database: { url: string | undefined; drop(): Promise<void> };
  let alice: Awaited<ReturnType<typeof signedIn>>;
  let outsider: Awaited<ReturnType<typeof signedIn>>;
  let roomId: string;
  /** The seq of message `m<i>`, i from 0 to 39. */
  const seqs: number[] = [];
  const ids: string[] = [];

  const page = async (query: string, token = alice.token) =>
    getJson(`${server.url}/api/rooms/${roomId}/messages?${query}`, token) as Promise<{
      status: number;
      body: Page & { code?: string; detail?: string };
    }>;
  const texts = (p: Page) => p.messages.map((m) => m.text);
  const range = (from: number, to: number) =>
    Array.from({ length: Math.abs(to - from) + 1 }, (_, k) => `m${from > to ? from - k : from + k}`);

  beforeAll(async () => {
    database = await backend.database();
    server = await startTestServer({ databaseUrl: database.url }, { rateRules: relaxedLimits });
    alice = await signedIn(server.url);
    outsider = await signedIn(server.url);
    ({
      room: { id: roomId },
    } = await ok(alice.socket, 'room:create', { kind: 'group', name: 'around' }));
    for (let i = 0; i < 40; i++) {
      const { message } = await send(alice.socket, roomId, `m${i}`);
      seqs.push(message.seq);
      ids.push(message.id);
    }
    // A reaction takes a seq of its own: the room's last seq is past its newest message.
    await ok(alice.socket, 'reaction:toggle', { messageId: ids[39]!, emoji: '👍' });
  });
  afterAll(async () => {
    closeAllSockets();
    await server?.close();
    await database?.drop();
  });

  it('returns the message at a seq with about limit/2 on each side, newest first, and both cursors', async () => {
    const { status, body } = await page(`around=${seqs[20]}&limit=10`);
    expect(status).toBe(200);
    expect(texts(body)).toEqual(range(25, 16));
    expect(body.nextBefore).toBe(seqs[16]);
    expect(body.nextAfter).toBe(seqs[25]);
  });

  it('finds a message by id, as a link carries it', async () => {
    const { status, body } = await page(`aroundMessage=${ids[5]}&limit=6`);
    expect(status).toBe(200);
    expect(texts(body)).toEqual(range(8, 3));
    expect(body.messages.find((m) => m.id === ids[5])?.text).toBe('m5');
  });

  it('pages forward with after until the newest message, and back with before to the start', async () => {
    const seen: string[] = [];
    let { body } = await page(`around=${seqs[10]}&limit=10`);
    seen.push(...texts(body));
    let pages = 0;
    while (body.nextAfter !== null) {
      ({ body } = await page(`after=${body.nextAfter}&limit=10`));
      seen.unshift(...texts(body));
      pages++;
    }
    // m15 is the newest of the first page; 24 newer ones in pages of 10, the last one partial.
    expect(pages).toBe(3);
    expect(texts(body)).toEqual(range(39, 36));
    ({ body } = await page(`around=${seqs[10]}&limit=10`));
    while (body.nextBefore !== null) {
      ({ body } = await page(`before=${body.nextBefore}&limit=10`));
      seen.push(...texts(body));
    }
    expect(seen).toEqual(range(39, 0));
  });

  it('ends the cursors at the edges: nothing older before the first, nothing newer after the last', async () => {
    const start = (await page(`around=${seqs[0]}&limit=10`)).body;
    expect(texts(start)).toEqual(range(5, 0));
    expect(start.nextBefore).toBeNull();
    expect(start.nextAfter).toBe(seqs[5]);
    const end = (await page(`around=${seqs[39]}&limit=10`)).body;
    expect(texts(end)).toEqual(range(39, 35));
    expect(end.nextAfter).toBeNull();
    expect(end.nextBefore).toBe(seqs[35]);
    // The newest page has nothing after it.
    const newest = (await page('limit=10')).body;
    expect(texts(newest)).toEqual(range(39, 30));
    expect(newest.nextAfter).toBeNull();
  });

  it('still points onward from an empty page: back from past the newest, forward from before the first', async () => {
    const pastNewest = (await page(`after=${seqs[39]}&limit=10`)).body;
    expect(pastNewest.messages).toEqual([]);
    expect(pastNewest.nextAfter).toBeNull();
    // `before` is exclusive: one past the point reaches back to the newest message itself.
    expect(pastNewest.nextBefore).toBe(seqs[39]! + 1);
    expect(texts((await page(`before=${pastNewest.nextBefore}&limit=2`)).body)).toEqual(range(39, 38));

    const beforeFirst = (await page(`before=${seqs[0]}&limit=10`)).body;
    expect(beforeFirst.messages).toEqual([]);
    expect(beforeFirst.nextBefore).toBeNull();
    expect(beforeFirst.nextAfter).toBe(seqs[0]! - 1);
    expect(texts((await page(`after=${beforeFirst.nextAfter}&limit=2`)).body)).toEqual(range(0, 1).reverse());
  });

  it('centres on the nearest messages when the seq is not a message (a reaction, a deletion)', async () => {
    await ok(alice.socket, 'message:delete', { messageId: ids[30]! });
    const { body } = await page(`around=${seqs[30]}&limit=4`);
    expect(texts(body)).toEqual(['m32', 'm31', 'm29', 'm28']);
    // A link to the deleted message still finds its place.
    const byId = await page(`aroundMessage=${ids[30]}&limit=4`);
    expect(byId.status).toBe(200);
    expect(texts(byId.body)).toEqual(['m32', 'm31', 'm29', 'm28']);
  });

  it('refuses mixed or malformed cursors with 400', async () => {
    for (const query of [
      `around=${seqs[3]}&before=${seqs[9]}`,
      `around=${seqs[3]}&after=${seqs[1]}`,
      `aroundMessage=${ids[3]}&before=${seqs[9]}`,
      `around=${seqs[3]}&aroundMessage=${ids[3]}`,
      `before=${seqs[9]}&after=${seqs[1]}`,
      'around=0',
      'around=abc',
      'after=-1',
      `aroundMessage=${'x'.repeat(65)}`,
      'aroundMessage=%01',
    ]) {
      const { status, body } = await page(query);
      expect({ query, status, code: body.code }).toEqual({ query, status: 400, code: 'bad_request' });
    }
  });

  it('answers 404 for a message that is not in this room, and for rooms the caller is not in', async () => {
    const unknown = await page('aroundMessage=00000000-0000-7000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
    const { room: other } = await ok(alice.socket, 'room:create', { kind: 'group', name: 'elsewhere' });
    const { message } = await send(alice.socket, other.id, 'not here');
    expect((await page(`aroundMessage=${message.id}`)).status).toBe(404);

    for (const query of [`around=${seqs[3]}`, `aroundMessage=${ids[3]}`, `after=${seqs[3]}`]) {
      expect((await page(query, outsider.token)).status).toBe(404);
      expect((await getJson(`${server.url}/api/rooms/${roomId}/messages?${query}`)).status).toBe(401);
    }
  });
});
