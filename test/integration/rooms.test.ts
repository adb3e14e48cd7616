import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, closeAllSockets, connect, ok, send, settle, signedIn } from '../helpers/clients.js';
import { relaxedLimits, startTestServer, type TestServer } from '../helpers/server.js';

const GRACE_MS = 400;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ephemeralGraceMs: GRACE_MS }, { rateRules: relaxedLimits });
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

describe('direct messages', () => {
  it('opens one DM per pair and keeps it private, even from someone who knows its id', async () => {
    const alice = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const eve = await signedIn(server.url);

    const opened = await ok(alice.socket, 'dm:open', { userId: bob.user.id });
    expect(opened.room).toMatchObject({ kind: 'dm', memberCount: 2, peer: { id: bob.user.id } });
    const added = await bob.recorder.wait('room:added', (e) => e.room.id === opened.room.id);
    expect(added.room.peer.id).toBe(alice.user.id);
    const again = await ok(bob.socket, 'dm:open', { userId: alice.user.id });
    expect(again.room.id).toBe(opened.room.id);

    const roomId = opened.room.id;
    for (const attempt of [
      call(eve.socket, 'room:join', { roomId }),
      call(eve.socket, 'message:send', { roomId, clientMsgId: randomUUID(), text: 'let me in' }),
      call(eve.socket, 'room:members', { roomId }),
      call(eve.socket, 'typing', { roomId, typing: true }),
      call(eve.socket, 'room:leave', { roomId }),
    ]) {
      expect(await attempt).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    const synced = await ok(eve.socket, 'sync', { cursors: { [roomId]: 0 } });
    expect(synced).toMatchObject({ events: [], gone: [roomId] });

    const { message } = await send(alice.socket, roomId, 'just for you');
    await bob.recorder.wait('message:new', (e) => e.message.id === message.id);
    const reaction = await ok(bob.socket, 'reaction:toggle', { messageId: message.id, emoji: '❤️' });
    expect(reaction.reactions).toHaveLength(1);
    await ok(alice.socket, 'typing', { roomId, typing: true });
    expect(await call(eve.socket, 'reaction:toggle', { messageId: message.id, emoji: '👀' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    await settle();
    expect(
      eve.recorder.events.filter((e) => e.payload?.roomId === roomId || e.payload?.room?.id === roomId),
    ).toEqual([]);
    expect(await call(alice.socket, 'room:leave', { roomId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('refuses a DM with yourself or with nobody', async () => {
    const alice = await signedIn(server.url);
    expect(await call(alice.socket, 'dm:open', { userId: alice.user.id })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await call(alice.socket, 'dm:open', { userId: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('groups', () => {
  it('creates with members, enforces maxMembers, and lets only the owner add or remove', async () => {
    const owner = await signedIn(server.url);
    const bob = await signedIn(server.url);
    const carol = await signedIn(server.url);
    const dave = await signedIn(server.url);

    const tooMany = await call(owner.socket, 'room:create', {
      kind: 'group',
      name: 'crowded',
      memberIds: [bob.user.id, carol.user.id],
      maxMembers: 2,
    });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const { room } = await ok(owner.socket, 'room:create', {
      kind: 'group',
      name: 'Project X',
      memberIds: [bob.user.id],
      maxMembers: 3,
    });
    expect(room).toMatchObject({ kind: 'group', ownerId: owner.user.id, memberCount: 2, maxMembers: 3 });
    await bob.recorder.wait('room:added', (e) => e.room.id === room.id);
    expect(await call(carol.socket, 'room:join', { roomId: room.id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(
      await call(bob.socket, 'room:add-member', { roomId: room.id, userId: carol.user.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    await ok(owner.socket, 'room:add-member', { roomId: room.id, userId: carol.user.id });
    await carol.recorder.wait('room:added', (e) => e.room.id === room.id);
    await bob.recorder.wait('room:member-joined', (e) => e.roomId === room.id && e.user.id === carol.user.id);
    expect(
      await call(owner.socket, 'room:add-member', { roomId: room.id, userId: dave.user.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });

    await ok(owner.socket, 'room:remove-member', { roomId: room.id, userId: carol.user.id });
    await carol.recorder.wait('room:deleted', (e) => e.roomId === room.id && e.reason === 'removed');
    const { message } = await send(owner.socket, room.id, 'carol cannot see this');
    await bob.recorder.wait('message:new', (e) => e.message.id === message.id);
    await settle();
    expect(carol.recorder.of('message:new').filter((e) => e.roomId === room.id)).toEqual([]);

    // The owner leaves: the longest-standing member inherits the group.
    await ok(owner.socket, 'room:leave', { roomId: room.id });
    const updated = await bob.recorder.wait('room:updated', (e) => e.roomId === room.id);
    expect(updated.room.ownerId).toBe(bob.user.id);
  });
});

describe('code rooms', () => {
  it('joins by code (any case), hides the code from outsiders, and deletes the room when the last member leaves', async () => {
    const alice = await signedIn(server.url, 'guest');
    const bob = await signedIn(server.url, 'guest');
    const { room, code } = await ok(alice.socket, 'code:create', { name: 'Study group' });
    expect(code).toMatch(/^[A-HJKMNP-TW-Z2-9]{6}$/);
    expect(room).toMatchObject({ kind: 'code', code, name: 'Study group' });

    expect(await call(bob.socket, 'code:join', { code: 'ZZZZZZ' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const joined = await ok(bob.socket, 'code:join', {
      code: ` ${code.toLowerCase().slice(0, 3)}-${code.slice(3)} `,
    });
    expect(joined.room.id).toBe(room.id);
    const { message } = await send(bob.socket, room.id, 'hi from the code room');
    await alice.recorder.wait('message:new', (e) => e.message.id === message.id);

    await ok(alice.socket, 'room:leave', { roomId: room.id });
    await ok(bob.socket, 'room:leave', { roomId: room.id });
    expect(await call(bob.socket, 'code:join', { code })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const history = await fetch(`${server.url}/api/rooms/${room.id}/messages`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    expect(history.status).toBe(404);
  });

  it('survives a reload within the grace period and is deleted after the last member stays away', async () => {
    const alice = await signedIn(server.url, 'guest');
    const { room, code } = await ok(alice.socket, 'code:create', {});

    alice.socket.disconnect();
    await settle(GRACE_MS / 4);
    const back = await connect(server.url, alice.token);
    await ok(back, 'message:send', { roomId: room.id, clientMsgId: randomUUID(), text: 'still here' });
    await settle(GRACE_MS * 1.5);
    expect((await ok(back, 'rooms:list')).rooms.map((r) => r.id)).toContain(room.id);

    back.disconnect();
    await settle(GRACE_MS * 2.5);
    const observer = await signedIn(server.url, 'guest');
    expect(await call(observer.socket, 'code:join', { code })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('enforces maxMembers on code rooms', async () => {
    const alice = await signedIn(server.url, 'guest');
    const bob = await signedIn(server.url, 'guest');
    const carol = await signedIn(server.url, 'guest');
    const { code } = await ok(alice.socket, 'code:create', { maxMembers: 2 });
    await ok(bob.socket, 'code:join', { code });
    expect(await call(carol.socket, 'code:join', { code })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });
});

describe('random matching', () => {
  it('pairs two waiting users in a private room and ends it when one leaves', async () => {
    const alice = await signedIn(server.url, 'guest');
    const bob = await signedIn(server.url, 'guest');
    const carol = await signedIn(server.url, 'guest');

    expect(await ok(alice.socket, 'match:random')).toEqual({ ok: true, status: 'waiting' });
    expect(await ok(alice.socket, 'match:cancel')).toMatchObject({ cancelled: true });
    expect(await ok(alice.socket, 'match:random')).toMatchObject({ status: 'waiting' });
    const matched = await ok(bob.socket, 'match:random');
    if (matched.status !== 'matched') throw new Error('expected a match');
    const found = await alice.recorder.wait('match:found');
    expect(found.room.id).toBe(matched.room.id);
    expect(found.room.peer.id).toBe(bob.user.id);
    expect(matched.room.peer?.id).toBe(alice.user.id);

    const roomId = matched.room.id;
    const { message } = await send(alice.socket, roomId, 'hello stranger');
    await bob.recorder.wait('message:new', (e) => e.message.id === message.id);
    expect(await call(carol.socket, 'room:join', { roomId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    await ok(bob.socket, 'room:leave', { roomId });
    const ended = await alice.recorder.wait('room:deleted', (e) => e.roomId === roomId);
    expect(ended.reason).toBe('ended');
    expect(
      await call(alice.socket, 'message:send', { roomId, clientMsgId: randomUUID(), text: 'x' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('drops a waiting user who disconnects', async () => {
    const alice = await signedIn(server.url, 'guest');
    expect(await ok(alice.socket, 'match:random')).toMatchObject({ status: 'waiting' });
    alice.socket.disconnect();
    await settle(100);
    const bob = await signedIn(server.url, 'guest');
    expect(await ok(bob.socket, 'match:random')).toMatchObject({ status: 'waiting' });
    await settle(100);
    expect(bob.recorder.of('match:found')).toEqual([]);
    expect(await ok(bob.socket, 'match:cancel')).toMatchObject({ cancelled: true });
  });
});
