import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_PAGE_MAX_BYTES } from '../../src/server/services/history.js';
import { LIMITS, type LogEvent } from '../../src/shared/protocol.js';
import {
  call,
  channelId,
  closeAllSockets,
  connect,
  getJson,
  ok,
  register,
  send,
  signedIn,
} from '../helpers/clients.js';
import { spawnServer } from '../helpers/process.js';
import { relaxedLimits, startTestServer, tempDir } from '../helpers/server.js';

afterEach(() => closeAllSockets());

/** Runs `sync` until `more` is false, the way a client does, returning every event in order. */
async function syncAll(socket: Parameters<typeof ok>[0], cursors: Record<string, number>) {
  const events: LogEvent[] = [];
  const gone: string[] = [];
  let pages = 0;
  for (;;) {
    const page = await ok(socket, 'sync', { cursors });
    pages++;
    events.push(...page.events);
    gone.push(...page.gone);
    for (const event of page.events) cursors[event.roomId] = Math.max(cursors[event.roomId] ?? 0, event.seq);
    if (!page.more) return { events, gone, pages };
  }
}

/** A child-process server with one signed-in user in #general. */
async function spawnWithUser(dataDir: string) {
  const server = await spawnServer({ DATA_DIR: dataDir });
  const { token } = await register(server.url);
  const socket = await connect(server.url, token);
  return { server, token, socket, general: await channelId(socket, 'general') };
}

/** Every message id stored in a room, paging through the whole history over HTTP. */
async function storedMessageIds(url: string, token: string, roomId: string): Promise<Set<string>> {
  const stored = new Set<string>();
  let before: number | null = null;
  do {
    const query: string = before ? `&before=${before}` : '';
    const page = await getJson(`${url}/api/rooms/${roomId}/messages?limit=100${query}`, token);
    for (const m of page.body.messages) stored.add(m.id);
    before = page.body.nextBefore;
  } while (before);
  return stored;
}

