import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/shared/protocol.js';
import { ChatClient } from '../../src/web/state/client.js';
import {
  channelId,
  closeAllSockets,
  ok,
  postJson,
  register,
  send,
  settle,
  signedIn,
  uniqueName,
  until,
} from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';
import { MemoryStorage } from '../helpers/storage.js';

/**
 * The web app's ChatClient (the same code the browser runs) against a real server: the
 * outbox, reconnect and resync rules that make delivery exactly-once.
 */
let server: TestServer;
const clients: ChatClient[] = [];
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
  closeAllSockets();
});
afterAll(async () => {
  await server.close();
});

async function startClient(storage = new MemoryStorage()) {
  const auth = await register(server.url);
  const make = () => {
    const client = new ChatClient({
      me: auth.user,
      baseUrl: server.url,
      token: auth.token,
      storage,
      onUnauthorized: () => {},
    });
    clients.push(client);
    client.start();
    return client;
  };
  const client = make();
  await until(
    () => client.getState().connection === 'online' && Object.keys(client.getState().rooms).length > 0,
  );
  return { client, auth, storage, restart: make };
}

describe('web client engine', () => {
  it('sends messages written offline exactly once when the connection returns', async () => {
    const { client } = await startClient();
    const bob = await signedIn(server.url);
    const general = await channelId(bob.socket, 'general');
    client.selectRoom(general);

    client.socket.disconnect();
    await until(() => client.getState().connection === 'reconnecting');
    client.send(general, 'written offline 1');
    client.send(general, 'written offline 2');
    expect(client.getState().outbox.map((o) => o.status)).toEqual(['pending', 'pending']);

    client.socket.connect();
    await until(() => client.getState().outbox.length === 0);
    await settle(300);
    const texts = bob.recorder.of('message:new').map((e) => e.message.text);
    expect(texts.filter((t) => t === 'written offline 1')).toHaveLength(1);
    expect(texts.filter((t) => t === 'written offline 2')).toHaveLength(1);
    expect(texts.indexOf('written offline 1')).toBeLessThan(texts.indexOf('written offline 2'));
    const mine = client
      .getState()
      .rooms[general]!.messages.filter((m) => m.text.startsWith('written offline'));
    expect(mine).toHaveLength(2);
  });

  it('keeps the outbox across a reload and sends it once', async () => {
    const { client, storage, restart } = await startClient();
    const bob = await signedIn(server.url);
    const general = await channelId(bob.socket, 'general');
    client.socket.disconnect();
    client.send(general, 'survives a reload');
    client.stop();

    const reloaded = restart();
    await until(() => reloaded.getState().connection === 'online' && reloaded.getState().outbox.length === 0);
    await bob.recorder.wait('message:new', (e) => e.message.text === 'survives a reload');
    await settle(300);
    expect(bob.recorder.of('message:new').filter((e) => e.message.text === 'survives a reload')).toHaveLength(
      1,
    );
    expect(storage.data.size).toBe(1);
  });

  it('forgets the outbox and drafts at sign-out, even for a send still in flight', async () => {
    const { client, storage, auth } = await startClient();
    const bob = await signedIn(server.url);
    const general = await channelId(bob.socket, 'general');
    client.selectRoom(general);
    client.drafts.set(general, { text: 'half written' });
    // Sent and not yet acknowledged when the user signs out: the disconnect fails the request,
    // and the failure must not put the message back into storage.
    client.send(general, 'in flight at sign-out');
    expect(client.getState().outbox).toHaveLength(1);
    client.forgetLocalData();
    client.drafts.set(general, { text: 'saved by a composer unmounting' });
    await settle(500);
    expect([...storage.data.keys()].filter((key) => key.includes(auth.user.id))).toEqual([]);
  });

  it('leaves no hole when a link replaces the window while a newer page is loading', async () => {
    const first = await startClient();
    const bob = await signedIn(server.url);
    const { room } = await ok(bob.socket, 'room:create', {
      kind: 'group',
      name: uniqueName('archive'),
      memberIds: [first.auth.user.id],
    });
    // Written while the reader was away: the history is paged in, not received live.
    first.client.stop();
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push((await send(bob.socket, room.id, `note ${i}`)).message.id);
    const client = first.restart();
    await until(() => Boolean(client.getState().rooms[room.id]));
    await client.openMessage(room.id, ids[120]!);
    expect(client.getState().rooms[room.id]!.hasNewer).toBe(true);
    // A second link, and the list asking for newer messages of the window it still shows —
    // answered after the link's page (a slower request; the delay only orders the answers).
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      if (String(input).includes('after=')) await settle(300);
      return response;
    };
    try {
      const jump = client.openMessage(room.id, ids[30]!);
      const newer = client.loadNewer(room.id);
      await Promise.all([jump, newer]);
    } finally {
      globalThis.fetch = realFetch;
    }
    // Then the reader scrolls down to the newest, a page at a time.
    for (let tries = 0; client.getState().rooms[room.id]!.hasNewer && tries < 100; tries++) {
      await client.loadNewer(room.id);
      await settle(20);
    }
    const seqs = client.getState().rooms[room.id]!.messages.map((m) => m.seq);
    const holes = seqs.filter((seq, i) => i > 0 && seq !== seqs[i - 1]! + 1);
    expect(holes).toEqual([]);
    expect(client.getState().rooms[room.id]!.messages.at(-1)!.id).toBe(ids[199]);
  });

  it('shows the sign-in screen when the session is ended elsewhere, instead of reconnecting forever', async () => {
    const auth = await register(server.url);
    let signedOut = false;
    const client = new ChatClient({
      me: auth.user,
      baseUrl: server.url,
      token: auth.token,
      storage: new MemoryStorage(),
      onUnauthorized: () => {
        signedOut = true;
      },
    });
    clients.push(client);
    client.start();
    await until(() => client.getState().connection === 'online');
    // Signed out from another tab: the server revokes the session and closes its sockets.
    const logout = await postJson(
      `${server.url}/api/auth/logout`,
      {},
      { authorization: `Bearer ${auth.token}` },
    );
    expect(logout.status).toBe(204);
    await until(() => signedOut);
  });

  it('catches up on everything missed while disconnected, in order, once', async () => {
    const { client } = await startClient();
    const bob = await signedIn(server.url);
    const general = await channelId(bob.socket, 'general');
    client.selectRoom(general);
    await until(() => client.getState().rooms[general]!.historyLoaded);

    client.socket.disconnect();
    const sent: Message[] = [];
    for (let i = 0; i < 5; i++) sent.push((await send(bob.socket, general, `while away ${i}`)).message);
    await ok(bob.socket, 'message:edit', { messageId: sent[0]!.id, text: 'edited while away' });
    await ok(bob.socket, 'message:delete', { messageId: sent[4]!.id });

    client.socket.connect();
    await until(() => client.getState().rooms[general]!.cursor >= sent[4]!.seq + 2);
    const view = client.getState().rooms[general]!;
    const ids = view.messages.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const seen = view.messages.filter((m) => sent.some((s) => s.id === m.id));
    expect(seen.map((m) => m.text)).toEqual([
      'edited while away',
      'while away 1',
      'while away 2',
      'while away 3',
    ]);
  });

  it('fills a gap in the live stream by syncing', async () => {
    const { client } = await startClient();
    const bob = await signedIn(server.url);
    const general = await channelId(bob.socket, 'general');
    const view = () => client.getState().rooms[general]!;
    // Pretend two events were lost in transit: the next live event shows the gap.
    const first = await send(bob.socket, general, 'gap 1');
    await until(() => view().cursor === first.message.seq);
    // getState() hands out the live state object: stepping its cursor back is what a loss does.
    view().cursor -= 2;
    const next = await send(bob.socket, general, 'gap 2');
    await until(() => view().cursor === next.message.seq);
    expect(
      view()
        .messages.filter((m) => m.text.startsWith('gap '))
        .map((m) => m.text),
    ).toEqual(['gap 1', 'gap 2']);
  });

  it('counts unread messages in rooms that are not open', async () => {
    const { client, auth } = await startClient();
    const bob = await signedIn(server.url);
    const { room } = await ok(bob.socket, 'dm:open', { userId: auth.user.id });
    await until(() => Boolean(client.getState().rooms[room.id]));
    await send(bob.socket, room.id, 'one');
    await send(bob.socket, room.id, 'two');
    await until(() => client.getState().rooms[room.id]!.room.unread === 2);
    client.selectRoom(room.id);
    expect(client.getState().rooms[room.id]!.room.unread).toBe(0);
    await until(() => client.getState().rooms[room.id]!.room.lastReadSeq >= 2);
    // The server agrees after a reconnect.
    client.socket.disconnect();
    client.selectRoom(null);
    client.socket.connect();
    await until(() => client.getState().connection === 'online');
    await settle(200);
    expect(client.getState().rooms[room.id]!.room.unread).toBe(0);
  });

  it('marks read only what was seen: leaving a room right after a message does not swallow the next one', async () => {
    const { client, auth } = await startClient();
    const bob = await signedIn(server.url);
    const { room } = await ok(bob.socket, 'dm:open', { userId: auth.user.id });
    await until(() => Boolean(client.getState().rooms[room.id]));
    client.selectRoom(room.id);
    await send(bob.socket, room.id, 'seen');
    await until(() => client.getState().rooms[room.id]!.messages.some((m) => m.text === 'seen'));
    // Away within the read delay, and a message arrives before the read goes out.
    const general = Object.values(client.getState().rooms).find((v) => v.room.name === 'general')!;
    client.selectRoom(general.room.id);
    await send(bob.socket, room.id, 'not seen');
    await until(() => client.getState().rooms[room.id]!.room.unread === 1);
    await settle(800);
    expect(client.getState().rooms[room.id]!.room.unread).toBe(1);
    // And the server kept it unread too.
    client.socket.disconnect();
    client.socket.connect();
    await until(() => client.getState().connection === 'online');
    await settle(200);
    expect(client.getState().rooms[room.id]!.room.unread).toBe(1);
  });
});
