import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, channelId, closeAllSockets, getJson, ok, send, settle, signedIn } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { rateRules: relaxedLimits });
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

describe('channels', () => {
  it('seeds general, tech and gaming, and signs new users into general', async () => {
    const alice = await signedIn(server.url);
    const { channels } = await ok(alice.socket, 'channels:list');
    expect(channels.map((c) => c.name).sort()).toEqual(expect.arrayContaining(['gaming', 'general', 'tech']));
    const { rooms } = await ok(alice.socket, 'rooms:list');
    expect(rooms.map((r) => r.name)).toContain('general');
  });

  it('lets two users chat in general both ways, with seq, author and timestamps', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const general = await channelId(alice.socket, 'general');

    const before = Date.now();
    const { message } = await send(alice.socket, general, 'hello bob');
    expect(message).toMatchObject({ roomId: general, text: 'hello bob', author: { id: alice.user.id } });
    expect(message.seq).toBeGreaterThan(0);
    expect(message.createdAt).toBeGreaterThanOrEqual(before);

    const received = await bob.recorder.wait('message:new', (e) => e.message.id === message.id);
    expect(received).toMatchObject({ type: 'message:new', roomId: general, seq: message.seq });

    const reply = await ok(bob.socket, 'message:send', {
      roomId: general,
      clientMsgId: randomUUID(),
      text: 'hi alice',
      replyTo: message.id,
    });
    expect(reply.message.seq).toBeGreaterThan(message.seq);
    expect(reply.message.reply).toMatchObject({ id: message.id, text: 'hello bob' });
    await alice.recorder.wait('message:new', (e) => e.message.id === reply.message.id);
  });

  it('joins and leaves channels with system lines, and creates channels with unique names', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const name = `room-${randomUUID().slice(0, 8)}`;
    const { room } = await ok(alice.socket, 'room:create', { kind: 'channel', name });
    expect(room).toMatchObject({ kind: 'channel', name, ownerId: alice.user.id, memberCount: 1 });

    const dup = await call(bob.socket, 'room:create', { kind: 'channel', name: name.toUpperCase() });
    expect(dup).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const joined = await ok(bob.socket, 'room:join', { roomId: room.id });
    expect(joined.room.memberCount).toBe(2);
    const joinEvent = await alice.recorder.wait('room:member-joined', (e) => e.roomId === room.id);
    expect(joinEvent).toMatchObject({
      user: { id: bob.user.id },
      message: { kind: 'system', system: 'joined' },
    });

    const { members } = await ok(alice.socket, 'room:members', { roomId: room.id });
    expect(members.map((m) => [m.id, m.online])).toEqual(
      expect.arrayContaining([
        [alice.user.id, true],
        [bob.user.id, true],
      ]),
    );

    await ok(bob.socket, 'room:leave', { roomId: room.id });
    const left = await alice.recorder.wait('room:member-left', (e) => e.roomId === room.id);
    expect(left.userId).toBe(bob.user.id);

    // Bob no longer hears the room.
    const after = bob.recorder.events.length;
    await send(alice.socket, room.id, 'bob is gone');
    await settle();
    expect(bob.recorder.events.slice(after).filter((e) => e.payload?.roomId === room.id)).toEqual([]);
    const refused = await call(bob.socket, 'message:send', {
      roomId: room.id,
      clientMsgId: randomUUID(),
      text: 'x',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('messages', () => {
  it('edits, deletes and reactions reach the room, each with the next seq', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const general = await channelId(alice.socket, 'general');
    const { message } = await send(alice.socket, general, 'first draft');

    const edited = await ok(alice.socket, 'message:edit', { messageId: message.id, text: 'final text' });
    expect(edited.message).toMatchObject({ text: 'final text' });
    expect(edited.message.editedAt).not.toBeNull();
    const updated = await bob.recorder.wait('message:updated', (e) => e.message.id === message.id);
    expect(updated.seq).toBeGreaterThan(message.seq);

    const refusedEdit = await call(bob.socket, 'message:edit', { messageId: message.id, text: 'hijack' });
    expect(refusedEdit).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const reacted = await ok(bob.socket, 'reaction:toggle', { messageId: message.id, emoji: '👍' });
    expect(reacted.reactions).toEqual([{ emoji: '👍', userIds: [bob.user.id] }]);
    const reactionEvent = await alice.recorder.wait('reaction:updated', (e) => e.messageId === message.id);
    expect(reactionEvent.seq).toBeGreaterThan(updated.seq);
    const unreacted = await ok(bob.socket, 'reaction:toggle', { messageId: message.id, emoji: '👍' });
    expect(unreacted.reactions).toEqual([]);
    expect(
      await call(bob.socket, 'reaction:toggle', { messageId: message.id, emoji: 'not an emoji' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });

    const refusedDelete = await call(bob.socket, 'message:delete', { messageId: message.id });
    expect(refusedDelete).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await ok(alice.socket, 'message:delete', { messageId: message.id });
    const deleted = await bob.recorder.wait('message:deleted', (e) => e.messageId === message.id);
    expect(deleted.roomId).toBe(general);

    const history = await getJson(`${server.url}/api/rooms/${general}/messages?limit=100`, bob.token);
    expect(history.body.messages.find((m: { id: string }) => m.id === message.id)).toBeUndefined();
  });

  it('stores a retried clientMsgId once and returns the original', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const general = await channelId(alice.socket, 'general');
    const clientMsgId = randomUUID();
    const [a, b] = await Promise.all([
      send(alice.socket, general, 'only once', clientMsgId),
      send(alice.socket, general, 'only once', clientMsgId),
    ]);
    const c = await send(alice.socket, general, 'only once', clientMsgId);
    expect(b.message.id).toBe(a.message.id);
    expect(c.message.id).toBe(a.message.id);
    await settle();
    expect(bob.recorder.of('message:new').filter((e) => e.message.clientMsgId === clientMsgId)).toHaveLength(
      1,
    );
    const history = await getJson(`${server.url}/api/rooms/${general}/messages?limit=100`, alice.token);
    expect(
      history.body.messages.filter((m: { clientMsgId: string }) => m.clientMsgId === clientMsgId),
    ).toHaveLength(1);
  });

  it('pages history newest first with before/limit, for members only', async () => {
    const alice = await signedIn(server.url);
    const outsider = await signedIn(server.url);
    const { room } = await ok(alice.socket, 'room:create', { kind: 'group', name: 'paging' });
    const sent: number[] = [];
    for (let i = 0; i < 7; i++) sent.push((await send(alice.socket, room.id, `m${i}`)).message.seq);

    const first = await getJson(`${server.url}/api/rooms/${room.id}/messages?limit=3`, alice.token);
    expect(first.status).toBe(200);
    expect(first.body.messages.map((m: { text: string }) => m.text)).toEqual(['m6', 'm5', 'm4']);
    const second = await getJson(
      `${server.url}/api/rooms/${room.id}/messages?limit=3&before=${first.body.nextBefore}`,
      alice.token,
    );
    expect(second.body.messages.map((m: { text: string }) => m.text)).toEqual(['m3', 'm2', 'm1']);

    expect((await getJson(`${server.url}/api/rooms/${room.id}/messages`, outsider.token)).status).toBe(404);
    expect((await getJson(`${server.url}/api/rooms/${room.id}/messages`)).status).toBe(401);
    expect((await getJson(`${server.url}/api/rooms/${room.id}/messages?limit=101`, alice.token)).status).toBe(
      400,
    );
  });

  it('tracks unread counts and read positions', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const { room } = await ok(alice.socket, 'room:create', {
      kind: 'group',
      name: 'unread',
      memberIds: [bob.user.id],
    });
    await send(alice.socket, room.id, 'one');
    const { message } = await send(alice.socket, room.id, 'two');
    const listed = (await ok(bob.socket, 'rooms:list')).rooms.find((r) => r.id === room.id);
    expect(listed?.unread).toBe(2);
    await ok(bob.socket, 'room:read', { roomId: room.id, seq: message.seq });
    const after = (await ok(bob.socket, 'rooms:list')).rooms.find((r) => r.id === room.id);
    expect(after).toMatchObject({ unread: 0, lastReadSeq: message.seq });
  });
});

describe('typing and presence', () => {
  it('relays typing to the other members only, and presence to people who share a room', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const { room } = await ok(alice.socket, 'room:create', {
      kind: 'group',
      name: 'typing',
      memberIds: [bob.user.id],
    });
    await bob.recorder.wait('room:added', (e) => e.room.id === room.id);
    await settle(100);
    await ok(alice.socket, 'typing', { roomId: room.id, typing: true });
    expect(await bob.recorder.wait('typing', (e) => e.roomId === room.id)).toEqual({
      roomId: room.id,
      userId: alice.user.id,
      typing: true,
    });
    // An echo to the sender would arrive about when Bob's copy did: give it time to show.
    await settle();
    expect(alice.recorder.of('typing')).toEqual([]);

    alice.socket.disconnect();
    const offline = await bob.recorder.wait('presence', (e) => e.userId === alice.user.id && !e.online);
    expect(offline.lastSeenAt).toBeGreaterThan(0);
    const { members } = await ok(bob.socket, 'room:members', { roomId: room.id });
    expect(members.find((m) => m.id === alice.user.id)).toMatchObject({ online: false });
  });
});