describe('resync', () => {
  it('keeps a sync page of long messages under its byte budget, and pages through all of them', async () => {
    const server = await startTestServer({}, { rateRules: relaxedLimits });
    try {
      const alice = await signedIn(server.url);
      const { room } = await ok(alice.socket, 'room:create', { kind: 'group', name: 'long lines' });
      const text = 'x'.repeat(LIMITS.messageTextMax);
      await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          send(alice.socket, room.id, `${i}${text}`.slice(0, LIMITS.messageTextMax)),
        ),
      );
      const first = await ok(alice.socket, 'sync', { cursors: { [room.id]: 0 } });
      // 400 entries of 4000 characters: far past the budget for one page of 500.
      expect(first.more).toBe(true);
      expect(first.events.length).toBeLessThan(400);
      expect(JSON.stringify(first).length).toBeLessThanOrEqual(SYNC_PAGE_MAX_BYTES);
      const { events, pages } = await syncAll(alice.socket, { [room.id]: 0 });
      expect(pages).toBeGreaterThan(3);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
      expect(events.filter((e) => e.type === 'message:new')).toHaveLength(400);
    } finally {
      await server.close();
    }
  });

  it('replays exactly the missed events, in order, across several pages', async () => {
    const server = await startTestServer({}, { rateRules: relaxedLimits });
    try {
      const alice = await signedIn(server.url);
      const bob = await signedIn(server.url);
      const { room } = await ok(alice.socket, 'room:create', {
        kind: 'group',
        name: 'gap',
        memberIds: [bob.user.id],
      });
      const general = await channelId(alice.socket, 'general');
      const { message: seen } = await send(alice.socket, room.id, 'bob saw this');
      await bob.recorder.wait('message:new', (e) => e.message.id === seen.id);
      const cursors = {
        [room.id]: seen.seq,
        [general]: (await ok(bob.socket, 'rooms:list')).rooms.find((r) => r.id === general)!.lastSeq,
      };
      bob.socket.disconnect();

      // While Bob is away: 1200 messages (more than two sync pages), an edit, a reaction, a delete.
      const sent = await Promise.all(
        Array.from({ length: 1200 }, (_, i) => send(alice.socket, room.id, `missed ${i}`)),
      );
      const first = sent[0]!.message;
      await ok(alice.socket, 'message:edit', { messageId: first.id, text: 'edited while away' });
      await ok(alice.socket, 'reaction:toggle', { messageId: first.id, emoji: '🎉' });
      await ok(alice.socket, 'message:delete', { messageId: sent[1]!.message.id });
      const inGeneral = await send(alice.socket, general, 'general while away');

      const back = await connect(server.url, bob.token);
      const { events, pages } = await syncAll(back, { ...cursors });
      const inRoom = events.filter((e) => e.roomId === room.id);
      expect(pages).toBeGreaterThanOrEqual(3);
      // Every seq after the cursor exactly once, in order, and nothing before it.
      expect(inRoom.map((e) => e.seq)).toEqual(Array.from({ length: 1203 }, (_, i) => seen.seq + 1 + i));
      expect(inRoom.filter((e) => e.type === 'message:new')).toHaveLength(1200);
      expect(inRoom.slice(-3).map((e) => e.type)).toEqual([
        'message:updated',
        'reaction:updated',
        'message:deleted',
      ]);
      // Payloads reflect the current state: the edit and reaction show on the replayed message.
      const replayedFirst = inRoom.find((e) => e.type === 'message:new' && e.message.id === first.id);
      expect(replayedFirst).toMatchObject({
        message: { text: 'edited while away', reactions: [{ emoji: '🎉' }] },
      });
      const replayedDeleted = inRoom.find(
        (e) => e.type === 'message:new' && e.message.id === sent[1]!.message.id,
      );
      expect(replayedDeleted).toMatchObject({ message: { text: '' } });
      expect(events.filter((e) => e.roomId === general).map((e) => e.seq)).toContain(inGeneral.message.seq);

      // Caught up: a second sync returns nothing.
      const cursorsNow = Object.fromEntries(
        [room.id, general].map((id) => [
          id,
          Math.max(...events.filter((e) => e.roomId === id).map((e) => e.seq)),
        ]),
      );
      expect((await ok(back, 'sync', { cursors: cursorsNow })).events).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('persistence', () => {
  it('keeps history, membership and sessions across a restart, and resync works after it', async () => {
    const dataDir = tempDir();
    const first = await startTestServer({ dataDir }, { rateRules: relaxedLimits });
    const alice = await signedIn(first.url);
    const { room } = await ok(alice.socket, 'room:create', { kind: 'group', name: 'durable' });
    const texts = ['one', 'two', 'three'];
    for (const text of texts) await send(alice.socket, room.id, text);
    closeAllSockets();
    await first.close();

    const second = await startTestServer({ dataDir }, { rateRules: relaxedLimits });
    try {
      const history = await getJson(`${second.url}/api/rooms/${room.id}/messages`, alice.token);
      expect(history.status).toBe(200);
      expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([...texts].reverse());
      const socket = await connect(second.url, alice.token);
      const { events } = await syncAll(socket, { [room.id]: 0 });
      expect(
        events.filter((e) => e.type === 'message:new').map((e) => e.type === 'message:new' && e.message.text),
      ).toEqual(texts);
      const { message } = await send(socket, room.id, 'four');
      expect(message.seq).toBe(Math.max(...events.map((e) => e.seq)) + 1);
    } finally {
      await second.close();
    }
  });

  it('keeps every acknowledged message when the server process is killed with SIGKILL', async () => {
    const dataDir = tempDir();
    const { server, token, socket, general } = await spawnWithUser(dataDir);

    // A steady stream within the rate limit; kill -9 lands while sends are in flight.
    const acked: string[] = [];
    const inFlight: Promise<unknown>[] = [];
    const stream = setInterval(() => {
      const clientMsgId = randomUUID();
      inFlight.push(
        call(socket, 'message:send', { roomId: general, clientMsgId, text: `durable ${clientMsgId}` }, 2_000)
          .then((ack) => {
            if (ack.ok) acked.push(ack.message.id);
          })
          .catch(() => {}),
      );
    }, 40);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await server.stop('SIGKILL');
    clearInterval(stream);
    await Promise.allSettled(inFlight);
    expect(acked.length).toBeGreaterThan(10);

    const restarted = await spawnServer({ DATA_DIR: dataDir });
    try {
      const stored = await storedMessageIds(restarted.url, token, general);
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await restarted.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('stops on SIGTERM after finishing accepted writes', async () => {
    const dataDir = tempDir();
    const { server, token, socket, general } = await spawnWithUser(dataDir);
    const sendOne = () =>
      call(
        socket,
        'message:send',
        { roomId: general, clientMsgId: randomUUID(), text: 'before shutdown' },
        5_000,
      ).catch(() => null);
    const first = await sendOne();
    // More sends in flight as the signal lands: each is either stored and acked, or refused.
    const pending = [Promise.resolve(first), ...Array.from({ length: 15 }, sendOne)];
    const exitCode = await server.stop('SIGTERM');
    expect(exitCode).toBe(0);
    const acks = await Promise.all(pending);
    const ackedIds = acks.flatMap((a) => (a?.ok ? [a.message.id] : []));
    expect(ackedIds.length).toBeGreaterThan(0);

    const restarted = await spawnServer({ DATA_DIR: dataDir });
    try {
      const stored = await storedMessageIds(restarted.url, token, general);
      expect(ackedIds.filter((id) => !stored.has(id))).toEqual([]);
    } finally {
      await restarted.stop();
    }
  });
});
